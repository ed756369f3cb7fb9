/** One page of a Clerk list: its entries and the total Clerk reported, when it did. */
export interface Page<T> {
  items: T[];
  totalCount: number | undefined;
}

/** What a walk through a list found. */
export interface Walk<T> {
  /** Every entry, in the order Clerk listed them, each key once. */
  items: T[];
  /** The pages requested. */
  pages: number;
  /** The distinct totals Clerk reported along the way: more than one means the list changed meanwhile. */
  totals: number[];
}

/**
 * Reads a whole list `pageSize` entries at a time, from offset 0: `fetchPage(offset, limit)` is
 * called one page after the other, until a page is shorter than asked for, or the entries read
 * reach the total Clerk reported. An entry whose `keyOf` was seen already (the list shifted
 * between pages) is kept once. `onPage` hears after each page how many distinct entries were read
 * and the latest total.
 */
export async function readAllPages<T>(
  pageSize: number,
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
  keyOf: (item: T) => string,
  onPage: (read: number, total: number | undefined) => void = () => {},
): Promise<Walk<T>> {
  const seen = new Map<string, T>();
  const totals: number[] = [];
  let pages = 0;
  for (let offset = 0; ;) {
    const page = await fetchPage(offset, pageSize);
    pages += 1;
    for (const item of page.items) if (!seen.has(keyOf(item))) seen.set(keyOf(item), item);
    if (page.totalCount !== undefined && !totals.includes(page.totalCount)) totals.push(page.totalCount);
    onPage(seen.size, page.totalCount);
    offset += page.items.length;
    const short = page.items.length < pageSize;
    const complete = page.totalCount !== undefined && offset >= page.totalCount;
    if (short || complete) break;
  }
  return { items: [...seen.values()], pages, totals };
}
