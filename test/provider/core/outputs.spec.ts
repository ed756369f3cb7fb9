import assert from "node:assert/strict";
import { kinds } from "../../../provider/core/kinds";
import {
  buildOutputs,
  declaredFields,
  idsOf,
  ownershipOfInputs,
  ownershipOfOutputs,
} from "../../../provider/core/outputs";

describe("state", () => {
  describe("declaredFields", () => {
    it("lists the declared metadata fields of the kind, in the kind's order", () => {
      assert.deepEqual(
        declaredFields(kinds.user, { userId: "user_1", unsafeMetadata: {}, publicMetadata: { a: 1 } }),
        ["publicMetadata", "unsafeMetadata"],
      );
    });

    it("ignores a field the kind does not have", () => {
      assert.deepEqual(
        declaredFields(kinds.organization, { organizationId: "org_1", unsafeMetadata: { a: 1 } }),
        [],
      );
    });
  });

  describe("ownershipOfInputs", () => {
    it("records one ownership tree per declared field, empty ones included", () => {
      assert.deepEqual(
        ownershipOfInputs(kinds.user, {
          userId: "user_1",
          publicMetadata: { plan: "pro", legacy: null },
          privateMetadata: {},
        }),
        { publicMetadata: { plan: "set", legacy: "absent" }, privateMetadata: {} },
      );
    });
  });

  describe("idsOf", () => {
    it("keeps only the kind's identity inputs", () => {
      assert.deepEqual(idsOf(kinds.organizationMembership, { organizationId: "org_1", userId: "user_2" }), {
        organizationId: "org_1",
        userId: "user_2",
      });
      assert.deepEqual(idsOf(kinds.user, { userId: "user_1", organizationId: "org_1" }), {
        userId: "user_1",
      });
    });
  });

  describe("buildOutputs", () => {
    const inputs = { userId: "user_1", publicMetadata: { plan: "pro", legacy: null } };
    const ownership = ownershipOfInputs(kinds.user, inputs);

    it("projects each owned field onto its owned paths and omits undeclared fields", () => {
      const outputs = buildOutputs(kinds.user, { userId: "user_1" }, false, ownership, {
        publicMetadata: { plan: "free", zz: 1 },
        privateMetadata: { secret: 1 },
      });
      assert.deepEqual(outputs, {
        userId: "user_1",
        authoritative: false,
        publicMetadata: { plan: "free", legacy: null },
      });
    });

    it("stores no ownership when the projected fields imply it, and reads it back from them", () => {
      const outputs = buildOutputs(kinds.user, { userId: "user_1" }, undefined, ownership, {
        publicMetadata: { plan: "pro" },
      });
      assert.deepEqual(outputs, { userId: "user_1", publicMetadata: { plan: "pro", legacy: null } });
      assert.deepEqual(ownershipOfOutputs(kinds.user, outputs), ownership);
    });

    it("stores the ownership when Clerk holds nothing, so a vanished key stays owned", () => {
      const outputs = buildOutputs(kinds.user, { userId: "user_1" }, false, ownership, {});
      assert.deepEqual(outputs.ownership, ownership);
      assert.deepEqual(outputs.publicMetadata, { legacy: null });
      assert.deepEqual(ownershipOfOutputs(kinds.user, outputs), ownership);
    });

    it("stores the ownership when a key declared absent is held again", () => {
      const outputs = buildOutputs(kinds.user, { userId: "user_1" }, false, ownership, {
        publicMetadata: { plan: "pro", legacy: "back" },
      });
      assert.deepEqual(ownershipOfOutputs(kinds.user, outputs), ownership);
    });

    it("stores the ownership when an owned leaf now holds an object", () => {
      const outputs = buildOutputs(kinds.user, { userId: "user_1" }, false, ownership, {
        publicMetadata: { plan: { tier: "pro" } },
      });
      assert.deepEqual(outputs.publicMetadata, { plan: { tier: "pro" }, legacy: null });
      assert.deepEqual(ownershipOfOutputs(kinds.user, outputs), ownership);
    });

    it("records an empty declared field as owning nothing, with no stored ownership", () => {
      const outputs = buildOutputs(
        kinds.user,
        { userId: "user_1" },
        undefined,
        { privateMetadata: {} },
        {
          privateMetadata: { app: 1 },
        },
      );
      assert.deepEqual(outputs, { userId: "user_1", privateMetadata: {} });
      assert.deepEqual(ownershipOfOutputs(kinds.user, outputs), { privateMetadata: {} });
    });

    it("keeps the whole field when authoritative", () => {
      const outputs = buildOutputs(kinds.user, { userId: "user_1" }, true, ownership, {
        publicMetadata: { plan: "pro", zz: 1 },
      });
      assert.deepEqual(outputs.publicMetadata, { plan: "pro", zz: 1 });
      assert.equal(outputs.authoritative, true);
    });
  });
});
