import { processSingleton } from "../singleton";

// Smooth weighted round-robin (nginx's algorithm): over any window, each item is picked in
// proportion to its weight, and picks are interleaved rather than bunched (5:1:1 → a a b a c a a).

export interface Weighted {
  id: string;
  weight: number;
}

export class SmoothWeightedRoundRobin {
  private current = new Map<string, Map<string, number>>();

  /**
   * The items in the order to try them: the round-robin pick first, then the others by weight.
   * `group` names the set being balanced (a model's priority tier, a provider's credentials).
   */
  order<T extends Weighted>(group: string, items: readonly T[]): T[] {
    const live = items.filter((i) => i.weight > 0);
    if (live.length <= 1) return [...live];
    let state = this.current.get(group);
    if (!state) {
      state = new Map();
      this.current.set(group, state);
    }
    let total = 0;
    let best: T | undefined;
    for (const item of live) {
      const value = (state.get(item.id) ?? 0) + item.weight;
      state.set(item.id, value);
      total += item.weight;
      if (!best || value > state.get(best.id)!) best = item;
    }
    state.set(best!.id, state.get(best!.id)! - total);
    return [best!, ...live.filter((i) => i !== best).sort((a, b) => b.weight - a.weight)];
  }
}

export const balancer = processSingleton("route-balancer", () => new SmoothWeightedRoundRobin());
