/**
 * A failing run never costs a key (CONTRACT.md, ownership): through Pulumi's own CLI, on the inline
 * route (Automation API, where the program's end is signalled before its unhandled rejections are
 * reported) and on the language host route (a project run by `pulumi up`).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { openProject, type ProjectStack } from "../../engine/project";
import * as clerk from "../../provider";
import { assertOk, World } from "./helpers";

const acmeDeclaration = {
  organizationId: "org_acme",
  publicMetadata: { plan: "pro", limits: { seats: 25 } },
  privateMetadata: { billing: { customerId: "cus_1" } },
};

/** What `acme` owns in Clerk after its first up, with the app's own keys beside it. */
const acmeInClerk = {
  public: { onboarding: { completedAt: "2026-01-05" }, limits: { storageGb: 100, seats: 25 }, plan: "pro" },
  private: { crmId: "crm_991", billing: { customerId: "cus_1" } },
};

const writes = (world: World) => world.calls().filter((c) => c.method !== "GET");

describe("lifecycle: a failing run never costs a key", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => {
    world.reset();
    world.emulator.clearFaults();
  });

  describe("on the inline route (Automation API)", () => {
    it("fails a conflict with a resource already in the stack naming both, with 0 writes, and the existing resource keeps its keys and its state", async () => {
      const stack = await world.stack();
      assertOk(await stack.up(() => void new clerk.OrganizationMetadata("acme", acmeDeclaration)));
      assert.deepEqual(world.organization("org_acme"), acmeInClerk);

      world.reset();
      const conflicting = () => {
        new clerk.OrganizationMetadata("acme", acmeDeclaration);
        new clerk.OrganizationMetadata("billing", {
          organizationId: "org_acme",
          publicMetadata: { plan: "team" },
        });
      };
      for (const run of [
        () => stack.preview(conflicting),
        () => stack.up(conflicting),
        () => stack.up(conflicting, { skipPreview: true }),
      ]) {
        const result = await run();
        assert.equal(result.ok, false);
        const sentence =
          'OrganizationMetadata "billing" and OrganizationMetadata "acme" both declare publicMetadata.plan of organization org_acme';
        const both =
          /OrganizationMetadata "(acme|billing)" and OrganizationMetadata "(acme|billing)" both declare publicMetadata\.plan of organization org_acme/;
        assert.match(result.errors.join("\n"), both);
        // One sentence per resource: no stack trace, no inspected promise.
        assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at |Promise \{|<ref \*1>/);
        void sentence;
      }
      assert.deepEqual(writes(world), []);
      assert.deepEqual(world.organization("org_acme"), acmeInClerk);
      const state = await stack.state();
      assert.deepEqual(
        state.resources.map((r) => r.name),
        ["acme"],
      );
      assert.deepEqual(state.resources[0]!.outputs.publicMetadata, { plan: "pro", limits: { seats: 25 } });
    });

    it("keeps a resource the program still declares when a conflict fails the run, even one the program dropped", async () => {
      const stack = await world.stack();
      const both = () => {
        new clerk.OrganizationMetadata("acme", acmeDeclaration);
        new clerk.UserMetadata("sam", { userId: "user_sam", publicMetadata: { role: "support" } });
      };
      assertOk(await stack.up(both, { skipPreview: true }));
      world.reset();
      // `sam` is no longer declared, and two new resources conflict: the engine must not delete `sam` either.
      const result = await stack.up(
        () => {
          new clerk.OrganizationMetadata("acme", acmeDeclaration);
          new clerk.OrganizationMetadata("a", { organizationId: "org_globex", publicMetadata: { tier: 1 } });
          new clerk.OrganizationMetadata("b", { organizationId: "org_globex", publicMetadata: { tier: 2 } });
        },
        { skipPreview: true },
      );
      assert.equal(result.ok, false);
      assert.deepEqual(writes(world), []);
      assert.deepEqual((await stack.state()).resources.map((r) => r.name).sort(), ["acme", "sam"]);
      assert.equal(world.user("user_sam").public.role, "support");
      assertOk(await stack.destroy());
    });

    it("fails a conflict whose organization id comes from a lookup, and no key is lost", async () => {
      const stack = await world.stack();
      assertOk(await stack.up(() => void new clerk.OrganizationMetadata("acme", acmeDeclaration)));
      world.reset();
      const result = await stack.up(() => {
        new clerk.OrganizationMetadata("acme", acmeDeclaration);
        new clerk.OrganizationMetadata("billing", {
          organizationId: clerk.getOrganizationOutput({ slug: "acme" }).organizationId,
          publicMetadata: { plan: "team" },
        });
      });
      assert.equal(result.ok, false);
      assert.match(result.errors.join("\n"), /both declare publicMetadata\.plan of organization org_acme/);
      assert.deepEqual(writes(world), []);
      assert.deepEqual(world.organization("org_acme"), acmeInClerk);
      assert.deepEqual(
        (await stack.state()).resources.map((r) => r.name),
        ["acme"],
      );
      assertOk(await stack.destroy());
    });

    it("fails a run whose lookup Clerk keeps answering 500, and the resources that depend on it stay in the stack with their keys", async () => {
      const stack = await world.stack({ "clerk:maxRetries": { value: "1" } });
      const program = () => {
        new clerk.OrganizationMetadata("acme", {
          ...acmeDeclaration,
          organizationId: clerk.getOrganizationOutput({ slug: "acme" }).organizationId,
        });
      };
      assertOk(await stack.up(program));
      world.reset();
      world.emulator.inject({ status: 500, method: "GET", path: "/v1/organizations/acme" });
      for (const run of [() => stack.up(program), () => stack.up(program, { skipPreview: true })]) {
        const result = await run();
        assert.equal(result.ok, false);
        assert.match(result.errors.join("\n"), /getOrganization slug="acme"/);
        assert.match(result.errors.join("\n"), /500/);
      }
      assert.deepEqual(writes(world), []);
      assert.deepEqual(world.organization("org_acme"), acmeInClerk);
      assert.deepEqual(
        (await stack.state()).resources.map((r) => r.name),
        ["acme"],
      );
      world.emulator.clearFaults();
      assertOk(await stack.destroy());
    });
  });

  describe("on the language host route (pulumi up in a project)", () => {
    let project: ProjectStack;
    const programFile = () => path.join(world.dir, "project", "index.js");
    /** A CommonJS program of the user's, requiring the built package (npm run build made dist/). */
    const writeProgram = (body: string) =>
      fs.writeFileSync(
        programFile(),
        `const clerk = require(${JSON.stringify(path.resolve(__dirname, "..", "..", "dist", "provider"))});\n${body}\n`,
      );

    before(async () => {
      const dir = path.join(world.dir, "project");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: failing-run\nruntime: nodejs\n");
      fs.symlinkSync(
        path.resolve(__dirname, "..", "..", "node_modules"),
        path.join(dir, "node_modules"),
        "dir",
      );
      project = await openProject({
        projectDir: dir,
        stateDir: path.join(world.dir, "project-state"),
        config: {
          "clerk:secretKey": { value: world.emulator.secretKey, secret: true },
          "clerk:apiUrl": world.emulator.url,
        },
      });
    });

    it("fails a conflict with a resource already in the stack with 0 writes, in one clean sentence per resource, and keeps every key", async () => {
      writeProgram(`new clerk.OrganizationMetadata("acme", ${JSON.stringify(acmeDeclaration)});`);
      assertOk(await project.up(["--skip-preview"]));
      world.reset();
      writeProgram(
        `new clerk.OrganizationMetadata("acme", ${JSON.stringify(acmeDeclaration)});\n` +
          `new clerk.OrganizationMetadata("billing", { organizationId: "org_acme", publicMetadata: { plan: "team" } });`,
      );
      for (const flags of [[], ["--skip-preview"]]) {
        const result = await project.up(flags);
        assert.equal(result.ok, false);
        assert.match(result.stdout, /both declare publicMetadata\.plan of organization org_acme/);
        assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at |Promise \{|<ref \*1>/);
      }
      const preview = await project.preview();
      assert.equal(preview.ok, false);
      assert.deepEqual(writes(world), []);
      assert.deepEqual(world.organization("org_acme"), acmeInClerk);
      assert.deepEqual(
        (await project.state()).resources.map((r) => r.name),
        ["acme"],
      );
      writeProgram(`new clerk.OrganizationMetadata("acme", ${JSON.stringify(acmeDeclaration)});`);
      assertOk(await project.destroy());
    });
  });
});
