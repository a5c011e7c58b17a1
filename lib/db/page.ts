// Keyset pages over rows with unique ids: ask for one row more than the page holds, and the last
// row shown is the cursor of the next page.

export interface PageRequest {
  limit: number;
  /** the id of the last row of the page before */
  cursor?: string;
}

/** Prisma's findMany arguments for one page (with an orderBy whose last key is unique). */
export const pageArgs = (q: PageRequest) => ({ take: q.limit + 1, ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}) });

/** The rows of a page fetched with pageArgs, and the cursor of the next one (null on the last). */
export function pageOf<R extends { id: string }>(rows: R[], limit: number): { rows: R[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  return { rows: shown, nextCursor: rows.length > limit ? shown.at(-1)!.id : null };
}
