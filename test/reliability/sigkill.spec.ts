/**
 * The `pulumi` CLI itself, run on a project as a user runs it (not the Automation API, which runs
 * the program in this process): killed with SIGKILL in the middle of an `up` of 200 resources, it
 * must leave no plugin or language host behind, and Pulumi's documented recovery for pending
 * operations followed by another `up` must apply every key, lose none and hold each resource once.
 * Also: after an `up` that succeeds or fails, no process of that run outlives it.
 *
 * The project is a folder with `Pulumi.yaml` (runtime nodejs) and a plain CommonJS `index.js` that
 * requires `pulumi-clerk-metadata`, installed as a user's `npm install` leaves it: this
 * repository's built package (`npm run build` writes `dist/`) copied into the project's
 * `node_modules`, beside links to this repository's dependencies. Installed, the provider is
 * serialized into each resource's `__provider` as one `require("pulumi-clerk-metadata/providers/…")`
 * (README, entry points); required by an absolute path outside any `node_modules`, Pulumi would
 * copy its whole code (about 115 KB) into every resource's inputs and outputs
 * (`@pulumi/pulumi` runtime/closure/createClosure.js, `findNormalizedModuleNameAsync`): measured
 * here, 200 resources then make a 48 MB state instead of 0.7 MB and an `up` three times slower.
 * The provider reads its key and URL from `CLERK_SECRET_KEY` and `CLERK_API_URL`. Every CLI run
 * gets its own value of {@link runMarker} in its environment, which every process it starts
 * inherits, so `/proc/<pid>/environ` tells exactly which processes belong to it.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import type { SeedData } from "../../emulator";
import { cliEnvironment, runPulumi, type CliRun } from "../../engine/cli";
import { readState } from "../../engine/state";
import { ensureToolchain } from "../../engine/toolchain";
import { OrganizationMetadata } from "../../provider";
import {
  appMetadata,
  assertOk,
  assertSameView,
  merge,
  pad,
  processesAfter,
  processesWithEnv,
  StackWorld,
  type MetadataView,
  type ProcessInfo,
} from "./stackHelpers";
import { filesUnder } from "../support/files";

const repoRoot = path.resolve(__dirname, "..", "..");
/** The built package's entry, as `npm run build` writes it. */
const distEntry = path.join(repoRoot, "dist", "provider", "index.js");
const packageName = "pulumi-clerk-metadata";
/** The environment variable whose value marks every process of one CLI run. */
const runMarker = "CLERK_METADATA_TEST_RUN";

const fleet = 200;
const orgId = (i: number) => `org_kill${pad(i)}`;

function seed(): SeedData {
  return {
    organizations: Array.from({ length: fleet }, (_, i) => ({
      id: orgId(i),
      name: `Kill ${i}`,
      ...appMetadata(orgId(i)),
    })),
  } as SeedData;
}

/** What resource `i` declares; `index.js` below declares the same. */
function declared(i: number): { public: Record<string, unknown>; private: Record<string, unknown> } {
  return { public: { plan: "pro", limits: { seats: i } }, private: { crm: `crm_${pad(i)}` } };
}

/** The program: `TEST_RESOURCE_COUNT` OrganizationMetadata resources; `TEST_PROGRAM_THROWS` makes it fail. */
const indexJs = `"use strict";
const clerk = require(${JSON.stringify(packageName)});
if (process.env.TEST_PROGRAM_THROWS) throw new Error("the program failed on purpose");
const count = Number(process.env.TEST_RESOURCE_COUNT);
for (let i = 0; i < count; i++) {
  const n = String(i).padStart(3, "0");
  new clerk.OrganizationMetadata("org-" + n, {
    organizationId: "org_kill" + n,
    publicMetadata: { plan: "pro", limits: { seats: i } },
    privateMetadata: { crm: "crm_" + n },
  });
}
`;

/** A project folder and the CLI run on it. */
interface Project {
  dir: string;
  /** The folder of the stack's file backend (`PULUMI_BACKEND_URL`). */
  backendDir: string;
  /** Runs `pulumi …args` on the project; the run's processes carry `marker`. */
  run(
    args: string[],
    options?: { env?: Record<string, string>; marker?: string; onStart?: (child: ChildProcess) => void },
  ): Promise<CliRun & { marker: string }>;
  /** `pulumi stack export`, parsed. */
  state(): Promise<ReturnType<typeof readState>>;
}

