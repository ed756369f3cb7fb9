import assert from "node:assert/strict";
import {
  describeEntity,
  idsFromResourceId,
  isWellFormedId,
  kinds,
  resourceIdOf,
} from "../../../provider/core/kinds";
import { metadataApis } from "../../../provider/clerk/metadataApis";

describe("kinds", () => {
  describe("kinds", () => {
    it("gives users three metadata fields and organizations and memberships two", () => {
      assert.deepEqual(kinds.user.metadataFields, ["publicMetadata", "privateMetadata", "unsafeMetadata"]);
      assert.deepEqual(kinds.organization.metadataFields, ["publicMetadata", "privateMetadata"]);
      assert.deepEqual(kinds.organizationMembership.metadataFields, ["publicMetadata", "privateMetadata"]);
    });

    it("offers replace for users and organizations only", () => {
      assert.equal(typeof metadataApis.user.replace, "function");
      assert.equal(typeof metadataApis.organization.replace, "function");
      assert.equal(metadataApis.organizationMembership.replace, undefined);
    });

    it("never names an identity input id", () => {
      for (const spec of Object.values(kinds)) {
        for (const field of spec.idFields) assert.notEqual(field.name, "id");
      }
    });
  });

  describe("resourceIdOf", () => {
    it("is the user id, the organization id, or org/user for a membership", () => {
      assert.equal(resourceIdOf(kinds.user, { userId: "user_1" }), "user_1");
      assert.equal(resourceIdOf(kinds.organization, { organizationId: "org_1" }), "org_1");
      assert.equal(
        resourceIdOf(kinds.organizationMembership, { organizationId: "org_1", userId: "user_2" }),
        "org_1/user_2",
      );
    });
  });

  describe("idsFromResourceId", () => {
    it("reads back the ids of each kind", () => {
      assert.deepEqual(idsFromResourceId(kinds.user, "user_1"), { userId: "user_1" });
      assert.deepEqual(idsFromResourceId(kinds.organization, "org_1"), { organizationId: "org_1" });
      assert.deepEqual(idsFromResourceId(kinds.organizationMembership, "org_1/user_2"), {
        organizationId: "org_1",
        userId: "user_2",
      });
    });

    it("returns undefined for an id that does not fit the kind", () => {
      assert.equal(idsFromResourceId(kinds.user, "org_1"), undefined);
      assert.equal(idsFromResourceId(kinds.user, "user_1/user_2"), undefined);
      assert.equal(idsFromResourceId(kinds.organizationMembership, "user_2/org_1"), undefined);
      assert.equal(idsFromResourceId(kinds.organizationMembership, "org_1"), undefined);
      assert.equal(idsFromResourceId(kinds.organization, ""), undefined);
    });
  });

  describe("isWellFormedId", () => {
    it("accepts letters, digits and _ after the prefix", () => {
      assert.equal(isWellFormedId("user_2abcXYZ_9", "user_"), true);
    });

    it("rejects a bare prefix, a wrong prefix and other characters", () => {
      for (const id of ["user_", "org_1", "user_a/b", "user_..", "user_a b", "user_a%20", ""]) {
        assert.equal(isWellFormedId(id, "user_"), false, id);
      }
    });
  });

  describe("describeEntity", () => {
    it("names the kind of entity and its id", () => {
      assert.equal(describeEntity(kinds.user, { userId: "user_1" }), "user user_1");
      assert.equal(
        describeEntity(kinds.organizationMembership, { organizationId: "org_1", userId: "user_2" }),
        "organization membership org_1/user_2",
      );
    });
  });
});
