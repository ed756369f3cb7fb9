/**
 * What an editor shows when hovering the resources' metadata (TypeScript's language service, as
 * VS Code asks it): the app's own interface and keys, without the helper types they are built from.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const file = path.resolve(__dirname, "../fixtures/hover/program.ts");

/** The quick info (hover text) at the first occurrence of `needle`, `offset` characters into it. */
function hoverAt(needle: string, offset: number): string {
  const text = fs.readFileSync(file, "utf8");
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) =>
      fs.existsSync(name) ? ts.ScriptSnapshot.fromString(fs.readFileSync(name, "utf8")) : undefined,
    getCurrentDirectory: () => path.resolve(__dirname, "../.."),
    getCompilationSettings: () => ({
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ["node"],
    }),
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
  };
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  const info = ts.createLanguageService(host).getQuickInfoAtPosition(file, at + offset);
  return ts.displayPartsToString(info?.displayParts);
}

describe("types: what an editor shows on hover", function () {
  this.timeout(60_000);

  it("shows a metadata argument as the app's own interface, with no NoInfer", () => {
    const hover = hoverAt("publicMetadata: {", 1);
    assert.match(hover, /publicMetadata\?: (clerk\.)?MetadataInput<UserPublicMetadata> \| undefined$/);
    assert.doesNotMatch(hover, /NoInfer/);
  });

  it("shows a metadata output as an object listing the app's keys, with no DeclaredKeys or Partial", () => {
    const hover = hoverAt("user.publicMetadata", 6);
    assert.match(hover, /hoverSpecPlan\?: "free" \| "pro" \| undefined;/);
    assert.match(hover, /hoverSpecLimits\?: \{\s+seats: number;\s+\} \| undefined;/);
    assert.doesNotMatch(hover, /DeclaredKeys|Partial</);
  });
});
