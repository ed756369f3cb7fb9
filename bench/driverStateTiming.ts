/**
 * Measures the engine driver's state writes without changing them: wraps the `saveState`
 * export of `driver/state.ts` (which `driver/engine.ts` calls through the module object) with a
 * timer. Used to show how much of a large stack's wall time the driver spends rewriting its
 * state file after every step.
 */
import * as driverState from "../driver/state";

/** Writes and milliseconds spent in `saveState` since the last `take()`. */
export interface StateWrites {
  writes: number;
  ms: number;
}

let writes = 0;
let ms = 0;
let installed = false;

/** Wraps `saveState` once (idempotent); the wrapper calls the original and adds its time to the counters. */
export function installStateTiming(): void {
  if (installed) return;
  installed = true;
  const original = driverState.saveState;
  const timed: typeof original = (...args) => {
    const start = performance.now();
    try {
      return original(...args);
    } finally {
      ms += performance.now() - start;
      writes++;
    }
  };
  (driverState as { saveState: typeof original }).saveState = timed;
}

/** The writes counted since the last call, and resets the counters. */
export function takeStateWrites(): StateWrites {
  const taken = { writes, ms };
  writes = 0;
  ms = 0;
  return taken;
}
