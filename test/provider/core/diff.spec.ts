import assert from "node:assert/strict";
import { diffResource } from "../../../provider/core/diff";
import type { JsonObject } from "../../../provider/core/json";
import { unknownValue } from "../../../provider/core/json";
import { kinds, type KindSpec } from "../../../provider/core/kinds";
import {
  buildOutputs,
  idsOf,
  ownershipOfInputs,
  type MetadataInputs,
  type MetadataOutputs,
} from "../../../provider/core/outputs";

/** The outputs a resource holds after applying `inputs` to an entity that holds `remote` (foreign keys included). */
function outputsAfter(
  spec: KindSpec,
  inputs: MetadataInputs,
  remote: Partial<Record<"publicMetadata" | "privateMetadata" | "unsafeMetadata", JsonObject>>,
) {
  return buildOutputs(
    spec,
    idsOf(spec, inputs),
    inputs.authoritative ?? false,
    ownershipOfInputs(spec, inputs),
    remote,
  );
}

const userInputs: MetadataInputs = {
  userId: "user_1",
  publicMetadata: {
    plan: "pro",
    limits: { seats: 5, features: { sso: true, audit: false } },
    tags: ["a", "b"],
  },
  privateMetadata: { billing: { customer: "cus_1" } },
};
const userRemote = {
  publicMetadata: {
    plan: "pro",
    limits: { seats: 5, features: { sso: true, audit: false }, zz: 1 },
    tags: ["a", "b"],
    zz: "foreign",
  },
  privateMetadata: { billing: { customer: "cus_1" }, internal: true },
  unsafeMetadata: { theme: "dark" },
};

const unchanged = { changes: false, replaces: [] };

