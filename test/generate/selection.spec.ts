import assert from "node:assert/strict";
import type { InstanceSnapshot } from "../../provider/generate/entities";
import { uniqueNames } from "../../provider/generate/names";
import { parseFieldPath, projectField, selectionOf } from "../../provider/generate/paths";
import { selectDeclarations, type SelectionRequest } from "../../provider/generate/select";

/** Two organizations (one without a slug), two users, two memberships. */
function snapshot(): InstanceSnapshot {
  return {
    organizations: [
      {
        id: "org_1",
        slug: "acme",
        publicMetadata: { plan: "pro", limits: { seats: 5, appLimit: 2 } },
        privateMetadata: { billing: { id: "cus_1", day: 3 } },
      },
      { id: "org_2", slug: null, publicMetadata: {}, privateMetadata: { secret: true } },
    ],
    users: [
      {
        id: "user_1",
        publicMetadata: { role: "admin" },
        privateMetadata: {},
        unsafeMetadata: { theme: "dark" },
      },
      { id: "user_2", publicMetadata: {}, privateMetadata: {}, unsafeMetadata: {} },
    ],
    memberships: [
      {
        organizationId: "org_1",
        organizationSlug: "acme",
        userId: "user_1",
        publicMetadata: { seat: 1 },
        privateMetadata: {},
      },
      {
        organizationId: "org_2",
        organizationSlug: null,
        userId: "user_1",
        publicMetadata: { seat: 2 },
        privateMetadata: { n: 1 },
      },
    ],
  };
}

const everything: SelectionRequest = { paths: selectionOf([]), private: "omit" };

