/**
 * Environment for stacks of hundreds of resources whose intermediate checkpoints no test reads.
 * Loaded from this repository's source (outside any `node_modules`), the provider is serialized into
 * every resource's `__provider` by value, about 115 KB, in inputs and in outputs
 * (`@pulumi/pulumi` runtime/closure/createClosure.js, `findNormalizedModuleNameAsync` and
 * `captureModuleAsync`: only a module under `node_modules` becomes a `require`); an installed
 * package is one `require` line (README, entry points). The engine saves the whole checkpoint
 * before and after every step, one at a time, so 150 resources write 35 MB some 300 times and
 * steps wait on it. Even at ~2 KB a resource, 1,200 resources write 2.6 MB some 2,400 times.
 * `PULUMI_SKIP_CHECKPOINTS` saves only the final state (pkg/backend/snapshot.go,
 * `NewSnapshotManager`, v3.248.0); it changes nothing else the engine does.
 */
export const finalCheckpointOnly: Record<string, string> = { PULUMI_SKIP_CHECKPOINTS: "true" };
