import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { OrganizationMembershipMetadata, OrganizationMetadata, UserMetadata } from "../../../provider";
import { declarationErrorOf } from "../../../provider/core/declarationError";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Runs `program` under Pulumi's mocks and returns what it registered (hooks never run here). */
async function register(program: () => pulumi.Resource[], preview = false): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    preview,
  );
  const resources = program();
  await Promise.all(
    resources.map((r) => new Promise((resolve) => (r.urn as pulumi.Output<string>).apply(resolve))),
  );
  return registered;
}

describe("resources", () => {
  describe("registration", () => {
    it("registers each kind as a clerk dynamic resource with its inputs and a serialized provider", async () => {
      const registered = await register(() => [
        new UserMetadata("alexis", { userId: "user_1", publicMetadata: { beta: true } }),
        new OrganizationMetadata("acme", { organizationId: "org_1", publicMetadata: { plan: "pro" } }),
        new OrganizationMembershipMetadata("acme-alexis", {
          organizationId: "org_1",
          userId: "user_1",
          publicMetadata: { department: "eng" },
        }),
      ]);
      assert.deepEqual(registered.map((r) => r.type).sort(), [
        "pulumi-nodejs:dynamic/clerk:OrganizationMembershipMetadata",
        "pulumi-nodejs:dynamic/clerk:OrganizationMetadata",
        "pulumi-nodejs:dynamic/clerk:UserMetadata",
      ]);
      const membership = registered.find((r) => r.name === "acme-alexis")!;
      assert.deepEqual(membership.inputs.publicMetadata, { department: "eng" });
      for (const r of registered) assert.equal(typeof r.inputs.__provider, "string");
    });

    it("registers only what is declared, and still gives each undeclared field and authoritative an Output", async () => {
      let user: UserMetadata | undefined;
      let whole: OrganizationMetadata | undefined;
      const registered = await register(() => [
        (user = new UserMetadata("alexis", { userId: "user_1", publicMetadata: { beta: true } })),
        (whole = new OrganizationMetadata("acme", {
          organizationId: "org_1",
          privateMetadata: { crm: "c_1" },
          authoritative: true,
        })),
      ]);
      const inputsOf = (name: string) => Object.keys(registered.find((r) => r.name === name)!.inputs).sort();
      assert.deepEqual(inputsOf("alexis"), ["__provider", "publicMetadata", "userId"]);
      assert.deepEqual(inputsOf("acme"), [
        "__provider",
        "authoritative",
        "organizationId",
        "privateMetadata",
      ]);
      const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
      assert.deepEqual(await value(user!.publicMetadata), { beta: true });
      assert.equal(await value(user!.privateMetadata), undefined);
      assert.equal(await value(user!.unsafeMetadata), undefined);
      assert.equal(await value(user!.authoritative), false);
      assert.equal(await value(whole!.authoritative), true);
      assert.equal(await value(whole!.publicMetadata), undefined);
    });

    it("resolves an Output nested anywhere inside a metadata object", async () => {
      const [user] = await register(() => [
        new UserMetadata("alexis", {
          userId: pulumi.output("user_1"),
          publicMetadata: { limits: { seats: pulumi.output(25) }, tags: [pulumi.output("a"), "b"] },
        }),
      ]);
      assert.equal(user.inputs.userId, "user_1");
      assert.deepEqual(user.inputs.publicMetadata, { limits: { seats: 25 }, tags: ["a", "b"] });
    });

    it("registers both resources of a leaf conflict, each carrying the conflict to check in its __provider", async () => {
      const registered = await register(() => [
        new OrganizationMetadata("acme", { organizationId: "org_1", publicMetadata: { plan: "pro" } }),
        new OrganizationMetadata("billing", { organizationId: "org_1", publicMetadata: { plan: "team" } }),
        new OrganizationMetadata("other", { organizationId: "org_2", publicMetadata: { plan: "team" } }),
      ]);
      const errors = Object.fromEntries(
        registered.map((r) => [r.name, declarationErrorOf(r.inputs.__provider)]),
      );
      assert.match(
        String(errors.acme),
        /"acme" and OrganizationMetadata "billing" both declare publicMetadata\.plan/,
      );
      assert.match(
        String(errors.billing),
        /"billing" and OrganizationMetadata "acme" both declare publicMetadata\.plan/,
      );
      assert.equal(errors.other, undefined);
    });

    it("registers a resource whose input Output rejects, carrying the failure to check instead of leaving it unregistered", async () => {
      const failed = pulumi.output(Promise.reject(new Error("Clerk answered 500")));
      const registered = await register(() => [
        new OrganizationMetadata("acme", {
          organizationId: failed as pulumi.Output<string>,
          publicMetadata: { plan: "pro" },
        }),
      ]);
      assert.equal(registered.length, 1);
      assert.equal(
        declarationErrorOf(registered[0]!.inputs.__provider),
        "organizationId: Clerk answered 500",
      );
      assert.equal(registered[0]!.inputs.organizationId, undefined);
    });

    it("registers only the declared inputs and __provider, with no failure in it, when nothing failed", async () => {
      const registered = await register(() => [
        new OrganizationMembershipMetadata("seat", {
          organizationId: "org_1",
          userId: pulumi.output("user_1"),
          publicMetadata: { seat: 1 },
        }),
      ]);
      const [seat] = registered;
      assert.deepEqual(Object.keys(seat!.inputs).sort(), [
        "__provider",
        "organizationId",
        "publicMetadata",
        "userId",
      ]);
      assert.match(String(seat!.inputs.__provider), /exports\.handler/);
      assert.equal(declarationErrorOf(seat!.inputs.__provider), undefined);
    });

    it("registers a known __provider during preview while an input is still unknown", async () => {
      const unknown = new (pulumi.Output as unknown as new (...args: unknown[]) => pulumi.Output<string>)(
        new Set(),
        Promise.resolve(undefined),
        Promise.resolve(false),
        Promise.resolve(false),
        Promise.resolve(new Set()),
      );
      const registered = await register(
        () => [new UserMetadata("later", { userId: unknown, publicMetadata: { plan: "pro" } })],
        true,
      );
      const provider = registered[0]!.inputs.__provider;
      assert.equal(typeof provider, "string");
      assert.match(String(provider), /exports\.handler/);
      assert.equal(declarationErrorOf(provider), undefined);
    });

    it("serializes a provider that holds no secret, no private metadata and no Clerk client", async () => {
      const canary = "sk_test_registrationCanary0123456789";
      const saved = process.env.CLERK_SECRET_KEY;
      process.env.CLERK_SECRET_KEY = canary;
      pulumi.runtime.setAllConfig({ "clerk:secretKey": canary }, ["clerk:secretKey"]);
      let provider: string;
      try {
        const [user] = await register(() => [
          new UserMetadata("alexis", { userId: "user_1", privateMetadata: { billingId: "cus_private_771" } }),
        ]);
        provider = user.inputs.__provider as string;
      } finally {
        pulumi.runtime.setAllConfig({}, []);
        if (saved === undefined) delete process.env.CLERK_SECRET_KEY;
        else process.env.CLERK_SECRET_KEY = saved;
      }
      assert.ok(!provider.includes("cus_private_771"));
      assert.ok(!provider.includes(canary));
      for (const sdkInternal of ["AbstractAPI", "joinPaths", "buildRequest"]) {
        assert.ok(!provider.includes(sdkInternal), `a Clerk client was captured (${sdkInternal})`);
      }
    });
  });

  describe("stack config", () => {
    it("fails the program when clerk:secretKey is set in plain text, with the command that fixes it", () => {
      pulumi.runtime.setAllConfig({ "clerk:secretKey": "sk_test_plainTextCanary0123456789" }, []);
      try {
        assert.throws(
          () => new UserMetadata("alexis", { userId: "user_1", publicMetadata: { plan: "pro" } }),
          (error: Error) => {
            assert.equal(error.name, "InvalidDeclarationError");
            assert.match(error.message, /clerk:secretKey is set in plain text/);
            assert.match(error.message, /pulumi config set --secret clerk:secretKey <key>/);
            assert.doesNotMatch(error.message, /plainTextCanary/);
            return true;
          },
        );
      } finally {
        pulumi.runtime.setAllConfig({}, []);
      }
    });

    it("accepts clerk:secretKey set as a secret, and no key at all", async () => {
      pulumi.runtime.setAllConfig({ "clerk:secretKey": "sk_test_secretCanary0123456789" }, [
        "clerk:secretKey",
      ]);
      try {
        const registered = await register(() => [new UserMetadata("alexis", { userId: "user_1" })]);
        assert.equal(registered.length, 1);
      } finally {
        pulumi.runtime.setAllConfig({}, []);
      }
      assert.equal((await register(() => [new UserMetadata("sam", { userId: "user_2" })])).length, 1);
    });
  });

  describe("types", () => {
    it("type-checks declarations against a caller's own metadata type", async () => {
      interface Plan {
        plan: "free" | "pro";
        limits?: { seats: number };
      }
      const registered = await register(() => [
        new OrganizationMetadata<Plan>("typed", { organizationId: "org_1", publicMetadata: { plan: "pro" } }),
        new OrganizationMetadata<Plan>("wrong", {
          organizationId: "org_2",
          // @ts-expect-error "gold" is not a plan: the generic parameter checks the declaration.
          publicMetadata: { plan: "gold" },
        }),
      ]);
      assert.equal(registered.length, 2);
    });
  });
});
