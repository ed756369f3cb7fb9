import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { npm, packRepository } from "../../bench/packageInstall";
import { startEmulator, type Emulator } from "../../emulator";
import { openProject } from "../../engine/project";
import type { OperationResult } from "../../engine/types";
import { ops } from "../support/operations";
import { callsOf } from "../support/wire";

const repoRoot = path.resolve(__dirname, "..", "..");
const repoManifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
};

/** The parts of the packed `package.json` this spec reads. */
interface PackedManifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  files?: string[];
}

/**
 * A user's Pulumi program as Pulumi's TypeScript template writes it (`strict`, CommonJS), with
 * `skipLibCheck: false` spelled out, so every shipped `.d.ts` is checked. The app augments Clerk's
 * global interface the way Clerk documents it.
 */
const templateOptions = {
  strict: true,
  skipLibCheck: false,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

const globalsFile = `export {};

declare global {
  interface UserPublicMetadata {
    plan?: "free" | "pro";
    flags?: { beta: boolean };
  }
}
`;

const programFile = `import * as pulumi from "@pulumi/pulumi";
import * as clerk from "pulumi-clerk-metadata";

const beta: pulumi.Output<boolean> = pulumi.output(true);

const user = new clerk.UserMetadata("alexis", {
  userId: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh",
  publicMetadata: { plan: "pro", flags: { beta }, theme: "dark" },
  privateMetadata: pulumi.secret({ billingId: "cus_123" }),
});
new clerk.OrganizationMetadata("acme", {
  organizationId: "org_2ZUtbk2yvnFGItdeze1ivCh3uqh",
  publicMetadata: { limits: { seats: pulumi.output(25) } },
});
new clerk.OrganizationMembershipMetadata("acme-alexis", {
  organizationId: "org_2ZUtbk2yvnFGItdeze1ivCh3uqh",
  userId: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh",
  publicMetadata: { department: "eng" },
});

export const plan: pulumi.Output<"free" | "pro" | undefined> = user.publicMetadata.apply((m) => m?.plan);
`;

const wrongFile = `import * as clerk from "pulumi-clerk-metadata";

new clerk.UserMetadata("wrong", {
  userId: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh",
  publicMetadata: { plan: "gold" },
});
`;

/**
 * The same program in a project that also uses Clerk's SDK, whose types declare the same globals.
 * Clerk's types resolve only through package exports (`@clerk/shared/types`), so such a project
 * needs Node16 (or bundler) resolution; the package's own declarations need neither.
 */
const withClerkFile = `import { createClerkClient } from "@clerk/backend";
import * as clerk from "pulumi-clerk-metadata";

export const client = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY });
const fromClerk: UserPublicMetadata = { plan: "free", other: 1 };

new clerk.UserMetadata("copied", { userId: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh", publicMetadata: fromClerk });
new clerk.UserMetadata("wrong", {
  userId: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh",
  publicMetadata: { plan: "gold" },
});
`;

/** The package's entry points (`exports`) and the declaration file each one must resolve to. */
const entryPoints: Record<string, string> = {
  "pulumi-clerk-metadata": "dist/provider/index.d.ts",
  "pulumi-clerk-metadata/providers/user": "dist/provider/providers/user.d.ts",
  "pulumi-clerk-metadata/providers/organization": "dist/provider/providers/organization.d.ts",
  "pulumi-clerk-metadata/providers/organizationMembership":
    "dist/provider/providers/organizationMembership.d.ts",
};

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => repoRoot,
    getNewLine: () => "\n",
  });
}

/** Type-checks `files` of the scratch project with `options`, as `tsc --noEmit` would. */
function compile(
  project: string,
  files: string[],
  options: Record<string, unknown>,
): readonly ts.Diagnostic[] {
  const parsed = ts.convertCompilerOptionsFromJson({ ...options, noEmit: true }, project);
  assert.deepEqual(parsed.errors, []);
  const program = ts.createProgram(
    files.map((f) => path.join(project, f)),
    parsed.options,
  );
  return ts.getPreEmitDiagnostics(program);
}

/** The files of a CommonJS Pulumi project named `name` whose program is `index` (`index.js`). */
function commonjsProject(name: string, index: string): Record<string, string> {
  return {
    "Pulumi.yaml": `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`,
    "package.json": JSON.stringify({ name, private: true, main: "index.js" }),
    "index.js": index,
  };
}

/**
 * The user's Pulumi programs, one per flavour a user writes: CommonJS (`index.js`), ESM
 * (`"type": "module"`, named imports of the CommonJS package) and TypeScript (`index.ts`, checked
 * by ts-node in the nodejs language host, with the template's tsconfig). Each writes its own user.
 */
