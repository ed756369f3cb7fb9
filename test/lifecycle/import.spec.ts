import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { World } from "./helpers";

/*
 * What the real engine does with `import` on a dynamic resource (Pulumi v3.248.0): ImportStep.Apply calls
 * Read with the id alone (pkg/resource/deploy/step.go), and the Node dynamic-provider host fails before any
 * provider code runs, because the empty properties carry no `__provider` (pulumi/pulumi#3550). Adopting keys
 * that already exist needs no import: create is a PATCH of the declared keys only.
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

  it("fails the import in the dynamic-provider host, before any request to Clerk, and stores nothing", async () => {
    const stack = world.stack();
    const before = world.user("user_ada");
    const result = await stack.up(() => {
      new clerk.UserMetadata("ada", { userId: "user_ada" }, { import: "user_ada" });
    });
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.op, Boolean(s.error)]),
      [["ada", "import", true]],
    );
    assert.deepEqual(world.calls(), []);
    assert.deepEqual(stack.state().resources, []);
    assert.deepEqual(world.user("user_ada"), before);
  });

  it("adopts an existing key with a plain declaration: create PATCHes only the declared keys", async () => {
    const stack = world.stack();
    const result = await stack.up(() => {
      new clerk.UserMetadata("ada", { userId: "user_ada", publicMetadata: { plan: "pro" } });
    });
    assert.equal(result.ok, true, result.errors.join("\n"));
    assert.deepEqual(
      result.steps.map((s) => s.op),
      ["create"],
    );
    const patches = world.calls().filter((c) => c.method === "PATCH");
    assert.deepEqual(patches, [
      { method: "PATCH", path: "/v1/users/user_ada/metadata", body: { public_metadata: { plan: "pro" } } },
    ]);
    assert.deepEqual(world.user("user_ada").public, { plan: "pro", app: { visits: 3 } });
    assert.deepEqual(world.user("user_ada").unsafe, { a: 1 });
  });
});
