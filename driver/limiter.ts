/**
 * A counting semaphore: `run(fn)` starts `fn` only while fewer than `limit` earlier calls are running,
 * in call order. The limit is at least 1.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit));
  }

  /** Runs `fn` when a slot is free; resolves or rejects with its result. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Runs `fn` for every item such that an item starts only after every item it must wait for
 * (`waitsFor(item)`, restricted to `items`) has finished, with at most `limit` running at once.
 * Dependency cycles are broken arbitrarily. Items whose prerequisite failed are still run (the caller decides what to do); `fn` must not throw.
 */
export async function runOrdered<T>(
  items: T[],
  waitsFor: (item: T) => T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const limiter = new Limiter(limit);
  const done = new Map<T, Promise<void>>();
  const set = new Set(items);
  const visiting = new Set<T>();
  const start = (item: T): Promise<void> => {
    let p = done.get(item);
    if (!p) {
      if (visiting.has(item)) return Promise.resolve(); // a cycle: ignore the back edge
      visiting.add(item);
      const before = waitsFor(item).filter((x) => set.has(x) && x !== item);
      p = Promise.all(before.map(start)).then(() => limiter.run(() => fn(item)));
      done.set(item, p);
    }
    return p;
  };
  await Promise.all(items.map(start));
}