describe("selecting declarations from what was read", () => {
  it("declares each entity's non-empty fields whole, skips entities with nothing, and names resources by slug, id and both", () => {
    const { declarations, omittedPrivate, considered } = selectDeclarations(snapshot(), everything);
    assert.deepStrictEqual(declarations, {
      organizations: [
        {
          name: "acme",
          organizationId: "org_1",
          slug: "acme",
          publicMetadata: { plan: "pro", limits: { seats: 5, appLimit: 2 } },
        },
      ],
      users: [
        {
          name: "user_1",
          userId: "user_1",
          publicMetadata: { role: "admin" },
          unsafeMetadata: { theme: "dark" },
        },
      ],
      memberships: [
        { name: "acme-user_1", organizationId: "org_1", userId: "user_1", publicMetadata: { seat: 1 } },
        { name: "org_2-user_1", organizationId: "org_2", userId: "user_1", publicMetadata: { seat: 2 } },
      ],
    });
    assert.deepEqual(omittedPrivate, { entities: 3, keys: 4 });
    assert.deepEqual(considered, { organizations: 2, users: 2, memberships: 2 });
  });

  it("with private config, returns each entity's private metadata under a key made of its ids, and names it in the entry", () => {
    const result = selectDeclarations(snapshot(), { ...everything, private: "config" });
    assert.deepStrictEqual(result.privateValues, [
      { key: "org_1", value: { billing: { id: "cus_1", day: 3 } } },
      { key: "org_2", value: { secret: true } },
      { key: "org_2-user_1", value: { n: 1 } },
    ]);
    assert.deepStrictEqual(result.declarations.organizations[1], {
      name: "org_2",
      organizationId: "org_2",
      privateMetadataConfig: "org_2",
    });
    assert.equal(result.declarations.memberships[1].privateMetadataConfig, "org_2-user_1");
    assert.deepEqual(result.omittedPrivate, { entities: 0, keys: 0 });
    assert.ok(!JSON.stringify(result.declarations).includes("cus_1"));
  });

  it("takes only the chosen subtrees, and ignores a field the kind lacks", () => {
    const paths = selectionOf(
      ["publicMetadata.limits.seats", "privateMetadata.billing.id", "unsafeMetadata"].map(
        (text) => parseFieldPath(text) as Exclude<ReturnType<typeof parseFieldPath>, string>,
      ),
    );
    const result = selectDeclarations(snapshot(), { paths, private: "config" });
    assert.deepStrictEqual(result.declarations.organizations, [
      {
        name: "acme",
        organizationId: "org_1",
        slug: "acme",
        publicMetadata: { limits: { seats: 5 } },
        privateMetadataConfig: "org_1",
      },
    ]);
    assert.deepStrictEqual(result.privateValues, [{ key: "org_1", value: { billing: { id: "cus_1" } } }]);
    assert.deepStrictEqual(result.declarations.users, [
      { name: "user_1", userId: "user_1", unsafeMetadata: { theme: "dark" } },
    ]);
    assert.deepStrictEqual(result.declarations.memberships, []);
  });

  it("keeps only the organizations and users the filters name, and memberships of both", () => {
    const result = selectDeclarations(snapshot(), {
      ...everything,
      organizationIds: new Set(["org_2"]),
      userIds: new Set(["user_1"]),
    });
    assert.deepEqual(result.declarations.organizations, []);
    assert.deepEqual(
      result.declarations.users.map((u) => u.name),
      ["user_1"],
    );
    assert.deepEqual(
      result.declarations.memberships.map((m) => m.name),
      ["org_2-user_1"],
    );
    assert.deepEqual(result.considered, { organizations: 1, users: 1, memberships: 1 });
  });

  it("refuses a value the resources' check would refuse, naming the entity and the path", () => {
    const big = snapshot();
    big.users[0].publicMetadata = { notes: "x".repeat(9000) };
    assert.throws(
      () => selectDeclarations(big, everything),
      /^GenerateError: user user_1: publicMetadata is \d+ bytes of JSON, over this provider's check of at most 8192 bytes per field.*; narrow --path to leave it out$/,
    );
  });

  describe("resource names", () => {
    it("are the preferred names when unique, and <preferred>-<key> for those that share one, in any order", () => {
      const requests = [
        { key: "org_b", preferred: "same" },
        { key: "org_a", preferred: "same" },
        { key: "org_c", preferred: "other" },
      ];
      const names = uniqueNames(requests);
      assert.deepEqual(Object.fromEntries(names), {
        org_a: "same-org_a",
        org_b: "same-org_b",
        org_c: "other",
      });
      assert.deepEqual(uniqueNames([...requests].reverse()), names);
    });

    it("stay unique when a fallback name is also someone's preferred name", () => {
      const names = uniqueNames([
        { key: "k1", preferred: "x" },
        { key: "k2", preferred: "x" },
        { key: "k3", preferred: "x-k1" },
      ]);
      assert.equal(new Set(names.values()).size, 3);
      assert.equal(names.get("k3"), "x-k1");
      assert.equal(names.get("k1"), "x-k1-2");
    });
  });

  describe("--path values", () => {
    it("read a field and keys written with dots or as JSON strings in brackets", () => {
      assert.deepEqual(parseFieldPath("privateMetadata"), { field: "privateMetadata", path: [] });
      assert.deepEqual(parseFieldPath('publicMetadata.limits["a.b"].c'), {
        field: "publicMetadata",
        path: ["limits", "a.b", "c"],
      });
      assert.match(
        parseFieldPath("metadata.plan") as string,
        /must be one of publicMetadata, privateMetadata, unsafeMetadata/,
      );
      assert.match(
        parseFieldPath("publicMetadata..plan") as string,
        /expected \.KEY or \["KEY"\] at "\.\.plan"/,
      );
    });

    it("select a subtree once, whatever else inside it was chosen", () => {
      const plan = { field: "publicMetadata" as const, path: ["plan"] };
      const whole = { field: "publicMetadata" as const, path: [] };
      assert.deepEqual(selectionOf([plan, whole, plan]), { publicMetadata: [[]] });
      assert.deepEqual(selectionOf([plan, plan]), { publicMetadata: [["plan"]] });
    });

    it("project what Clerk holds at the paths, leaving out a path it does not hold", () => {
      const held = { plan: "pro", limits: { seats: 5, extra: [1] }, gone: null };
      assert.deepEqual(projectField(held, [["limits"], ["missing", "x"], ["gone"]]), {
        limits: { seats: 5, extra: [1] },
        gone: null,
      });
      assert.deepEqual(projectField(held, [["plan", "deeper"]]), {});
    });
  });
});