const flavours: { name: string; userId: string; files: Record<string, string> }[] = [
  {
    name: "commonjs",
    userId: "user_commonjs",
    files: commonjsProject(
      "user-commonjs",
      `"use strict";
const pulumi = require("@pulumi/pulumi");
const clerk = require("pulumi-clerk-metadata");

const user = new clerk.UserMetadata("user", {
  userId: "user_commonjs",
  publicMetadata: { plan: "pro", flavour: "commonjs" },
  privateMetadata: pulumi.secret({ billingId: "cus_commonjs" }),
});
exports.plan = user.publicMetadata.apply((m) => m.plan);
`,
    ),
  },
  {
    name: "esm",
    userId: "user_esm",
    files: {
      "Pulumi.yaml": "name: user-esm\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
      "package.json": JSON.stringify({ name: "user-esm", private: true, type: "module", main: "index.js" }),
      "index.js": `import * as pulumi from "@pulumi/pulumi";
import { UserMetadata } from "pulumi-clerk-metadata";

const user = new UserMetadata("user", {
  userId: "user_esm",
  publicMetadata: { plan: "pro", flavour: "esm" },
  privateMetadata: pulumi.secret({ billingId: "cus_esm" }),
});
export const plan = user.publicMetadata.apply((m) => m.plan);
`,
    },
  },
  {
    name: "typescript",
    userId: "user_typescript",
    files: {
      "Pulumi.yaml": "name: user-typescript\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
      "package.json": JSON.stringify({ name: "user-typescript", private: true, main: "index.ts" }),
      "tsconfig.json": JSON.stringify({ compilerOptions: templateOptions, files: ["index.ts"] }, null, 2),
      "index.ts": `import * as pulumi from "@pulumi/pulumi";
import * as clerk from "pulumi-clerk-metadata";

const user = new clerk.UserMetadata("user", {
  userId: "user_typescript",
  publicMetadata: { plan: "pro", flavour: "typescript" },
  privateMetadata: pulumi.secret({ billingId: "cus_typescript" }),
});
export const plan: pulumi.Output<string> = user.publicMetadata.apply((m) => String(m?.plan));
`,
    },
  },
];

