/**
 * The program shape of the large-stack and refresh-cost sections: N resources of the three kinds,
 * 40 % `UserMetadata`, 10 % `OrganizationMetadata` and 50 % `OrganizationMembershipMetadata`
 * (the members of the first five organizations), declared in that order as loops would. At
 * N = 1,000: 400 users, 100 organizations, 500 memberships of 5 organizations (100 each).
 *
 * The same declarations can be made with the package's classes or with the no-op provider
 * (`noopProvider.ts`), so both stacks have the same resources with the same inputs.
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { SeedData } from "../emulator";
import { noopPackage } from "./noopProvider";
import type { ScratchInstall } from "./packageInstall";

/** The entities of a mixed stack of `size` resources. */
export interface MixedShape {
  size: number;
  users: string[];
  organizations: string[];
  memberships: { organizationId: string; userId: string }[];
}

/** Organizations whose members are declared. */
const memberOrganizations = 5;

/** The shape for `size` resources (at least 10). */
export function mixedShape(size: number): MixedShape {
  const userCount = Math.round(size * 0.4);
  const organizationCount = Math.max(1, Math.round(size * 0.1));
  const membershipCount = size - userCount - organizationCount;
  const users = Array.from({ length: userCount }, (_, i) => `user_mx${String(i).padStart(4, "0")}`);
  const organizations = Array.from(
    { length: organizationCount },
    (_, i) => `org_mx${String(i).padStart(4, "0")}`,
  );
  const groups = Math.min(memberOrganizations, organizationCount);
  const memberships = Array.from({ length: membershipCount }, (_, j) => ({
    organizationId: organizations[j % groups],
    userId: users[Math.floor(j / groups)],
  }));
  return { size, users, organizations, memberships };
}

/** The emulator data a mixed stack needs: every user, organization and membership it declares. */
export function mixedSeed(shape: MixedShape): SeedData {
  return {
    users: shape.users.map((id) => ({ id, first_name: "Bench" })),
    organizations: shape.organizations.map((id) => ({ id, name: id })),
    memberships: shape.memberships.map((m) => ({ organization_id: m.organizationId, user_id: m.userId })),
  };
}

type Resource = new (name: string, args: Record<string, unknown>) => unknown;

/** The three resource classes a program declares with. */
export type ResourceClasses = Record<
  "UserMetadata" | "OrganizationMetadata" | "OrganizationMembershipMetadata",
  Resource
>;

/**
 * Whose classes a program declares with: the package's, as the packed tarball installed them; the
 * no-op provider's plain `pulumi.dynamic.Resource` classes; or the no-op provider's classes that
 * store the package's one-line `__provider` (see `noopProvider.ts`).
 */
export type ClassesName = "package" | "noop" | "noop-one-line";

/** The package's classes, as the packed tarball installed in the scratch program provides them. */
export function packageClasses(scratch: ScratchInstall): ResourceClasses {
  return installedClasses(scratch.dir, "package");
}

/**
 * The classes named `name` from the scratch program in `scratchDir`; for the no-op provider's,
 * `installNoopProvider` must have written its package there first.
 */
export function installedClasses(scratchDir: string, name: ClassesName): ResourceClasses {
  const modules = path.join(scratchDir, "node_modules");
  if (name === "package") return require(path.join(modules, "pulumi-clerk-metadata")) as ResourceClasses;
  const noop = require(path.join(modules, noopPackage)) as ResourceClasses & { oneLine: ResourceClasses };
  return name === "noop" ? noop : noop.oneLine;
}

/**
 * How a program declares the shape's resources. `interleaved`: in three loops, users, then
 * organizations, then memberships alternating between organizations (`j % 5`), registered as the
 * SDK finishes preparing each (which mixes scopes a little). `grouped`: one scope after another
 * (users, organizations, each organization's members), each waiting until the previous one is
 * registered, so the state, the order the engine refreshes in, is grouped by scope.
 */
export type DeclarationOrder = "interleaved" | "grouped";

/** Resolves once every resource is registered (its URN is known): awaited between blocks, it keeps the state in declaration order. */
export function registered(resources: unknown[]): Promise<void> {
  return Promise.all(
    resources.map((r) => new Promise<void>((resolve) => (r as pulumi.Resource).urn.apply(() => resolve()))),
  ).then(() => undefined);
}

/**
 * The program. Each resource owns leaves under `bench.<tag>` (users and memberships in
 * `publicMetadata`, organizations in the secret `privateMetadata`), so stacks with different tags
 * never claim the same leaf.
 */
export function mixedProgram(
  shape: MixedShape,
  classes: ResourceClasses,
  tag: string,
  order: DeclarationOrder = "interleaved",
): () => void | Promise<void> {
  const user = (userId: string, n: number) =>
    new classes.UserMetadata(userId, { userId, publicMetadata: { bench: { [tag]: { n, plan: "pro" } } } });
  const organization = (organizationId: string, n: number) =>
    new classes.OrganizationMetadata(organizationId, {
      organizationId,
      privateMetadata: { bench: { [tag]: { n, crm: `crm_${n}` } } },
    });
  const membership = ({ organizationId, userId }: MixedShape["memberships"][number], n: number) =>
    new classes.OrganizationMembershipMetadata(`${organizationId}-${userId}`, {
      organizationId,
      userId,
      publicMetadata: { bench: { [tag]: { n, seat: n % 7 } } },
    });
  if (order === "interleaved")
    return () => {
      shape.users.forEach(user);
      shape.organizations.forEach(organization);
      shape.memberships.forEach(membership);
    };
  return async () => {
    await registered(shape.users.map(user));
    await registered(shape.organizations.map(organization));
    const numbered = shape.memberships.map((m, n) => ({ m, n }));
    for (const org of new Set(shape.memberships.map((m) => m.organizationId)))
      await registered(
        numbered.filter(({ m }) => m.organizationId === org).map(({ m, n }) => membership(m, n)),
      );
  };
}