describe("diff", () => {
  describe("diffResource", () => {
    it("reports no change for unchanged inputs", () => {
      assert.deepEqual(
        diffResource(kinds.user, outputsAfter(kinds.user, userInputs, userRemote), userInputs),
        unchanged,
      );
    });

    it("never lets key order make a diff, at any depth", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      const reordered: MetadataInputs = {
        privateMetadata: { billing: { customer: "cus_1" } },
        publicMetadata: {
          tags: ["a", "b"],
          limits: { features: { audit: false, sso: true }, seats: 5 },
          plan: "pro",
        },
        userId: "user_1",
      };
      assert.deepEqual(diffResource(kinds.user, olds, reordered), unchanged);
    });

    it("never lets a foreign key show (outputs hold only owned paths)", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      assert.equal(JSON.stringify(olds).includes("zz"), false);
      assert.equal(JSON.stringify(olds).includes("internal"), false);
      assert.deepEqual(diffResource(kinds.user, olds, userInputs), unchanged);
    });

    it("ignores __provider in inputs and outputs", () => {
      const olds = {
        ...outputsAfter(kinds.user, userInputs, userRemote),
        __provider: "old serialized provider",
      };
      const news = { ...userInputs, __provider: "new serialized provider" } as MetadataInputs;
      assert.deepEqual(diffResource(kinds.user, olds, news), unchanged);
    });

    it("replaces on a changed userId", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      assert.deepEqual(diffResource(kinds.user, olds, { ...userInputs, userId: "user_2" }), {
        changes: true,
        replaces: ["userId"],
      });
    });

    it("replaces on a changed organizationId", () => {
      const inputs = { organizationId: "org_1", publicMetadata: { plan: "pro" } };
      const olds = outputsAfter(kinds.organization, inputs, { publicMetadata: { plan: "pro" } });
      assert.deepEqual(diffResource(kinds.organization, olds, { ...inputs, organizationId: "org_2" }), {
        changes: true,
        replaces: ["organizationId"],
      });
    });

    it("replaces a membership on either id", () => {
      const inputs = { organizationId: "org_1", userId: "user_1", publicMetadata: { role: "x" } };
      const olds = outputsAfter(kinds.organizationMembership, inputs, { publicMetadata: { role: "x" } });
      assert.deepEqual(diffResource(kinds.organizationMembership, olds, inputs), unchanged);
      assert.deepEqual(diffResource(kinds.organizationMembership, olds, { ...inputs, userId: "user_2" }), {
        changes: true,
        replaces: ["userId"],
      });
      assert.deepEqual(
        diffResource(kinds.organizationMembership, olds, { ...inputs, organizationId: "org_9" }),
        {
          changes: true,
          replaces: ["organizationId"],
        },
      );
    });

    it("reports a change, not a replacement, for an unknown metadata field", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      const news = { ...userInputs, publicMetadata: unknownValue as unknown as JsonObject };
      assert.deepEqual(diffResource(kinds.user, olds, news), { changes: true, replaces: [] });
    });

    it("reports a change for an unknown value nested inside metadata", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      const news = {
        ...userInputs,
        publicMetadata: { ...userInputs.publicMetadata, limits: { seats: unknownValue, features: {} } },
      };
      assert.deepEqual(diffResource(kinds.user, olds, news), { changes: true, replaces: [] });
      const inArray = {
        ...userInputs,
        publicMetadata: { ...userInputs.publicMetadata, tags: ["a", unknownValue] },
      };
      assert.deepEqual(diffResource(kinds.user, olds, inArray), { changes: true, replaces: [] });
    });

    it("replaces on an unknown id", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      assert.deepEqual(diffResource(kinds.user, olds, { ...userInputs, userId: unknownValue }), {
        changes: true,
        replaces: ["userId"],
      });
    });

    it("reports a change for an unknown authoritative", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      const news = { ...userInputs, authoritative: unknownValue as unknown as boolean };
      assert.deepEqual(diffResource(kinds.user, olds, news), { changes: true, replaces: [] });
    });

    it("reports a change for a newly declared null leaf (ownership changes) even when Clerk lacks the key", () => {
      const inputs = { userId: "user_1", publicMetadata: { plan: "pro" } };
      const olds = outputsAfter(kinds.user, inputs, { publicMetadata: { plan: "pro" } });
      const news = { userId: "user_1", publicMetadata: { plan: "pro", legacy: null } };
      assert.deepEqual(diffResource(kinds.user, olds, news), { changes: true, replaces: [] });
    });

    it("reports no change for a declared null leaf that Clerk lacks", () => {
      const inputs = { userId: "user_1", publicMetadata: { plan: "pro", legacy: null } };
      const olds = outputsAfter(kinds.user, inputs, { publicMetadata: { plan: "pro" } });
      assert.deepEqual(olds.publicMetadata, { plan: "pro", legacy: null });
      assert.deepEqual(diffResource(kinds.user, olds, inputs), unchanged);
    });

    it("reports drift when a declared null key reappears in Clerk", () => {
      const inputs = { userId: "user_1", publicMetadata: { legacy: null } };
      const olds = outputsAfter(kinds.user, inputs, { publicMetadata: { legacy: "back" } });
      assert.deepEqual(diffResource(kinds.user, olds, inputs), { changes: true, replaces: [] });
    });

    it("reports drift when an owned leaf holds another value at any depth", () => {
      const drifted = structuredClone(userRemote);
      drifted.publicMetadata.limits.features.sso = false;
      const olds = outputsAfter(kinds.user, userInputs, drifted);
      assert.deepEqual(diffResource(kinds.user, olds, userInputs), { changes: true, replaces: [] });
    });

    it("reports drift when an owned leaf vanished from Clerk", () => {
      const drifted = structuredClone(userRemote);
      const { plan: _plan, ...rest } = drifted.publicMetadata;
      drifted.publicMetadata = rest as typeof drifted.publicMetadata;
      const olds = outputsAfter(kinds.user, userInputs, drifted);
      assert.deepEqual(olds.ownership, ownershipOfInputs(kinds.user, userInputs));
      assert.deepEqual(diffResource(kinds.user, olds, userInputs), { changes: true, replaces: [] });
    });

    it("reports drift when an owned leaf became an object in Clerk", () => {
      const inputs = { userId: "user_1", publicMetadata: { feature: true } };
      const olds = outputsAfter(kinds.user, inputs, { publicMetadata: { feature: { enabled: true } } });
      assert.deepEqual(diffResource(kinds.user, olds, inputs), { changes: true, replaces: [] });
    });

    it("reports a change for a changed array, its order included", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      const reordered = { ...userInputs, publicMetadata: { ...userInputs.publicMetadata, tags: ["b", "a"] } };
      assert.deepEqual(diffResource(kinds.user, olds, reordered), { changes: true, replaces: [] });
    });

    it("reports a change for a removed leaf, a removed field and an added field", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      const removedLeaf = { ...userInputs, publicMetadata: { plan: "pro", tags: ["a", "b"] } };
      assert.equal(diffResource(kinds.user, olds, removedLeaf).changes, true);
      const removedField = { userId: "user_1", publicMetadata: userInputs.publicMetadata };
      assert.equal(diffResource(kinds.user, olds, removedField).changes, true);
      const addedField = { ...userInputs, unsafeMetadata: {} };
      assert.equal(diffResource(kinds.user, olds, addedField).changes, true);
    });

    it("treats a missing authoritative as false", () => {
      const olds = outputsAfter(kinds.user, { ...userInputs, authoritative: false }, userRemote);
      assert.deepEqual(diffResource(kinds.user, olds, userInputs), unchanged);
    });

    it("reports a change when authoritative is switched on", () => {
      const olds = outputsAfter(kinds.user, userInputs, userRemote);
      assert.deepEqual(diffResource(kinds.user, olds, { ...userInputs, authoritative: true }), {
        changes: true,
        replaces: [],
      });
    });

    describe("authoritative", () => {
      const inputs: MetadataInputs = {
        organizationId: "org_1",
        authoritative: true,
        publicMetadata: { plan: "pro", limits: { seats: 5 }, legacy: null },
      };

      it("reports no change when the whole field equals the declaration without its nulls", () => {
        const olds = outputsAfter(kinds.organization, inputs, {
          publicMetadata: { limits: { seats: 5 }, plan: "pro" },
        });
        assert.deepEqual(diffResource(kinds.organization, olds, inputs), unchanged);
      });

      it("reports a change for any key nobody declared, at any depth", () => {
        const top = outputsAfter(kinds.organization, inputs, {
          publicMetadata: { plan: "pro", limits: { seats: 5 }, zz: 1 },
        });
        assert.equal(diffResource(kinds.organization, top, inputs).changes, true);
        const deep = outputsAfter(kinds.organization, inputs, {
          publicMetadata: { plan: "pro", limits: { seats: 5, zz: 1 } },
        });
        assert.equal(diffResource(kinds.organization, deep, inputs).changes, true);
      });

      it("reports a change for a missing key", () => {
        const olds = outputsAfter(kinds.organization, inputs, { publicMetadata: { plan: "pro" } });
        assert.equal(diffResource(kinds.organization, olds, inputs).changes, true);
      });
    });
  });

  it("decides the same from ownership its outputs imply as from the same ownership recorded", () => {
    const helds: JsonObject[] = [
      { plan: "pro", limits: { seats: 5 } },
      { plan: "pro", limits: { seats: 5 }, legacy: null },
      { plan: "pro", limits: {} },
      { plan: "pro", limits: { seats: { n: 5 } } },
      { plan: "pro", tags: ["a"], empty: {} },
      { plan: null, limits: { seats: 5, extra: {} } },
      {},
    ];
    const declarations: JsonObject[] = [
      { plan: "pro", limits: { seats: 5 } },
      { plan: "pro", limits: { seats: 5 }, legacy: null },
      { plan: "pro", limits: {} },
      { plan: "pro" },
      { plan: "pro", tags: ["a"], empty: {} },
      { limits: { seats: null } },
      { plan: null, limits: { seats: 5, extra: { deep: null } } },
      { plan: "pro", limits: { seats: unknownValue } },
      { plan: "pro", tags: ["a", unknownValue] },
      {},
    ];
    for (const held of helds)
      for (const declared of declarations) {
        const implied = { userId: "user_1", publicMetadata: held } as MetadataOutputs;
        const recorded = { ...implied, ownership: ownershipOfInputs(kinds.user, implied) } as MetadataOutputs;
        const news = { userId: "user_1", publicMetadata: declared };
        assert.deepEqual(
          diffResource(kinds.user, implied, news),
          diffResource(kinds.user, recorded, news),
          `${JSON.stringify(held)} / ${JSON.stringify(declared)}`,
        );
      }
  });
});
