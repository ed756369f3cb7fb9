// Preloaded (`node --require`) into the dynamic-provider host the engine starts. The CLI starts each
// plugin in its own process group and, when the CLI itself is killed with SIGKILL, nothing tells the
// plugin: it would live on. This ends the process once its parent (the engine) is gone, which shows
// as a new parent pid after the kernel re-parents it. Plain JavaScript: it runs before any loader.
"use strict";
const engine = process.ppid;
setInterval(() => {
  if (process.ppid !== engine) process.exit(1);
}, 500).unref();
