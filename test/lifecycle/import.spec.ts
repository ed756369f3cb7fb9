import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { assertOk, World } from "./helpers";

describe("lifecycle: importing an existing user", () => {
  const world = new World(() => ({
    users: [
      { id: "user_ada", public_metadata: { plan: "free", app: { visits: 3 } }, unsafe_metadata: { a: 1 } },
    ],
  }));
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  it("reads the user with one GET on import, and the next up adopts the declared keys with one PATCH", async () => {
    const stack = world.stack();
    const imported = assertOk(
      await stack.up(() => {
        new clerk.UserMetadata("ada", { userId: "user_ada" }, { import: "user_ada" });
      }),
    );
    assert.deepEqual(
      imported.steps.map((s) => [s.name, s.op]),
      [["ada", "import"]],
    );
    assert.deepEqual(world.calls(), [{ method: "GET", path: "/v1/users/user_ada" }]);
    const [state] = stack.state().resources;
    assert.equal(state?.id, "user_ada");
    assert.deepEqual(state?.outputs.ownership, {});
    assert.deepEqual(world.user("user_ada").public, { plan: "free", app: { visits: 3 } });

    world.reset();
    const program = () => {
      new clerk.UserMetadata(
        "ada",
        { userId: "user_ada", publicMetadata: { plan: "pro", app: { tier: 2 } } },
        { import: "user_ada" },
      );
    };
    const preview = assertOk(await stack.preview(program));
    assert.deepEqual(
      preview.steps.map((s) => [s.op, s.changedPaths]),
      [["update", [{ path: "publicMetadata", old: "(none)", new: { plan: "pro", app: { tier: 2 } } }]]],
    );
    assert.deepEqual(world.calls(), []);

    const adopt = assertOk(await stack.up(program));
    assert.deepEqual(
      adopt.steps.map((s) => s.op),
      ["update"],
    );
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/users/user_ada/metadata",
        body: { public_metadata: { plan: "pro", app: { tier: 2 } } },
      },
    ]);
    assert.deepEqual(world.user("user_ada"), {
      public: { plan: "pro", app: { visits: 3, tier: 2 } },
      private: {},
      unsafe: { a: 1 },
    });

    // Adopted keys are owned from now on: destroy removes them, and only them.
    world.reset();
    assertOk(await stack.destroy());
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/users/user_ada/metadata",
        body: { public_metadata: { plan: null, app: { tier: null } } },
      },
    ]);
    assert.deepEqual(world.user("user_ada").public, { app: { visits: 3 } });
  });

  it("fails an import whose declared keys differ from the user, after one GET and without writing", async () => {
    const stack = world.stack();
    const before = world.user("user_ada");
    const result = await stack.up(() => {
      new clerk.UserMetadata(
        "ada",
        { userId: "user_ada", publicMetadata: { plan: "team" } },
        { import: "user_ada" },
      );
    });
    assert.equal(result.ok, false);
    assert.match(
      result.errors.join("\n"),
      /inputs to import do not match the existing resource: publicMetadata/,
    );
    assert.deepEqual(world.calls(), [{ method: "GET", path: "/v1/users/user_ada" }]);
    assert.deepEqual(stack.state().resources, []);
    assert.deepEqual(world.user("user_ada"), before);
  });

  it("fails the import of a user that does not exist, after one GET", async () => {
    const stack = world.stack();
    const result = await stack.up(() => {
      new clerk.UserMetadata("ghost", { userId: "user_ghost" }, { import: "user_ghost" });
    });
    assert.equal(result.ok, false);
    assert.match(result.errors.join("\n"), /resource 'user_ghost' does not exist/);
    assert.deepEqual(world.calls(), [{ method: "GET", path: "/v1/users/user_ghost" }]);
    assert.deepEqual(stack.state().resources, []);
  });
});
