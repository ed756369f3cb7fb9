// The dynamic-provider host as Pulumi's release script starts it (sdk/nodejs/dist/pulumi-resource-pulumi-nodejs):
// `@pulumi/pulumi`'s host as the program's folder (the plugin's working directory) resolves it,
// else this repository's copy. Resolving here, not in the script, saves a node start per host.
"use strict";
const entry = "@pulumi/pulumi/cmd/dynamic-provider";
let host;
try {
  host = require.resolve(entry, { paths: [process.cwd()] });
} catch {
  host = require.resolve(entry);
}
require(host);
