import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { assertOk, World } from "./helpers";

/*
 * What the real engine does with `import` on a dynamic resource (Pulumi v3.248.0): ImportStep.Apply calls
 * Read with the id alone, no inputs and no state (pkg/resource/deploy/step.go), in preview too; the Node
 * dynamic-provider host's `read` starts with `req.getProperties().toJavaScript()`
 * (sdk/nodejs/cmd/dynamic-provider/index.ts), which throws on the absent properties before it can find
 * the serialized provider (`__provider`) among them, so no provider code runs (pulumi/pulumi#3550).
 * Adopting keys that already exist needs no import: create is a PATCH of the declared keys only.
 */
describe("lifecycle: importing an existing user", () => {
  const world = new World(() => ({
    users: [
      { id: "user_ada", public_metadata: { plan: "free", app: { visits: 3 } }, unsafe_metadata: { a: 1 } },
    ],
  }));
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  it("fails the import option and `pulumi import` in the dynamic-provider host, before any request to Clerk, and stores nothing", async () => {
    const stack = await world.stack();
    const before = world.user("user_ada");
    const program = () => {
      new clerk.UserMetadata("ada", { userId: "user_ada" }, { import: "user_ada" });
    };
    const hostFailure = /Cannot read properties of undefined \(reading 'toJavaScript'\)/;
    // `up` stops at its preview, which already runs the import's Read; `--skip-preview` runs it for real.
    for (const run of [() => stack.up(program), () => stack.up(program, { skipPreview: true })]) {
      const result = await run();
      assert.equal(result.ok, false);
      assert.deepEqual(
        result.steps.map((s) => [s.name, s.op]),
        [["ada", "import"]],
      );
      assert.match(result.steps[0]?.error ?? "", hostFailure);
      // The host's own stack trace: the failure is in its `read`, not in the package.
      assert.match(result.stdout, /at ResourceProviderService\.read \(.*dynamic-provider/);
    }

    // The CLI's own import command takes the same path.
    const command = await stack.cli(["import", "pulumi-nodejs:dynamic:Resource", "ada", "user_ada", "--yes"]);
    assert.notEqual(command.code, 0);
    assert.match(command.stdout + command.stderr, hostFailure);

    assert.deepEqual(world.calls(), []);
    const state = await stack.state();
    assert.deepEqual(state.resources, []);
    assert.deepEqual(state.pendingOperations, []);
    assert.deepEqual(world.user("user_ada"), before);
  });

  it("adopts an existing key with a plain declaration: create PATCHes only the declared keys", async () => {
    const stack = await world.stack();
    const result = assertOk(
      await stack.up(() => {
        new clerk.UserMetadata("ada", { userId: "user_ada", publicMetadata: { plan: "pro" } });
      }),
    );
    assert.deepEqual(
      result.steps.map((s) => s.op),
      ["create"],
    );
    // Preview and update together: one request, the PATCH of the declared key.
    assert.deepEqual(world.calls(), [
      { method: "PATCH", path: "/v1/users/user_ada/metadata", body: { public_metadata: { plan: "pro" } } },
    ]);
    assert.deepEqual(world.user("user_ada").public, { plan: "pro", app: { visits: 3 } });
    assert.deepEqual(world.user("user_ada").unsafe, { a: 1 });
    // An adopted key is owned like any other: destroy removes it, and the value it had before is not restored.
    assertOk(await stack.destroy());
    assert.deepEqual(world.user("user_ada").public, { app: { visits: 3 } });
  });
});