/** Asserts a CLI operation exited 0 with no error, no failed step and nothing on stderr. */
function assertClean(result: OperationResult): void {
  const failed = result.steps.filter((s) => s.error);
  assert.ok(
    result.ok && result.errors.length === 0 && failed.length === 0,
    `${result.operation} failed:\n${result.errors.join("\n")}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
  );
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === "error" || d.severity === "warning"),
    [],
  );
  assert.equal(result.stderr.trim(), "");
}

describe("the packed package", function () {
  this.timeout(180_000);
  let scratch: string;
  let project: string;
  let pack: ReturnType<typeof packRepository>;
  let manifest: PackedManifest;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-package-"));
    // `npm pack` builds through `prepack` (clean, then build), exactly as `npm publish` does.
    pack = packRepository(scratch);
    // A user's project: the tarball installed by npm with `@pulumi/pulumi`, and TypeScript and Node's
    // types as Pulumi's TypeScript template has them, each at the version this repository pins.
    // `--prefer-offline`: packages come from the npm cache that installing this repository filled, and
    // from the registry only when the cache lacks one (a fresh machine may hold tarballs but no metadata).
    project = path.join(scratch, "program");
    fs.mkdirSync(project);
    const pinned = (name: string) => `${name}@${repoManifest.devDependencies[name]}`;
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "clerk-metadata-user-program", private: true, main: "index.ts" }, null, 2),
    );
    npm(
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        pack.tarball,
        pinned("@pulumi/pulumi"),
        pinned("typescript"),
        pinned("@types/node"),
      ],
      project,
    );
    const installed = path.join(project, "node_modules", "pulumi-clerk-metadata");
    assert.ok(
      !fs.lstatSync(installed).isSymbolicLink(),
      "npm linked the package instead of unpacking the tarball",
    );
    manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as PackedManifest;
    fs.writeFileSync(path.join(project, "clerk.d.ts"), globalsFile);
    fs.writeFileSync(path.join(project, "index.ts"), programFile);
    fs.writeFileSync(path.join(project, "wrong.ts"), wrongFile);
    fs.writeFileSync(path.join(project, "withClerk.ts"), withClerkFile);
  });

  after(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /**
   * Writes `files` into the folder `name` of the user's project and opens its stack, with its own
   * state. A Pulumi project in a folder of the user's project: its program resolves the packages
   * npm installed one folder up, as Node resolves them in any workspace. The key and URL reach
   * the provider as a CI secret store passes them: the environment, read at run time.
   */
  async function openUserProject(name: string, files: Record<string, string>, emulator: Emulator) {
    const dir = path.join(project, name);
    fs.mkdirSync(dir);
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    const stack = await openProject({
      projectDir: dir,
      stateDir: path.join(scratch, `state-${name}`),
      env: { CLERK_SECRET_KEY: emulator.secretKey, CLERK_API_URL: emulator.url },
    });
    return { dir, stack };
  }

  describe("contents", () => {
    it("holds the build, the README, the CHANGELOG and the LICENSE, and no sources or tests", () => {
      const files = pack.files.map((f) => f.path);
      for (const required of [
        "package.json",
        "README.md",
        "CHANGELOG.md",
        "LICENSE",
        "dist/provider/index.js",
      ]) {
        assert.ok(files.includes(required), `${required} is missing from ${files.join(", ")}`);
      }
      assert.ok(files.includes("dist/provider/index.d.ts"));
      const stray = files.filter(
        (f) => !/^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/provider\/.*\.(js|d\.ts))$/.test(f),
      );
      assert.deepEqual(stray, []);
    });

    it("runs no script when it is installed", () => {
      const scripts = Object.keys(manifest.scripts ?? {});
      for (const hook of ["preinstall", "install", "postinstall", "prepare"]) {
        assert.ok(!scripts.includes(hook), `the packed package.json has a "${hook}" script`);
      }
    });

    it("depends only on packages its build requires", () => {
      const js = pack.files
        .map((f) => f.path)
        .filter((f) => f.endsWith(".js"))
        .map((f) => fs.readFileSync(path.join(project, "node_modules", "pulumi-clerk-metadata", f), "utf8"))
        .join("\n");
      for (const name of Object.keys(manifest.dependencies ?? {})) {
        assert.ok(js.includes(`require("${name}`), `"${name}" is a dependency that no shipped file requires`);
      }
    });

    it("links the README only to absolute URLs (relative links break on npm)", () => {
      const readme = fs.readFileSync(
        path.join(project, "node_modules", "pulumi-clerk-metadata", "README.md"),
        "utf8",
      );
      const relative = [...readme.matchAll(/\]\(([^)]+)\)/g)]
        .map((m) => m[1])
        .filter((href) => !/^(https?:|mailto:|#)/.test(href));
      assert.deepEqual(relative, []);
    });

    it("loads in a user's project with what npm installed for it, each entry point included", () => {
      const script = `const out = Object.keys(${JSON.stringify(entryPoints)}).map((id) => {
        const m = require(id);
        return id + ": " + (typeof m.UserMetadata === "function" || typeof m.create === "function");
      });
      process.stdout.write(out.join("\\n"));`;
      const out = execFileSync(process.execPath, ["-e", script], { cwd: project, encoding: "utf8" });
      assert.deepEqual(
        out.split("\n"),
        Object.keys(entryPoints).map((id) => `${id}: true`),
      );
    });
  });

  describe("declarations in a strict user program without skipLibCheck", () => {
    it("type-check with zero errors, and a value outside the app's declared type is an error", () => {
      const diagnostics = compile(project, ["clerk.d.ts", "index.ts", "wrong.ts"], templateOptions);
      const elsewhere = diagnostics.filter((d) => d.file?.fileName !== path.join(project, "wrong.ts"));
      assert.equal(formatDiagnostics(elsewhere), "");
      const wrong = diagnostics.filter((d) => d.file?.fileName === path.join(project, "wrong.ts"));
      assert.equal(wrong.length, 1, formatDiagnostics(wrong));
      const { line } = wrong[0].file!.getLineAndCharacterOfPosition(wrong[0].start!);
      assert.equal(line + 1, 5, formatDiagnostics(wrong));
      assert.match(ts.flattenDiagnosticMessageText(wrong[0].messageText, "\n"), /"gold"/);
    });

    it("type-check beside Clerk's own SDK types, which declare the same global interfaces", () => {
      const diagnostics = compile(project, ["clerk.d.ts", "index.ts", "withClerk.ts"], {
        ...templateOptions,
        module: "node16",
        moduleResolution: "node16",
      });
      // Clerk's own declarations do not type-check without skipLibCheck (they import optional
      // peers such as `@stripe/stripe-js`): that is Clerk's, and a reason this package does not
      // load them. Everything else, ours and the user's, must be clean.
      const clerkOwn = path.join(project, "node_modules", "@clerk") + path.sep;
      const withClerk = path.join(project, "withClerk.ts");
      const ours = diagnostics.filter((d) => !d.file?.fileName.startsWith(clerkOwn));
      assert.equal(formatDiagnostics(ours.filter((d) => d.file?.fileName !== withClerk)), "");
      const wrong = ours.filter((d) => d.file?.fileName === withClerk);
      assert.equal(wrong.length, 1, formatDiagnostics(wrong));
      const { line } = wrong[0].file!.getLineAndCharacterOfPosition(wrong[0].start!);
      assert.equal(line + 1, 10, formatDiagnostics(wrong));
    });

    it("resolve through the exports map under Node16 resolution, subpath exports included", () => {
      const options = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
      for (const [id, declarations] of Object.entries(entryPoints)) {
        const resolved = ts.resolveModuleName(
          id,
          path.join(project, "index.ts"),
          options,
          ts.sys,
        ).resolvedModule;
        assert.equal(
          resolved?.resolvedFileName,
          path.join(project, "node_modules", "pulumi-clerk-metadata", declarations),
          id,
        );
      }
    });
  });
  describe("in a user's Pulumi project, run by the pulumi CLI against the Clerk emulator", function () {
    this.timeout(300_000);
    let emulator: Emulator;

    before(async () => {
      emulator = await startEmulator({
        seed: {
          users: [
            ...flavours.map((f) => ({ id: f.userId, public_metadata: { app: { onboarded: true } } })),
            { id: "user_upgrade" },
          ],
        },
      });
    });
    after(() => emulator?.stop());

    for (const flavour of flavours) {
      it(`runs pulumi up, then pulumi preview --expect-no-changes, as ${flavour.name}`, async () => {
        const { stack } = await openUserProject(flavour.name, flavour.files, emulator);
        emulator.reset();

        const up = await stack.up();
        assertClean(up);
        assert.deepEqual(ops(up), [["user", "create"]]);
        assert.match(up.stdout, /plan: "pro"/);
        assert.deepEqual(callsOf(emulator.requests()), [
          {
            method: "PATCH",
            path: `/v1/users/${flavour.userId}/metadata`,
            body: {
              public_metadata: { plan: "pro", flavour: flavour.name },
              private_metadata: { billingId: `cus_${flavour.name}` },
            },
          },
        ]);
        const user = emulator.data.getUser(flavour.userId)!;
        assert.deepEqual(user.public_metadata, {
          app: { onboarded: true },
          plan: "pro",
          flavour: flavour.name,
        });
        // The installed package's serialized provider is one require of its subpath, in inputs and outputs.
        const [stored] = (await stack.state()).resources;
        const serialized = 'exports.handler = () => require("pulumi-clerk-metadata/providers/user");\n';
        assert.equal(stored!.type, "pulumi-nodejs:dynamic/clerk:UserMetadata");
        assert.equal(stored!.inputs.__provider, serialized);
        assert.equal(stored!.outputs.__provider, serialized);

        emulator.reset();
        const preview = await stack.preview(["--expect-no-changes"]);
        assertClean(preview);
        assert.deepEqual(ops(preview), [["user", "same"]]);
        assert.deepEqual(callsOf(emulator.requests()), []);
      });
    }
    it("keeps a stack whose __provider Pulumi's closure serializer wrote (as earlier versions did): no change and no request, and the next up stores the one-line __provider", async () => {
      const args = `{ userId: "user_upgrade", publicMetadata: { plan: "pro" } }`;
      // What earlier versions registered: a pulumi.dynamic.Resource of the same type token.
      const earlier = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { userMetadataProvider } = require("pulumi-clerk-metadata");
new pulumi.dynamic.Resource(userMetadataProvider, "user", ${args}, { additionalSecretOutputs: ["privateMetadata", "ownership"] }, "clerk", "UserMetadata");
`;
      const { dir, stack } = await openUserProject(
        "upgrade",
        commonjsProject("user-upgrade", earlier),
        emulator,
      );
      assertClean(await stack.up());
      const [before] = (await stack.state()).resources;
      assert.match(String(before!.inputs.__provider), /__f0/);

      fs.writeFileSync(
        path.join(dir, "index.js"),
        `"use strict";
const clerk = require("pulumi-clerk-metadata");
new clerk.UserMetadata("user", ${args});
`,
      );
      emulator.reset();
      const preview = await stack.preview(["--expect-no-changes"]);
      assertClean(preview);
      assert.deepEqual(ops(preview), [["user", "same"]]);
      const up = await stack.up();
      assertClean(up);
      assert.deepEqual(ops(up), [["user", "same"]]);
      assert.deepEqual(callsOf(emulator.requests()), []);
      const [after] = (await stack.state()).resources;
      assert.equal(after!.urn, before!.urn);
      assert.equal(
        after!.inputs.__provider,
        'exports.handler = () => require("pulumi-clerk-metadata/providers/user");\n',
      );
    });
  });

  describe("refreshing a fleet in a user's project, run by the pulumi CLI", function () {
    this.timeout(300_000);
    const users = Array.from({ length: 48 }, (_, i) => `user_q${String(i).padStart(3, "0")}`);
    const organizations = Array.from({ length: 40 }, (_, i) => `org_q${String(i).padStart(3, "0")}`);
    /** Members of two organizations, 24 each. */
    const memberships = users.map((userId, i) => ({
      organizationId: organizations[i < 24 ? 0 : 1]!,
      userId,
    }));
    /** Scopes a list request serves: users, organizations, and the members of each organization. */
    const scopes = [users.length, organizations.length, 24, 24];
    let emulator: Emulator;

    before(async () => {
      emulator = await startEmulator({
        seed: {
          users: [...users.map((id) => ({ id })), { id: "user_creator" }],
          // Created by a user of no declared membership (the creator becomes a member).
          organizations: organizations.map((id) => ({ id, name: id, created_by: "user_creator" })),
          memberships: memberships.map((m) => ({ organization_id: m.organizationId, user_id: m.userId })),
        },
      });
    });
    after(() => emulator?.stop());

    it("refreshes 136 resources declared grouped by scope in at most twice N / P list requests per scope at --parallel 8 and 64, with Clerk answering in 30 ms", async () => {
      const { stack } = await openUserProject(
        "fleet",
        commonjsProject(
          "user-fleet",
          `"use strict";
const clerk = require("pulumi-clerk-metadata");
const fleet = ${JSON.stringify({ users, organizations, memberships })};
// One scope after another: each waits until the previous one registered, so the state (the order
// the engine refreshes in) is grouped by scope. Declared in one go, registrations may finish out
// of order (the SDK prepares each resource's inputs asynchronously).
const registered = (resources) => Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
module.exports = async () => {
  await registered(fleet.users.map((userId) => new clerk.UserMetadata(userId, { userId, publicMetadata: { q: userId } })));
  await registered(fleet.organizations.map((organizationId) =>
    new clerk.OrganizationMetadata(organizationId, { organizationId, publicMetadata: { q: organizationId } })));
  for (const org of [...new Set(fleet.memberships.map((m) => m.organizationId))])
    await registered(fleet.memberships.filter((m) => m.organizationId === org).map(({ organizationId, userId }) =>
      new clerk.OrganizationMembershipMetadata(\`\${organizationId}-\${userId}\`, { organizationId, userId, publicMetadata: { q: userId } })));
};
`,
        ),
        emulator,
      );
      assertClean(await stack.up());
      emulator.inject({ latencyMs: 30, method: "GET" });
      for (const parallel of [8, 64]) {
        emulator.reset();
        const refresh = await stack.refresh([
          "--parallel",
          String(parallel),
          "--expect-no-changes",
          "--skip-preview",
        ]);
        assertClean(refresh);
        assert.equal(refresh.steps.filter((s) => s.op === "read").length, 136);
        const requests = emulator.requests();
        assert.ok(requests.every((r) => r.method === "GET"));
        // Each batch is one request: a list, or a batch's own GETs.
        const batches = requests.length;
        // The floor (issue 19): per scope ceil(N / min(P, 100)) lists plus one (a scope's first
        // reads go before the rest arrive). The goal of at most 1.25 times it is the bench's
        // (section 6, 1,000 resources). Here, with 136 and two spec files running at once, how
        // the reads split depends on the machine's load: a run at P 64 has sent 9 to 11 batches
        // against a floor of 8. Twice the floor holds on a busy machine and still fails when
        // reads stop sharing lists (136 requests).
        const floor = scopes.reduce((sum, n) => sum + Math.ceil(n / Math.min(parallel, 100)) + 1, 0);
        assert.ok(
          batches <= 2 * floor,
          `--parallel ${parallel}: ${batches} requests, floor ${floor}: ${requests.map((r) => r.path).join(" ")}`,
        );
      }
      emulator.clearFaults();
    });
  });
});
