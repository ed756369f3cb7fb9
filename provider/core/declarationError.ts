/**
 * A failure the program process found for one resource (another resource declaring the same
 * leaf, an input Output that rejected) reaches the resource's `check` inside its `__provider`: the
 * provider module's text gains one last line, `exports.declarationError = "<sentence>";`. The
 * dynamic-provider host evaluates that text and calls only its `handler` (sdk/nodejs/cmd/
 * dynamic-provider/index.ts `getProvider`, v3.248.0), so the line changes nothing there; `check`
 * reads it and fails the resource with it.
 *
 * Why not a property of its own: the Pulumi runtime makes an Output with four tracked promises,
 * each with a stack trace, for every registered property (sdk/nodejs/runtime/rpc.ts
 * `transferProperties`), which made one more property the program process's largest cost per
 * resource after Pulumi's own.
 */
const linePrefix = "exports.declarationError = ";

/**
 * The provider text with `sentence` as its last line. JSON's string syntax is a JavaScript string
 * literal (ES2019), so any sentence, newlines and quotes included, stays one line of data.
 */
export function withDeclarationError(providerText: string, sentence: string): string {
  const separator = providerText.endsWith("\n") ? "" : "\n";
  return `${providerText}${separator}${linePrefix}${JSON.stringify(sentence)};\n`;
}

/**
 * The sentence {@link withDeclarationError} put on the last line of `providerText`, or `undefined`
 * when there is none (no failure, an unknown or absent `__provider`, or any other last line).
 */
export function declarationErrorOf(providerText: unknown): string | undefined {
  if (typeof providerText !== "string") return undefined;
  const lines = providerText.trimEnd().split("\n");
  const last = lines[lines.length - 1]!;
  if (!last.startsWith(linePrefix) || !last.endsWith(";")) return undefined;
  try {
    const sentence: unknown = JSON.parse(last.slice(linePrefix.length, -1));
    return typeof sentence === "string" && sentence !== "" ? sentence : undefined;
  } catch {
    return undefined;
  }
}
