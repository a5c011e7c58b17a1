/**
 * Sums amounts per key; the entries come back in key order — the order a batch updates its rows in,
 * so concurrent batches on Postgres lock them in the same order.
 */
export class Totals<T> {
  private readonly sums = new Map<string, { item: T; amount: bigint }>();

  add(key: string, item: T, amount: bigint): void {
    const sum = this.sums.get(key);
    if (sum) sum.amount += amount;
    else this.sums.set(key, { item, amount });
  }

  entries(): Array<{ item: T; amount: bigint }> {
    return [...this.sums.keys()].sort().map((key) => this.sums.get(key)!);
  }
}
