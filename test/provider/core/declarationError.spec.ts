import assert from "node:assert/strict";
import { declarationErrorOf, withDeclarationError } from "../../../provider/core/declarationError";

const providerText = 'exports.handler = () => require("pulumi-clerk-metadata/providers/user");\n';

/** Evaluates a `__provider` text as the dynamic-provider host does (a module whose `handler` gives the provider). */
function evaluate(text: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "module", "require", text)(module.exports, module, (id: string) => ({
    required: id,
  }));
  return module.exports;
}

describe("a failure carried in __provider", () => {
  const sentences = [
    'UserMetadata "a" and UserMetadata "b" both declare publicMetadata.plan',
    "userId: line one\nline two\r\nthree",
    'quotes " and \\ and */ and // and `${x}`',
    "separators \u2028 and \u2029 and a NUL \u0000",
  ];

  it("reads back every sentence exactly, whatever characters it holds", () => {
    for (const sentence of sentences)
      assert.equal(declarationErrorOf(withDeclarationError(providerText, sentence)), sentence);
  });

  it("keeps the provider module loadable, with the same handler, and the sentence only as data", () => {
    for (const sentence of sentences) {
      const exported = evaluate(withDeclarationError(providerText, sentence));
      assert.deepEqual((exported.handler as () => unknown)(), {
        required: "pulumi-clerk-metadata/providers/user",
      });
      assert.equal(exported.declarationError, sentence);
      assert.deepEqual(Object.keys(exported).sort(), ["declarationError", "handler"]);
    }
  });

  it("adds a line break first when the provider text does not end with one", () => {
    const text = withDeclarationError("exports.handler = () => ({})", "boom");
    assert.equal(text, 'exports.handler = () => ({})\nexports.declarationError = "boom";\n');
  });

  it("finds no failure in a provider text without one, an unknown or absent __provider, or a failure line that is not the last", () => {
    const notLast = `${withDeclarationError(providerText, "boom")}exports.other = 1;\n`;
    for (const value of [providerText, undefined, 42, "04da6b54-80e4-46f7-96ec-b56ff0331ba9", notLast])
      assert.equal(declarationErrorOf(value), undefined);
  });

  it("finds no failure in a last line that is not a JSON string", () => {
    for (const line of [
      "exports.declarationError = boom;",
      'exports.declarationError = "";',
      "exports.declarationError = 1;",
    ])
      assert.equal(declarationErrorOf(`${providerText}${line}\n`), undefined);
  });
});
