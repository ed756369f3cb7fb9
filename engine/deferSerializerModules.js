// Preloaded (`node --require`) into the dynamic-provider host the engine starts. Loading
// `@pulumi/pulumi` there loads TypeScript and npm's Arborist, about 0.8 s of the host's 1.1 s start
// on 2 cores, although only serializing a closure uses them (runtime/closure, `parseFunction` and
// `computeCodePaths`, v3.248.0) and the host only deserializes. Each engine operation starts a new
// host, so both are loaded on first use instead: a stand-in object that loads the real module the
// first time any of its properties is read. Plain JavaScript: it runs before any loader.
"use strict";
const Module = require("node:module");

const deferred = new Set(["typescript", "@npmcli/arborist"]);
const load = Module._load;

Module._load = function (request, parent, isMain) {
  if (!deferred.has(request)) return load.apply(this, arguments);
  let real;
  const module = () => (real ??= load.call(Module, request, parent, isMain));
  return new Proxy(
    {},
    {
      // `__importStar` (TypeScript's CommonJS interop) asks first; answering it loads nothing.
      get: (_, key) => (key === "__esModule" ? true : Reflect.get(module(), key)),
      has: (_, key) => Reflect.has(module(), key),
      ownKeys: () => Reflect.ownKeys(module()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
};
