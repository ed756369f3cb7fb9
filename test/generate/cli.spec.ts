import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { startEmulator, type Emulator } from "../../emulator";
import { main } from "../../provider/generate/cli";
import { usage } from "../../provider/generate/options";
import { programText } from "../../provider/generate/writer";
import { declarationsIn, scratchFolder, seededWorld } from "./helpers";

const root = path.resolve(__dirname, "../..");
const cliSource = path.join(root, "provider/generate/cli.ts");

/**
 * Runs `pulumi-clerk-metadata args` as a child process from the sources (ts-node), with stdout and
 * stderr pipes (not a terminal), and only `env` besides PATH.
 */
function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", cliSource, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the pulumi-clerk-metadata command line, run as a program", () => {
  let emulator: Emulator;
  const folders = scratchFolder();
  before(async () => {
    emulator = await startEmulator({ seed: seededWorld() });
  });
  after(async () => {
    await emulator.stop();
    folders.cleanup();
  });

  it("prints the usage for --help and exits 0; refuses a bad flag with one line and exit code 2", async () => {
    const [help, badFlag] = await Promise.all([
      runCli(["generate", "--help"]),
      runCli(["generate", "--out", "x", "--organisation", "acme"], { CLERK_SECRET_KEY: emulator.secretKey }),
    ]);
    assert.deepEqual([help.code, help.stdout, help.stderr], [0, usage, ""]);
    assert.equal(badFlag.code, 2);
    assert.equal(
      badFlag.stderr,
      "generate: Unknown option '--organisation'; run `pulumi-clerk-metadata generate --help` for the options.\n",
    );
  });

  it("refuses a command other than generate, and no command at all, with exit code 2", async () => {
    const printed: string[] = [];
    const writes = [process.stdout.write, process.stderr.write];
    const capture = ((text: string) => printed.push(text) > 0) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
    let codes: number[];
    try {
      codes = [await main(["import"]), await main([])];
    } finally {
      [process.stdout.write, process.stderr.write] = writes;
    }
    assert.deepEqual(codes, [2, 2]);
    assert.match(printed[0], /^pulumi-clerk-metadata: unknown command "import"; the one command is generate/);
    assert.equal(printed[1], usage);
  });

  it("away from a terminal, prints plain progress lines and a summary, and writes both files", async () => {
    const out = folders.make();
    const run = await runCli(["generate", "--out", out], {
      CLERK_SECRET_KEY: emulator.secretKey,
      CLERK_API_URL: emulator.url,
    });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.trimEnd().split("\n");
    assert.ok(!run.stderr.includes("\r") && !run.stderr.includes("\x1b"), JSON.stringify(run.stderr));
    for (const line of lines)
      assert.match(line, /^generate: (organizations|users|memberships) \d+( of \d+)? read(…)?$/);
    for (const done of [
      "organizations 130 of 130 read",
      "users 110 of 110 read",
      "memberships 140 of 140 read",
    ]) {
      assert.ok(lines.includes(`generate: ${done}`), `${done} in ${run.stderr}`);
    }
    assert.ok(lines.length <= 9, "at most one line a page, or a second");
    assert.match(
      run.stdout,
      /^generate: declared \d+ organizations, \d+ users and \d+ memberships \(of 130, 110 and 140 read\) in .*clerk-metadata\.json; 8 requests to Clerk in \d+\.\d s\.$/m,
    );
    assert.match(run.stdout, /^generate: left out the private metadata of \d+ entities/m);
    assert.ok(declarationsIn(out).organizations.length > 0);
    assert.equal(fs.readFileSync(path.join(out, "clerkMetadata.ts"), "utf8"), programText);
  });

  it("is the package's bin, and its built file starts with a node shebang", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
      bin: Record<string, string>;
      files: string[];
    };
    assert.deepEqual(manifest.bin, { "pulumi-clerk-metadata": "dist/provider/generate/cli.js" });
    assert.ok(manifest.files.includes("dist/provider/**/*.js"));
    const built = ts.transpileModule(fs.readFileSync(cliSource, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    assert.ok(built.startsWith("#!/usr/bin/env node\n"), built.slice(0, 80));
  });
});