/** Writes the project in a fresh folder of the world's and creates its stack `test`. */
async function createProject(world: StackWorld): Promise<Project> {
  const dir = world.stackDir();
  const projectDir = path.join(dir, "project");
  fs.mkdirSync(projectDir, { recursive: true });
  fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), "name: sigkill-test\nruntime: nodejs\n");
  fs.writeFileSync(
    path.join(projectDir, "package.json"),
    '{ "name": "sigkill-test", "private": true, "main": "index.js" }\n',
  );
  fs.writeFileSync(path.join(projectDir, "index.js"), indexJs);
  // node_modules as `npm install pulumi-clerk-metadata` leaves it: the package (its package.json
  // and dist/, copied), and its dependencies (links to this repository's).
  const modules = path.join(projectDir, "node_modules");
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(repoRoot, "node_modules"))) {
    if (!entry.startsWith("."))
      fs.symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(modules, entry));
  }
  const installed = path.join(modules, packageName);
  fs.mkdirSync(installed);
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(installed, "package.json"));
  fs.cpSync(path.join(repoRoot, "dist"), path.join(installed, "dist"), { recursive: true });
  const env = cliEnvironment(dir, {
    CLERK_SECRET_KEY: world.emulator.secretKey,
    CLERK_API_URL: world.emulator.url,
    // `@pulumi/pulumi` is a link here, so its real path is this repository's node_modules, from
    // where its closure serializer looks the package up (runtime/closure/package.js,
    // `getPackageDefinition`: `require.resolve`) to turn the provider into a `require` of an
    // exported subpath. In a real install they are siblings; NODE_PATH makes them so here.
    NODE_PATH: modules,
  });
  const project: Project = {
    dir: projectDir,
    backendDir: path.join(dir, "backend"),
    async run(args, options = {}) {
      const marker = options.marker ?? randomUUID();
      const run = await runPulumi(args, {
        cwd: projectDir,
        env: { ...env, ...options.env, [runMarker]: marker },
        onStart: options.onStart,
      });
      return { ...run, marker };
    },
    async state() {
      const run = await project.run(["stack", "export", "--show-secrets", "--stack", "test"]);
      assert.equal(run.code, 0, run.stderr);
      return readState(run.stdout);
    },
  };
  const init = await project.run(["stack", "init", "test", "--secrets-provider", "passphrase"]);
  assert.equal(init.code, 0, init.stderr);
  return project;
}

/**
 * Deletes the file backend's `.attrs` sidecars that hold no JSON (a kill left them empty or cut
 * short) and returns their paths relative to `backendDir`. The backend (gocloud.dev v0.46.0
 * `blob/fileblob`, as Pulumi v3.248.0 uses it) writes each file, the checkpoint included, to a
 * temporary file that it renames into place, but writes the file's sidecar (content type and MD5)
 * in place beforehand (attrs.go `setAttrs`: `os.Create`, then the JSON). A SIGKILL between the two
 * leaves the sidecar empty, and every later load of the stack fails with `failed to load
 * checkpoint: EOF`, since `getAttrs` decodes the sidecar before the checkpoint is read. A missing
 * sidecar reads as none (`getAttrs`), so deleting it is the repair (README, Troubleshooting).
 */
function deleteTruncatedSidecars(backendDir: string): string[] {
  const truncated = filesUnder(backendDir).filter((file) => file.endsWith(".attrs") && !holdsJson(file));
  for (const file of truncated) fs.rmSync(file);
  return truncated.map((file) => path.relative(backendDir, file));
}

/** True when `file` holds JSON. */
function holdsJson(file: string): boolean {
  try {
    JSON.parse(fs.readFileSync(file, "utf8"));
    return true;
  } catch {
    return false;
  }
}

/** The processes of a run seen while it ran, sampled every 100 ms (the positive control of the process checks). */
function sampleProcesses(marker: string): { stop(): ProcessInfo[] } {
  const seen = new Map<number, ProcessInfo>();
  const timer = setInterval(() => {
    for (const p of processesWithEnv(runMarker, marker)) seen.set(p.pid, p);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return [...seen.values()];
    },
  };
}

