/** A path to a key inside a metadata field: one object key per level (arrays are leaves). */
export type KeyPath = readonly string[];

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a property path the way people read it: `publicMetadata.limits.seats`,
 * `publicMetadata.tags[1]`, and `publicMetadata["a.b"]` for keys that are not identifiers.
 */
export function formatPath(root: string, path: readonly (string | number)[]): string {
  let out = root;
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (identifier.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
