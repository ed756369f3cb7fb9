import assert from "node:assert/strict";
import { runGenerate } from "../../provider/generate/command";
import { UsageError } from "../../provider/generate/failures";
import { parseGenerateArgs, usage } from "../../provider/generate/options";
import { shellCommand } from "../../provider/generate/shell";

/** The sentence `parseGenerateArgs` refuses `args` with. */
function refusal(args: string[]): string {
  try {
    parseGenerateArgs(args);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`expected ${args.join(" ")} to be refused`);
}

/** Runs generate in this process with `env` and no Clerk at all; returns the exit code and stderr. */
async function exitOf(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = "";
  let stdout = "";
  const code = await runGenerate(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    now: Date.now,
  });
  return { code, stderr, stdout };
}

describe("generate's command line", () => {
  it("reads every option, repeatable ones in order without repeats", () => {
    const parsed = parseGenerateArgs([
      "--out",
      "infra",
      "--organization",
      "acme",
      "--organization",
      "beta_co",
      "--organization",
      "acme",
      "--user",
      "user_2abc",
      "--path",
      "publicMetadata.plan",
      "--private",
      "config",
      "--stack",
      "prod",
    ]);
    assert.deepEqual(parsed, {
      kind: "run",
      options: {
        out: "infra",
        organizationSlugs: ["acme", "beta_co"],
        userIds: ["user_2abc"],
        paths: [{ field: "publicMetadata", path: ["plan"] }],
        pathTexts: ["publicMetadata.plan"],
        private: "config",
        stack: "prod",
      },
    });
    assert.deepEqual(parseGenerateArgs(["--help"]), { kind: "help" });
    assert.equal(
      (parseGenerateArgs(["--out", "x"]) as { options: { private: string } }).options.private,
      "omit",
    );
  });

  it("refuses each bad command line with one sentence naming the fix", () => {
    assert.equal(
      refusal(["--out", "x", "--bogus"]),
      "Unknown option '--bogus'; run `pulumi-clerk-metadata generate --help` for the options.",
    );
    assert.match(refusal(["--out", "x", "stray"]), /^Unexpected argument 'stray'/);
    assert.match(refusal(["--out"]), /^Option '--out <value>' argument missing/);
    assert.equal(
      refusal([]),
      "--out DIR is required: name the Pulumi project folder to write clerk-metadata.json into.",
    );
    assert.match(
      refusal(["--out", "x", "--path", "metadata.plan"]),
      /^--path "metadata\.plan": the field must be one of publicMetadata, privateMetadata, unsafeMetadata, got "metadata"\.$/,
    );
    assert.equal(
      refusal(["--out", "x", "--private", "config"]),
      "--private config needs --stack NAME: name the stack whose secret config receives the private metadata.",
    );
    assert.match(
      refusal(["--out", "x", "--private", "plain"]),
      /^--private "plain" is not a mode: use --private omit or --private config\.$/,
    );
    assert.match(
      refusal(["--out", "x", "--organization", "Acme Inc"]),
      /^--organization "Acme Inc" is not a slug/,
    );
    assert.match(refusal(["--out", "x", "--user", "org_1"]), /^--user "org_1" is not a user id/);
  });

  it("exits 2 before any request for a refused command line or a missing, malformed or misplaced key, never printing the key", async () => {
    const unknownFlag = await exitOf(["--out", "x", "--bogus"], { CLERK_SECRET_KEY: "sk_test_abc" });
    assert.deepEqual([unknownFlag.code, unknownFlag.stderr.split("\n").length], [2, 2]);
    const noKey = await exitOf(["--out", "x"], {});
    assert.equal(noKey.code, 2);
    assert.match(
      noKey.stderr,
      /^generate: CLERK_SECRET_KEY is not set: set it to the secret key of the Clerk instance to read/,
    );
    const publishable = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k";
    const wrongKind = await exitOf(["--out", "x"], { CLERK_SECRET_KEY: publishable });
    assert.equal(wrongKind.code, 2);
    assert.match(wrongKind.stderr, /is not a secret key: it must start with sk_test_/);
    assert.ok(!wrongKind.stderr.includes(publishable));
    const v1 = await exitOf(["--out", "x"], {
      CLERK_SECRET_KEY: "sk_test_abc",
      CLERK_API_URL: "https://api.clerk.com/v1",
    });
    assert.equal(v1.code, 2);
    assert.match(v1.stderr, /ends in \/v1/);
  });

  it("prints the usage on stdout for --help and exits 0", async () => {
    const help = await exitOf(["--help"], {});
    assert.deepEqual([help.code, help.stdout, help.stderr], [0, usage, ""]);
    for (const option of [
      "--out DIR",
      "--organization SLUG",
      "--user USER_ID",
      "--path FIELD[.KEY...]",
      "--private omit|config",
      "--stack NAME",
    ]) {
      assert.ok(usage.includes(option), option);
    }
  });

  it("writes commands a shell reads back word for word", () => {
    assert.equal(
      shellCommand([
        "npx",
        "generate",
        "--out",
        "my infra",
        "--path",
        'publicMetadata["a.b"]',
        "--stack",
        "it's",
      ]),
      `npx generate --out 'my infra' --path 'publicMetadata["a.b"]' --stack 'it'\\''s'`,
    );
  });
});
