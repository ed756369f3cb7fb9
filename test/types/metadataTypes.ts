/**
 * Type tests of the resources' metadata arguments. Nothing here runs: `npm run typecheck` compiles
 * this file (tsconfig.json includes `test/**`), and each `// @ts-expect-error` line must be a
 * compile error for the check to pass.
 *
 * The global augmentation below types a few keys the way an app types Clerk's global interfaces.
 * It applies to the whole program, so its key names are ones no other file uses.
 */
import * as pulumi from "@pulumi/pulumi";
import * as clerk from "../../provider";

declare global {
  interface UserPublicMetadata {
    typesSpecPlan?: "free" | "pro";
    typesSpecFlags?: { beta: boolean; tags?: string[] };
  }
  interface UserPrivateMetadata {
    typesSpecBillingId?: string;
  }
  interface OrganizationPublicMetadata {
    typesSpecSeats?: number;
  }
  interface OrganizationMembershipPublicMetadata {
    typesSpecRole?: "admin" | "member";
  }
}

const userId = "user_2ZUtbk2yvnFGItdeze1ivCh3uqh";
const organizationId = "org_2ZUtbk2yvnFGItdeze1ivCh3uqh";

/** Declarations that must compile. */
export function accepted(): void {
  // A declared key with a declared value, beside keys the interface does not name (any JSON).
  new clerk.UserMetadata("plan", { userId, publicMetadata: { typesSpecPlan: "pro", theme: "dark" } });
  // Outputs and promises of any JSON type, at any depth, `boolean` included.
  const beta: pulumi.Output<boolean> = pulumi.output(true);
  new clerk.UserMetadata("outputs", {
    userId: pulumi.output(userId),
    publicMetadata: {
      typesSpecPlan: pulumi.output<"free" | "pro">("free"),
      typesSpecFlags: { beta, tags: pulumi.output(["a", "b"]) },
      other: {
        deep: { flag: pulumi.output(false), list: [pulumi.output(1), null, { x: Promise.resolve("y") }] },
      },
    },
    privateMetadata: pulumi.secret({ typesSpecBillingId: "cus_123" }),
    unsafeMetadata: pulumi.output({ anything: [1, "two", { three: true }] }),
    authoritative: pulumi.output(false),
  });
  // A whole field as an Output of a plain object.
  new clerk.UserMetadata("whole", {
    userId,
    publicMetadata: pulumi.output({ typesSpecFlags: { beta: true } }),
  });
  // A value typed by Clerk's own interface (what Clerk's SDK returns) is accepted as it is.
  const fromClerk: UserPublicMetadata = { typesSpecPlan: "free", other: 1 };
  new clerk.UserMetadata("copy", { userId, publicMetadata: fromClerk });
  // `null` means "must be absent" for an undeclared key.
  new clerk.UserMetadata("absent", { userId, publicMetadata: { legacy: null } });
  new clerk.OrganizationMetadata("org", {
    organizationId,
    publicMetadata: { typesSpecSeats: pulumi.output(25), limits: { projects: 2 } },
    privateMetadata: { billingId: "cus_123" },
  });
  new clerk.OrganizationMembershipMetadata("member", {
    organizationId,
    userId,
    publicMetadata: { typesSpecRole: "admin" },
    privateMetadata: { notes: ["x"] },
  });
  // An explicit type argument replaces the global interface.
  interface Explicit {
    tier: "gold" | "silver";
  }
  new clerk.UserMetadata<Explicit>("explicit", {
    userId,
    publicMetadata: { tier: pulumi.output<"gold" | "silver">("gold") },
  });
  // `DeepInput` of a boolean takes an `Output<boolean>` (it does not split `boolean` into `true | false`).
  const flag: clerk.DeepInput<boolean> = beta;
  const flags: clerk.DeepInput<{ beta: boolean; list?: boolean[] }> = {
    beta,
    list: [beta, pulumi.output(false)],
  };
  void [flag, flags];
  interface ExplicitFlags {
    enabled: boolean;
  }
  new clerk.OrganizationMetadata<ExplicitFlags>("flags", {
    organizationId,
    publicMetadata: { enabled: beta },
  });
  // The output is typed by the same interface.
  const typed: pulumi.Output<"free" | "pro" | undefined> = new clerk.UserMetadata("out", {
    userId,
  }).publicMetadata.apply((m) => m?.typesSpecPlan);
  void typed;
}

/** Declarations that must not compile. */
export function rejected(): void {
  // A value outside the declared type is not widened into a new type argument.
  // @ts-expect-error "gold" is not a UserPublicMetadata plan
  new clerk.UserMetadata("gold", { userId, publicMetadata: { typesSpecPlan: "gold" } });
  // @ts-expect-error nested declared keys are checked too
  new clerk.UserMetadata("nested", { userId, publicMetadata: { typesSpecFlags: { beta: "yes" } } });
  // @ts-expect-error an Output of the wrong type is rejected like the value itself
  new clerk.UserMetadata("output", { userId, publicMetadata: { typesSpecPlan: pulumi.output("gold") } });
  // @ts-expect-error a metadata field must be an object
  new clerk.UserMetadata("number", { userId, publicMetadata: 5 });
  // @ts-expect-error a metadata field must be an object
  new clerk.UserMetadata("string", { userId, privateMetadata: "not an object" });
  // @ts-expect-error a metadata field must be an object, not an array
  new clerk.UserMetadata("array", { userId, unsafeMetadata: [1, 2] });
  // @ts-expect-error an Output of a non-object is no field either
  new clerk.OrganizationMetadata("output-number", { organizationId, publicMetadata: pulumi.output(5) });
  // @ts-expect-error a declared number is not a string
  new clerk.OrganizationMetadata("seats", { organizationId, publicMetadata: { typesSpecSeats: "25" } });
  new clerk.OrganizationMembershipMetadata("role", {
    organizationId,
    userId,
    // @ts-expect-error "owner" is not a declared membership role
    publicMetadata: { typesSpecRole: "owner" },
  });
  interface Explicit {
    tier: "gold" | "silver";
  }
  // @ts-expect-error an explicit type argument is checked as well
  new clerk.UserMetadata<Explicit>("explicit", { userId, publicMetadata: { tier: "bronze" } });
  // @ts-expect-error a type argument must be an object type
  new clerk.UserMetadata<string>("not-object", { userId });
  // @ts-expect-error ids are strings
  new clerk.UserMetadata("id", { userId: 5 });
}
