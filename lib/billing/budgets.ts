// Enterprise budgets: monthly spending limits (in nano-USD of provider cost) on a key, a user or a
// team. The gateway finds the ones that apply to a caller; billing holds and settles against them.

export interface Budget {
  scope: "key" | "user" | "team";
  scopeId: string;
  /** how people know it: the key's name, the user's email, the team's name */
  label: string;
  limitNanoUsd: bigint;
}

/** "YYYY-MM" (UTC): Enterprise budgets are monthly. */
export const budgetPeriod = (at: Date) => `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}`;
