import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { collect } from "../../driver/collect";
import { formatResult } from "../../driver/print";
import * as clerk from "../../provider";
import { assertOk, World } from "./helpers";

// Values that must never be seen outside Clerk and the encrypted state.
const vipCode = "PRIVATE-vip-7f3a9c";
const billingId = "PRIVATE-cus-5521ab";
const seatCode = "PRIVATE-seat-09d2e1";
const driftedCode = "PRIVATE-drifted-44e0";

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

  it("registers privateMetadata as a secret input and as an additional secret output of every resource", async () => {
    const { registrations, error } = await collect(program(vipCode), {
      preview: true,
      config: world.config(),
    });
    assert.equal(error, undefined);
    assert.deepEqual(
      [...registrations]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => [
          r.name,
          r.secretInputs.includes("privateMetadata"),
          r.options.additionalSecretOutputs?.includes("privateMetadata"),
        ]),
      [
        ["acme", true, true],
        ["acme-sam", true, true],
        ["alexis", true, true],
      ],
    );
    // Only privateMetadata is a secret input unless the program makes another one secret.
    for (const r of registrations) assert.deepEqual(r.secretInputs, ["privateMetadata"]);
    assert.deepEqual(world.calls(), []);
  });

  it("serializes each resource's __provider without the secret key, private metadata or a Clerk client, and prints its size", async () => {
    const stack = world.stack();
    assertOk(await stack.up(program(vipCode)));
    const resources = stack.state().resources;
    assert.equal(resources.length, 3);
    for (const resource of resources) {
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

  it("never writes private metadata in plaintext to the state file, the printed output or the host's logs", async () => {
    const stack = world.stack();
    const printed: string[] = [];
    const hostLogs: string[] = [];
    const run = async (result: Promise<Parameters<typeof formatResult>[0]>) => {
      const done = await result;
      printed.push(formatResult(done, { showSame: true }), done.errors.join("\n"));
      hostLogs.push(stack.lastHostOutput());
      return done;
    };

    assertOk(await run(stack.preview(program(vipCode))));
    assertOk(await run(stack.up(program(vipCode))));
    // Clerk holds the values: they were sent, just never shown.
    assert.deepEqual(world.user("user_alexis").private, { vip: { code: vipCode } });
    assert.deepEqual(world.membership("org_acme", "user_sam").private, { seat: seatCode });

    const changed = assertOk(await run(stack.preview(program("PRIVATE-vip-new-81b7"))));
    assert.deepEqual(changed.steps.find((s) => s.name === "alexis")?.changedPaths, [
      { path: "privateMetadata", old: "[secret]", new: "[secret]" },
    ]);

    // Drift in private metadata is reported masked too.
    await world
      .clerk()
      .users.updateUserMetadata("user_alexis", { privateMetadata: { vip: { code: driftedCode } } });
    const drift = assertOk(await run(stack.preview(program(vipCode), { refresh: true })));
    const read = drift.steps.find((s) => s.name === "alexis" && s.op === "read");
    assert.deepEqual(read?.changedPaths, [{ path: "privateMetadata", old: "[secret]", new: "[secret]" }]);
    assertOk(await run(stack.up(program(vipCode), { refresh: true })));
    assert.deepEqual(world.user("user_alexis").private, { vip: { code: vipCode } });

    // A failing step's error names the entity, not the private values it carried.
    const failing = await run(
      stack.up(() => {
        program(vipCode)();
        new clerk.UserMetadata("ghost", {
          userId: "user_ghost",
          privateMetadata: { vip: { code: vipCode } },
        });
      }),
    );
    assert.equal(failing.ok, false);
    assert.match(failing.errors.join("\n"), /user user_ghost was not found/);
    assertOk(await run(stack.refresh()));
    const stateText = fs.readFileSync(stack.stateFile, "utf8");
    assert.equal(stack.state().resources.length, 3);
    assert.match(stateText, /"ciphertext": "v1:/);
    assertOk(await run(stack.destroy()));

    const everything = { state: stateText, printed: printed.join("\n"), host: hostLogs.join("\n") };
    for (const [where, text] of Object.entries(everything)) {
      for (const value of [vipCode, billingId, seatCode, driftedCode, "PRIVATE-vip-new-81b7"]) {
        assert.equal(text.includes(value), false, `${value} in ${where}`);
      }
      assert.equal(text.includes(world.emulator.secretKey), false, `secret key in ${where}`);
    }
  });
});