/** Which of the processes a run starts are in `seen`: the language host, the program it runs, the dynamic-provider host. */
function kindsOf(seen: ProcessInfo[]): string[] {
  const kinds = new Set<string>();
  for (const p of seen) {
    if (/pulumi-language-nodejs/.test(p.command)) kinds.add("language host");
    // A release's plugin script runs cmd/dynamic-provider; the project's runs engine/providerHost.js.
    else if (/dynamic-provider|providerHost\.js/.test(p.command)) kinds.add("dynamic-provider host");
    else if (/@pulumi\/pulumi\/cmd\/run|cmd[/\\]run/.test(p.command)) kinds.add("program");
  }
  return [...kinds].sort();
}

/** Clerk's data with every declaration of resources `0 … count-1` merged in. */
function expectedView(before: MetadataView, count: number): MetadataView {
  const view = structuredClone(before);
  for (let i = 0; i < count; i++) {
    const d = declared(i);
    view[`org:${orgId(i)}`].public = merge(view[`org:${orgId(i)}`].public, d.public as never);
    view[`org:${orgId(i)}`].private = merge(view[`org:${orgId(i)}`].private, d.private as never);
  }
  return view;
}

async function waitFor(what: string, condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("reliability: the pulumi CLI killed with SIGKILL in the middle of an up", function () {
  // 200 resources through the real CLI, and eight CLI runs: minutes on a busy 2-core machine.
  this.timeout(600_000);
  const world = StackWorld.forSuite(seed);
  before(function () {
    if (!fs.existsSync(distEntry)) throw new Error(`${distEntry} is missing: run \`npm run build\` first`);
    ensureToolchain();
  });

  it("leaves no plugin or language host alive, and after Pulumi's recovery for pending creates, another up applies every key of 200 resources, loses none and holds each resource once", async () => {
    const before = world.view();
    const project = await createProject(world);

    // Every request is slow, so that the kill lands with most resources still to create.
    world.emulator.inject({ latencyMs: 400 });
    const written = () =>
      world.emulator.requests().filter((r) => r.method === "PATCH" && r.status === 200).length;
    let cli: ChildProcess | undefined;
    const marker = randomUUID();
    const sampling = sampleProcesses(marker);
    const running = project.run(["up", "--yes", "--skip-preview", "--stack", "test"], {
      marker,
      env: { TEST_RESOURCE_COUNT: String(fleet) },
      onStart: (child) => (cli = child),
    });
    await waitFor("20 written resources", () => written() >= 20, 240_000);
    assert.ok(cli?.kill("SIGKILL"));
    const writtenAtKill = written();
    const killed = await running;
    const killedAt = Date.now();
    assert.equal(killed.signal, "SIGKILL");
    assert.ok(writtenAtKill < fleet / 2, `${writtenAtKill} resources were written before the kill`);

    // (1) No process of that run is left within a few seconds: the dynamic-provider host's watchdog
    // (engine/watchdog.js) and the language host's wrapper (engine/toolchain.ts) end theirs once
    // the engine is gone, and the program ends with its language host.
    const left = await processesAfter(runMarker, marker, 5_000);
    const seen = sampling.stop();
    assert.deepEqual(
      kindsOf(seen),
      ["dynamic-provider host", "language host", "program"],
      JSON.stringify(seen),
    );
    assert.deepEqual(left, [], `alive ${Date.now() - killedAt} ms after the kill`);

    // A kill that lands while the backend rewrites a file's sidecar leaves it empty; the README's
    // repair deletes it (see deleteTruncatedSidecars, and the test after this one).
    const repaired = deleteTruncatedSidecars(project.backendDir);
    if (repaired.length > 0)
      console.log(`      the kill left empty sidecars, deleted: ${repaired.join(", ")}`);

    // Writes in flight when the CLI died may still land in Clerk after it (the emulator, like
    // Clerk, finishes a request whose client went away); the recovery writes them again anyway.
    world.emulator.clearFaults();

    // The checkpoint holds the resources whose create finished and a pending create for each one
    // in flight: the engine saves a pending operation before it calls the provider
    // (pkg/backend/snapshot.go, `SnapshotManager.BeginMutation`, v3.248.0).
    const interrupted = await project.state();
    assert.ok(interrupted.pendingOperations.length >= 1, "creates were in flight");
    assert.ok(
      interrupted.pendingOperations.every((op) => op.type === "creating"),
      JSON.stringify(interrupted.pendingOperations),
    );
    const inState = interrupted.resources.map((r) => r.name);
    const pending = interrupted.pendingOperations.map((op) => op.urn.slice(op.urn.lastIndexOf("::") + 2));
    assert.ok(inState.length < fleet / 2, `${inState.length} resources in state`);

    // The killed run's lock is left in the file backend: the next update refuses to start
    // (pkg/backend/diy/lock.go, `checkForLock`) until `pulumi cancel` deletes it
    // (pkg/backend/diy/backend.go, `CancelCurrentUpdate`, v3.248.0).
    const locked = await project.run(["up", "--yes", "--skip-preview", "--stack", "test"], {
      env: { TEST_RESOURCE_COUNT: String(fleet) },
    });
    assert.notEqual(locked.code, 0);
    assert.match(locked.stdout + locked.stderr, /the stack is currently locked by 1 lock\(s\)/);
    const cancel = await project.run(["cancel", "--yes", "--stack", "test"]);
    assert.equal(cancel.code, 0, cancel.stderr);

    // (2) Pulumi's recovery for pending creates: `pulumi refresh --clear-pending-creates` drops them
    // from the state (pkg/cmd/pulumi/operations/refresh.go, `NewRefreshCmd`, flag
    // `clear-pending-creates`: "Clear all pending creates, dropping them from the state", v3.248.0).
    // Without it, `pulumi up` only warns about them (pkg/resource/deploy/deployment_executor.go,
    // `printPendingOperationsWarning`).
    world.reset();
    const refresh = await project.run([
      "refresh",
      "--clear-pending-creates",
      "--yes",
      "--skip-preview",
      "--stack",
      "test",
    ]);
    assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
    assert.ok(
      world.calls().every((c) => c.method === "GET"),
      "a refresh only reads",
    );
    const cleared = await project.state();
    assert.deepEqual(cleared.pendingOperations, []);
    assert.deepEqual(cleared.resources.map((r) => r.name).sort(), [...inState].sort());

    // Another up creates exactly the resources the state does not hold, each once; the pending
    // creates among them are written again (a write is idempotent).
    world.reset();
    const recovery = await project.run(["up", "--yes", "--skip-preview", "--stack", "test"], {
      env: { TEST_RESOURCE_COUNT: String(fleet) },
    });
    assert.equal(recovery.code, 0, recovery.stdout + recovery.stderr);
    const names = Array.from({ length: fleet }, (_, i) => `org-${pad(i)}`);
    const missing = names.filter((n) => !inState.includes(n));
    const patched = world
      .calls()
      .filter((c) => c.method === "PATCH")
      .map((c) => c.path);
    assert.deepEqual(
      [...patched].sort(),
      missing.map((n) => `/v1/organizations/${orgId(Number(n.slice(4)))}/metadata`).sort(),
    );
    assert.ok(pending.every((n) => missing.includes(n)));

    const final = await project.state();
    assert.deepEqual(final.pendingOperations, []);
    assert.deepEqual(final.resources.map((r) => r.name).sort(), names);
    assert.equal(new Set(final.resources.map((r) => r.urn)).size, fleet);
    // The provider as an installed package serializes it (see the top of this file).
    for (const r of final.resources) {
      assert.match(
        String(r.inputs.__provider),
        /require\("pulumi-clerk-metadata\/providers\/organization"\)/,
      );
      assert.ok(
        String(r.inputs.__provider).length < 2_000,
        `${r.name}: __provider is ${String(r.inputs.__provider).length} characters`,
      );
    }
    for (const r of final.resources) {
      const d = declared(Number(r.name.slice(4)));
      assert.deepEqual([r.outputs.publicMetadata, r.outputs.privateMetadata], [d.public, d.private], r.name);
    }
    assertSameView(world.view(), expectedView(before, fleet));
  });

  it("a checkpoint sidecar a kill left empty makes the stack unreadable until it is deleted, and nothing else is lost", async () => {
    const project = await createProject(world);
    const up = await project.run(["up", "--yes", "--skip-preview", "--stack", "test"], {
      env: { TEST_RESOURCE_COUNT: "2" },
    });
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const sidecar = path.join(project.backendDir, ".pulumi", "stacks", "sigkill-test", "test.json.attrs");
    assert.ok(holdsJson(sidecar), `${sidecar} holds the checkpoint's attributes`);
    // What a SIGKILL between the sidecar's `os.Create` and its write leaves.
    fs.writeFileSync(sidecar, "");

    const broken = await project.run(["stack", "export", "--stack", "test"]);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /failed to load checkpoint: EOF/);

    assert.deepEqual(deleteTruncatedSidecars(project.backendDir), [
      path.join(".pulumi", "stacks", "sigkill-test", "test.json.attrs"),
    ]);
    const state = await project.state();
    assert.deepEqual(state.resources.map((r) => r.name).sort(), ["org-000", "org-001"]);
    world.reset();
    const again = await project.run(
      ["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", "test"],
      {
        env: { TEST_RESOURCE_COUNT: "2" },
      },
    );
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(
      world.calls().filter((c) => c.method !== "GET"),
      [],
      "the up after the repair writes nothing",
    );
  });

  it("on the inline route too, a checkpoint sidecar a kill left empty fails every load until it is deleted, and nothing else is lost", async () => {
    const program = () => {
      for (let i = 0; i < 2; i++) {
        const d = declared(i);
        new OrganizationMetadata(`org-${pad(i)}`, {
          organizationId: orgId(i),
          publicMetadata: d.public,
          privateMetadata: d.private,
        });
      }
    };
    const stack = await world.stack();
    assertOk(await stack.up(program, { skipPreview: true }));
    const sidecars = filesUnder(path.join(stack.backendDir, ".pulumi", "stacks")).filter(
      (file) => path.basename(file) === `${stack.name}.json.attrs`,
    );
    assert.equal(sidecars.length, 1, JSON.stringify(sidecars));
    assert.ok(holdsJson(sidecars[0]!));
    fs.writeFileSync(sidecars[0]!, "");

    const broken = await stack.cli(["stack", "export"]);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /failed to load checkpoint: EOF/);

    assert.deepEqual(deleteTruncatedSidecars(stack.backendDir), [
      path.relative(stack.backendDir, sidecars[0]!),
    ]);
    const state = await stack.state();
    assert.deepEqual(state.resources.map((r) => r.name).sort(), ["org-000", "org-001"]);
    world.reset();
    assertOk(await stack.up(program, { skipPreview: true, expectNoChanges: true }));
    assert.deepEqual(
      world.calls().filter((c) => c.method !== "GET"),
      [],
      "the up after the repair writes nothing",
    );
  });

  it("leaves no plugin or language host behind once an up has succeeded, failed in Clerk or failed in the program", async () => {
    const project = await createProject(world);
    const cases: { what: string; env: Record<string, string>; fault?: boolean; ok: boolean }[] = [
      { what: "an up that succeeds", env: { TEST_RESOURCE_COUNT: "3" }, ok: true },
      // Clerk fails every write and the provider does not retry: the update fails.
      {
        what: "an up that Clerk fails",
        env: { TEST_RESOURCE_COUNT: "6", CLERK_MAX_RETRIES: "0" },
        fault: true,
        ok: false,
      },
      {
        what: "an up whose program throws",
        env: { TEST_RESOURCE_COUNT: "3", TEST_PROGRAM_THROWS: "1" },
        ok: false,
      },
    ];
    for (const c of cases) {
      world.emulator.clearFaults();
      if (c.fault) world.emulator.inject({ status: 503 });
      const marker = randomUUID();
      const sampling = sampleProcesses(marker);
      const run = await project.run(["up", "--yes", "--skip-preview", "--stack", "test"], {
        marker,
        env: c.env,
      });
      const exitedAt = Date.now();
      // The CLI ends its plugins as it exits (measured: none is left when it has exited); a
      // second covers a process the kernel has not yet torn down.
      const left = await processesAfter(runMarker, marker, 1_000);
      const seen = sampling.stop();
      assert.equal(run.code === 0, c.ok, `${c.what}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
      // Positive control: the run did start them (the program never starts the provider when it throws first).
      const started = c.what.includes("throws")
        ? ["language host", "program"]
        : ["dynamic-provider host", "language host", "program"];
      assert.deepEqual(
        kindsOf(seen).filter((k) => started.includes(k)),
        started,
        `${c.what}: ${JSON.stringify(seen)}`,
      );
      assert.deepEqual(left, [], `${c.what}: alive ${Date.now() - exitedAt} ms after the CLI exited`);
    }
    world.emulator.clearFaults();
    // The run that succeeded wrote its resources.
    assert.equal(world.organization(orgId(0)).public.plan, "pro");
  });
});
