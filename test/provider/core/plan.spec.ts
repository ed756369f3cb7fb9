import assert from "node:assert/strict";
import { kinds } from "../../../provider/core/kinds";
import { ownershipOf } from "../../../provider/core/ownership";
import { exactBody, planAdoption, planDelete, planWrite } from "../../../provider/core/plan";

const user = kinds.user;
const membership = kinds.organizationMembership;

describe("plan", () => {
  describe("planWrite", () => {
    it("plans one PATCH that sets every declared leaf of a new resource, declared nulls included", () => {
      const plan = planWrite(
        user,
        true,
        { userId: "user_1", publicMetadata: { plan: "pro", old: null } },
        {},
      );
      assert.deepEqual(plan.request, {
        action: "patch",
        body: { publicMetadata: { plan: "pro", old: null } },
      });
      assert.deepEqual(plan.sets, { publicMetadata: [["plan"], ["old"]] });
    });

    it("plans an existence check, not an empty PATCH, for a resource that declares nothing", () => {
      assert.deepEqual(planWrite(user, true, { userId: "user_1" }, {}).request, { action: "exists" });
      assert.deepEqual(planWrite(user, true, { userId: "user_1", publicMetadata: {} }, {}).request, {
        action: "exists",
      });
    });

    it("sets the declared leaves again and removes, at any depth, the leaves no longer declared", () => {
      const owned = { publicMetadata: ownershipOf({ plan: "free", limits: { seats: 1, gone: 2 } }) };
      const plan = planWrite(
        user,
        true,
        { userId: "user_1", publicMetadata: { plan: "pro", limits: { seats: 1 } } },
        owned,
      );
      assert.deepEqual(plan.request, {
        action: "patch",
        body: { publicMetadata: { plan: "pro", limits: { seats: 1, gone: null } } },
      });
      assert.deepEqual(plan.removes, { publicMetadata: [["limits", "gone"]] });
    });

    it("leaves alone a removed leaf that another resource holds, and anything inside or around it", () => {
      const owned = { publicMetadata: ownershipOf({ seat: 4, team: { a: 1 }, role: "x" }) };
      const keep = { publicMetadata: [["seat"], ["team", "a", "deep"]] };
      const plan = planWrite(user, true, { userId: "user_1", publicMetadata: { role: "x" } }, owned, keep);
      assert.deepEqual(plan.request, { action: "patch", body: { publicMetadata: { role: "x" } } });
      assert.deepEqual(plan.removes, { publicMetadata: [] });
    });

    it("plans one PUT for an authoritative user, covering fields owned before but no longer declared", () => {
      const plan = planWrite(
        user,
        true,
        { userId: "user_1", authoritative: true, publicMetadata: { plan: "pro", gone: null } },
        { privateMetadata: ownershipOf({ token: "t" }) },
      );
      assert.deepEqual(plan.request, {
        action: "replace",
        fields: { publicMetadata: { plan: "pro" }, privateMetadata: {} },
      });
    });

    it("plans a GET then a PATCH for an authoritative membership (no replace), or when another resource's leaves must stay", () => {
      const inputs = {
        organizationId: "org_1",
        userId: "user_1",
        authoritative: true,
        publicMetadata: { a: 1 },
      };
      assert.deepEqual(planWrite(membership, false, inputs, {}).request, {
        action: "exact",
        fields: { publicMetadata: { a: 1 } },
        keep: {},
      });
      const keep = { publicMetadata: [["b"]] };
      assert.deepEqual(planWrite(user, true, { ...inputs, userId: "user_1" }, {}, keep).request, {
        action: "exact",
        fields: { publicMetadata: { a: 1 } },
        keep,
      });
    });
  });

  describe("planAdoption", () => {
    it("wraps a create's write in a read that tells whether it is needed, setting the same leaves", () => {
      const inputs = { userId: "user_1", publicMetadata: { plan: "pro", legacy: null } };
      const planned = planWrite(user, true, inputs, {});
      const adopting = planAdoption(user, inputs, planned);
      assert.deepEqual(adopting.request, {
        action: "adopt",
        declared: { publicMetadata: { plan: "pro", legacy: null } },
        whole: false,
        otherwise: planned.request,
      });
      assert.deepEqual(adopting.sets, planned.sets);
    });

    it("leaves a plan that writes nothing as it is", () => {
      const inputs = { userId: "user_1" };
      const planned = planWrite(user, true, inputs, {});
      assert.equal(planned.request.action, "exists");
      assert.equal(planAdoption(user, inputs, planned), planned);
    });
  });

  describe("planDelete", () => {
    it("plans one PATCH of nulls for the owned leaves, and no request when nothing is owned", () => {
      const plan = planDelete(user, true, {
        authoritative: false,
        ownership: { publicMetadata: ownershipOf({ plan: "pro", limits: { seats: 1 } }) },
      });
      assert.deepEqual(plan.request, {
        action: "patch",
        body: { publicMetadata: { plan: null, limits: { seats: null } } },
      });
      assert.deepEqual(planDelete(user, true, { authoritative: false, ownership: {} }).request, {
        action: "nothing",
      });
    });

    it("sends nothing for leaves another resource holds (a rename without aliases)", () => {
      const ownership = { publicMetadata: ownershipOf({ plan: "pro" }) };
      const plan = planDelete(
        user,
        true,
        { authoritative: false, ownership },
        { publicMetadata: [["plan"]] },
      );
      assert.deepEqual(plan.request, { action: "nothing" });
    });

    it("empties an authoritative field with one PUT, unless another resource took the whole field over", () => {
      const ownership = { publicMetadata: ownershipOf({ plan: "pro" }) };
      assert.deepEqual(planDelete(user, true, { authoritative: true, ownership }).request, {
        action: "replace",
        fields: { publicMetadata: {} },
      });
      assert.deepEqual(
        planDelete(user, true, { authoritative: true, ownership }, { publicMetadata: [[]] }).request,
        {
          action: "nothing",
        },
      );
    });
  });

  describe("exactBody", () => {
    it("removes every key Clerk holds that is not wanted, except the kept paths, and sets the wanted leaves", () => {
      const body = exactBody(
        { publicMetadata: { a: 1, b: { c: 2, d: 3 }, e: 4 } },
        { publicMetadata: { a: 5 } },
        { publicMetadata: [["b", "c"]] },
      );
      assert.deepEqual(body, { publicMetadata: { a: 5, b: { d: null }, e: null } });
    });

    it("is empty when Clerk already holds exactly what is wanted", () => {
      assert.deepEqual(exactBody({ publicMetadata: { a: 1 } }, { publicMetadata: { a: 1 } }, {}), {});
    });
  });
});
