import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as clerk from "../../provider";
import type { OperationResult } from "../../engine/types";
import { filesUnder } from "../support/files";
import { assertOk, ops, World } from "./helpers";

// Values that must never be seen outside Clerk and the encrypted state.
const vipCode = "PRIVATE-vip-7f3a9c";
const billingId = "PRIVATE-cus-5521ab";
const seatCode = "PRIVATE-seat-09d2e1";
const driftedCode = "PRIVATE-drifted-44e0";
const newVipCode = "PRIVATE-vip-new-81b7";

/** The signature Pulumi marks a secret value with in exported state. */
const secretSig = "4dabf18193072939515e22adb298388d";

describe("lifecycle: secrets", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  const program = (vip: string) => () => {
    new clerk.UserMetadata("alexis", {
      userId: "user_alexis",
      publicMetadata: { beta: true },
      privateMetadata: { vip: { code: vip } },
    });
    new clerk.OrganizationMetadata("acme", {
      organizationId: "org_acme",
      privateMetadata: { billing: { customerId: billingId } },
    });
    new clerk.OrganizationMembershipMetadata("acme-sam", {
      organizationId: "org_acme",
      userId: "user_sam",
      privateMetadata: { seat: seatCode },
    });
  };

  it("keeps privateMetadata a secret input and output in state, and serializes __provider without the key, private values or a Clerk client", async () => {
    const stack = await world.stack();
    assertOk(await stack.up(program(vipCode), { skipPreview: true }));
    const state = await stack.state();
    assert.deepEqual(state.resources.map((r) => r.name).sort(), ["acme", "acme-sam", "alexis"]);
    // Only privateMetadata is secret unless the program makes another field secret. (The owned
    // paths are stored, as a secret, only after drift: see the next test.)
    for (const r of state.resources) assert.deepEqual(r.secretOutputs, ["privateMetadata"], r.name);
    // The input is a secret too (`pulumi.secret`): the export wraps it as one.
    const exported = (
      state.raw as { deployment: { resources: { urn: string; inputs?: Record<string, unknown> }[] } }
    ).deployment.resources;
    for (const r of state.resources) {
      const inputs = exported.find((e) => e.urn === r.urn)?.inputs ?? {};
      const secretInputs = Object.keys(inputs).filter(
        (k) => typeof inputs[k] === "object" && secretSig in (inputs[k] as object),
      );
      assert.deepEqual(secretInputs, ["privateMetadata"], r.name);
    }

    for (const resource of state.resources) {
      const serialized = resource.inputs.__provider;
      assert.equal(typeof serialized, "string");
      assert.equal(resource.outputs.__provider, serialized);
      const text = serialized as string;
      const bytes = Buffer.byteLength(text, "utf8");
      console.log(`      __provider of ${resource.type.split(":").pop()}: ${bytes} bytes`);
      assert.equal(text.includes(world.emulator.secretKey), false, "the secret key");
      assert.equal(text.includes(world.emulator.url), false, "the API URL from config");
      for (const value of [vipCode, billingId, seatCode]) assert.equal(text.includes(value), false, value);
      // No Clerk client and none of the SDK's code is captured: the only mention of the SDK is the
      // `require("@clerk/backend")` that creates the client inside a hook, at run time.
      assert.equal(
        /createBackendApiClient|buildRequest|ClerkAPIResponseError\s*=/.test(text),
        false,
        "SDK code",
      );
      assert.deepEqual(text.match(/require\("[^"]*"\)/g), ['require("@clerk/backend")']);
      assert.deepEqual(
        text.match(/[^\n]*createClerkClient[^\n]*/g)?.map((line) => line.trim()),
        ['const { createClerkClient } = require("@clerk/backend");', "client = createClerkClient({"],
      );
      // Imported from source here, the provider is serialized by value; installed, it is one `require`.
      assert.ok(bytes < 200_000, `${bytes} bytes`);
    }
  });

  it("never writes private metadata or the key in plaintext to any file of the backend or the CLI's output", async () => {
    const stack = await world.stack();
    const printed: string[] = [];
    const run = async <T extends OperationResult>(result: Promise<T>) => {
      const done = await result;
      printed.push(done.stdout, done.stderr, done.errors.join("\n"));
      return done;
    };

    assertOk(await run(stack.preview(program(vipCode), { diff: true })));
    assertOk(await run(stack.up(program(vipCode), { skipPreview: true })));
    // Clerk holds the values: they were sent, just never shown.
    assert.deepEqual(world.user("user_alexis").private, { vip: { code: vipCode } });
    assert.deepEqual(world.membership("org_acme", "user_sam").private, { seat: seatCode });

    // A change to private metadata alone is planned as an update, yet `--diff` cannot mark a key:
    // the dynamic-provider host's `diff` returns neither `diffs` nor `detailedDiff`
    // (sdk/nodejs/cmd/dynamic-provider/index.ts, v3.248.0), so the display compares old and new
    // inputs itself, and the engine hands it secrets masked as "[secret]" on both sides
    // (pkg/engine/events.go `filterPropertyValue`): equal, hence unmarked.
    const changed = assertOk(await run(stack.preview(program(newVipCode), { diff: true })));
    const alexis = changed.steps.find((s) => s.name === "alexis");
    assert.equal(alexis?.op, "update");
    assert.equal(alexis?.changedPaths, undefined);
    assert.match(changed.stdout, /~ pulumi-nodejs:dynamic\/clerk:UserMetadata: \(update\)/);
    assert.match(changed.stdout, /\n\s+privateMetadata: \[secret\]\n/);

    // Drift in private metadata is planned as an update, masked the same way.
    await world
      .clerk()
      .users.updateUserMetadata("user_alexis", { privateMetadata: { vip: { code: driftedCode } } });
    const drift = assertOk(await run(stack.preview(program(vipCode), { refresh: true, diff: true })));
    assert.deepEqual(
      ops(drift).filter(([, op]) => op !== "read" && op !== "same"),
      [["alexis", "update"]],
    );
    assertOk(await run(stack.up(program(vipCode), { refresh: true, skipPreview: true })));
    assert.deepEqual(world.user("user_alexis").private, { vip: { code: vipCode } });

    // A failing step's error names the entity, not the private values it carried.
    const failing = await run(
      stack.up(
        () => {
          program(vipCode)();
          new clerk.UserMetadata("ghost", {
            userId: "user_ghost",
            privateMetadata: { vip: { code: vipCode } },
          });
        },
        { skipPreview: true },
      ),
    );
    assert.equal(failing.ok, false);
    assert.match(failing.errors.join("\n"), /user user_ghost was not found/);
    assertOk(await run(stack.refresh()));
    assert.equal((await stack.state()).resources.length, 3);
    const whileDeployed = readAll(stack.backendDir);
    assert.match(whileDeployed, /"ciphertext":\s*"v1:/);
    assertOk(await run(stack.destroy()));

    const everything = {
      "the backend's files": whileDeployed + readAll(stack.backendDir),
      "the CLI's output": printed.join("\n"),
    };
    for (const [where, text] of Object.entries(everything)) {
      for (const value of [vipCode, billingId, seatCode, driftedCode, newVipCode]) {
        assert.equal(text.includes(value), false, `${value} in ${where}`);
      }
      assert.equal(text.includes(world.emulator.secretKey), false, `secret key in ${where}`);
    }
  });

  it("stores the owned paths a drifted resource must remember as a secret, so private key names stay out of plaintext", async () => {
    const stack = await world.stack();
    // Key names are no values, yet they can tell what a private field holds.
    const vault = () =>
      void new clerk.UserMetadata("alexis", {
        userId: "user_alexis",
        privateMetadata: { PRIVKEY_vault: { PRIVKEY_pin: vipCode } },
      });
    const storedOwnership = async () =>
      (await stack.state()).resources.find((r) => r.name === "alexis")?.outputs.ownership;
    assertOk(await stack.up(vault, { skipPreview: true }));
    // Clerk holds what was declared, so the outputs imply the owned paths: nothing more is stored.
    assert.equal(await storedOwnership(), undefined);

    // The key vanishes in Clerk: only the recorded ownership still knows it is owned.
    await world.clerk().users.updateUserMetadata("user_alexis", { privateMetadata: { PRIVKEY_vault: null } });
    assertOk(await stack.refresh());
    assert.deepEqual(await storedOwnership(), { privateMetadata: { PRIVKEY_vault: { PRIVKEY_pin: "set" } } });
    const backend = readAll(stack.backendDir);
    assert.match(backend, /"ownership":\s*\{\s*"4dabf18193072939515e22adb298388d"/);
    assert.equal(backend.includes("PRIVKEY_"), false, "a private key name in the backend's files");

    // `up --refresh` writes it back, and the outputs imply the ownership again.
    assertOk(await stack.up(vault, { refresh: true, skipPreview: true }));
    assert.deepEqual(world.user("user_alexis").private.PRIVKEY_vault, { PRIVKEY_pin: vipCode });
    assert.equal(await storedOwnership(), undefined);
  });

  const acme = () =>
    void new clerk.OrganizationMetadata("acme", {
      organizationId: "org_acme",
      publicMetadata: { plan: "pro" },
    });

  it("refuses a clerk:secretKey set in plain text with the command that fixes it, before any request, costing no key", async () => {
    const dir = world.stackDir();
    const deployed = await world.stack({}, { dir });
    assertOk(await deployed.up(acme, { skipPreview: true }));
    world.reset();

    // The same stack, with the key set again without --secret.
    const stack = await world.stack({ "clerk:secretKey": { value: world.emulator.secretKey } }, { dir });
    const key = world.emulator.secretKey;
    /** The backend's files that hold the key in plain text, relative to the backend folder. */
    const holdingKey = () =>
      filesUnder(stack.backendDir)
        .filter((file) => fs.readFileSync(file, "utf8").includes(key))
        .map((file) => path.relative(stack.backendDir, file));
    const fix = /clerk:secretKey is set in plain text.*`pulumi config set --secret clerk:secretKey <key>`/;
    const check = (result: OperationResult) => {
      assert.equal(result.ok, false, result.operation);
      assert.match(result.errors.join("\n"), fix);
      assert.match(result.stdout, fix);
      for (const text of [result.stdout, result.stderr, ...result.errors])
        assert.equal(text.includes(key), false, `key printed by ${result.operation}`);
    };

    // `pulumi preview` (and so `pulumi up`, which previews first) is refused and writes nothing.
    check(await stack.preview(acme));
    assert.deepEqual(holdingKey(), []);

    // `pulumi up --skip-preview` is refused as well. The state never holds the key in plain text, but
    // the file backend records each update's config in its history whatever the outcome
    // (pkg/backend/diy/backend.go `apply`: `backend.UpdateInfo{Config: update.Target.Config}`, then
    // `addToHistory`, v3.248.0), so this one run leaves the plain-text key in one history file.
    check(await stack.up(acme, { skipPreview: true }));
    const holding = holdingKey();
    assert.equal(holding.length, 1, holding.join(", "));
    assert.match(holding[0]!, /^\.pulumi\/history\/clerk-metadata-test\/test\/test-\d+\.history\.json$/);

    assert.deepEqual(world.calls(), []);
    // The program failed before it registered anything, so the engine deleted nothing.
    assert.deepEqual(
      (await stack.state()).resources.map((r) => [r.name, r.id]),
      [["acme", "org_acme"]],
    );
    assert.equal(world.organization("org_acme").public.plan, "pro");
  });

  it("rotates the key as the README says: new key in config, pulumi up, revoke the old key, and refresh uses the new one", async () => {
    // The emulator accepts one fixed key and has no API to issue or revoke one (emulator/server.ts
    // compares the Authorization header with its `secretKey`): a gate in front of it plays Clerk's key list.
    const gate = await startKeyGate(world.emulator.url, world.emulator.secretKey);
    try {
      const oldKey = world.emulator.secretKey;
      const config = (key: string) => ({
        "clerk:secretKey": { value: key, secret: true },
        "clerk:apiUrl": { value: gate.url },
      });
      const dir = world.stackDir();
      assertOk(await (await world.stack(config(oldKey), { dir })).up(acme, { skipPreview: true }));
      const recordedKey = async () =>
        (await stack.state()).providers.find((p) => p.name === "default")?.inputs["clerk:secretKey"];

      // A new key, set as the stack's secret, and `pulumi up`: nothing to change, no request, yet the
      // engine records the new config as the default provider's inputs.
      const newKey = gate.issue();
      const stack = await world.stack(config(newKey), { dir });
      gate.seen.length = 0;
      const up = assertOk(await stack.up(acme, { skipPreview: true }));
      assert.deepEqual(ops(up), [["acme", "same"]]);
      assert.deepEqual(gate.seen, []);
      assert.equal(await recordedKey(), newKey);

      // The old key is revoked; refresh configures the provider from the recorded config: the new key.
      gate.revoke(oldKey);
      assertOk(await stack.refresh({ expectNoChanges: true }));
      assert.deepEqual(gate.seen, [{ key: "new", status: 200, path: "/v1/organizations/org_acme" }]);

      // In the other order (revoke before `pulumi up`), refresh still uses the recorded, revoked key:
      // Clerk's 401, and an error that says what to do, without printing either key.
      const third = gate.issue();
      await world.stack(config(third), { dir });
      gate.revoke(newKey);
      gate.seen.length = 0;
      const refused = await stack.refresh();
      assert.equal(refused.ok, false);
      assert.deepEqual(gate.seen, [{ key: "revoked", status: 401, path: "/v1/organizations/org_acme" }]);
      assert.match(
        refused.errors.join("\n"),
        /read metadata failed with HTTP 401 \(clerk_key_invalid: .*\)[^]*run `pulumi up` with the new key before revoking the old one/,
      );
      for (const key of [oldKey, newKey, third])
        for (const text of [refused.stdout, refused.stderr, ...refused.errors])
          assert.equal(text.includes(key), false);
      assert.equal(await recordedKey(), newKey);
      assert.deepEqual(
        (await stack.state()).resources.map((r) => r.name),
        ["acme"],
      );
      // Every key was set with --secret: none is in any file of the backend in plain text.
      const backend = readAll(stack.backendDir);
      for (const key of [oldKey, newKey, third]) assert.equal(backend.includes(key), false);
    } finally {
      await gate.stop();
    }
  });
});

/** Every file below `dir`, read as one text. */
function readAll(dir: string): string {
  return filesUnder(dir)
    .map((file) => fs.readFileSync(file, "utf8"))
    .join("\n");
}

/**
 * Clerk's list of valid secret keys, in front of the emulator: a request with a key issued here and
 * not revoked is forwarded with the emulator's own key; any other goes through unchanged, so the
 * emulator answers it with Clerk's 401 `clerk_key_invalid`. `seen` logs each request by which key it
 * carried: `new` (valid) or `revoked` (not valid).
 */
async function startKeyGate(target: string, targetKey: string) {
  const valid = new Set([targetKey]);
  let issued = 0;
  const seen: { key: "new" | "revoked"; status: number; path: string }[] = [];
  const server = http.createServer((req, res) => {
    const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const accepted = valid.has(key);
    const headers = { ...req.headers, ...(accepted ? { authorization: `Bearer ${targetKey}` } : {}) };
    delete headers.host;
    const forward = http.request(`${target}${req.url}`, { method: req.method, headers }, (answer) => {
      seen.push({ key: accepted ? "new" : "revoked", status: answer.statusCode ?? 0, path: req.url ?? "" });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** A new valid key, shaped like Clerk's development keys. */
    issue(): string {
      const key = `sk_test_rotated${++issued}${"x".repeat(30)}`;
      valid.add(key);
      return key;
    },
    revoke: (key: string) => void valid.delete(key),
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
