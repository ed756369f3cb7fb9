import assert from "node:assert/strict";
import { withDeclarationError } from "../../../provider/core/declarationError";
import { unknownValue } from "../../../provider/core/json";
import { kinds, type KindSpec } from "../../../provider/core/kinds";
import {
  checkInputs,
  metadataLimits,
  validateId,
  validateMetadata,
  type CheckFailure,
} from "../../../provider/core/validate";

/** A `__provider` as the package registers it when installed. */
const providerText = 'exports.handler = () => require("pulumi-clerk-metadata/providers/organization");\n';

function only(failures: CheckFailure[]): CheckFailure {
  assert.equal(failures.length, 1, JSON.stringify(failures));
  return failures[0];
}

/** Asserts exactly one failure, at `property`, whose reason matches `reason`. */
function rejects(failures: CheckFailure[], property: string, reason: RegExp): void {
  const failure = only(failures);
  // privateMetadata and unknown inputs are named at the start of the reason (validate.ts `withoutPrintedValue`).
  const named = failure.property === "" && failure.reason.startsWith(`${property}: `);
  assert.equal(named ? property : failure.property, property);
  assert.match(failure.reason, reason);
}

function metadataFailures(value: unknown, property = "publicMetadata"): CheckFailure[] {
  return validateMetadata(property, value).failures;
}

function check(spec: KindSpec, news: Record<string, unknown>) {
  return checkInputs(spec, news);
}

/** An object nested `levels` deep (the field itself is level 1), with a scalar at the bottom. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe("validate", () => {
  describe("validateId", () => {
    it("accepts a well-formed id with the right prefix", () => {
      assert.deepEqual(validateId("userId", "user_2abcXYZ_9", "user_"), []);
      assert.deepEqual(validateId("organizationId", "org_2abc", "org_"), []);
    });

    it("accepts an unknown value", () => {
      assert.deepEqual(validateId("userId", unknownValue, "user_"), []);
    });

    it("rejects an empty or missing id as required", () => {
      for (const value of ["", undefined, null]) {
        rejects(validateId("userId", value, "user_"), "userId", /is required.*user_/);
      }
    });

    it("rejects a non-string id", () => {
      rejects(validateId("userId", 123, "user_"), "userId", /must be a string, got a number/);
    });

    it("rejects an id with the wrong prefix, naming the expected one", () => {
      rejects(validateId("userId", "org_2abc", "user_"), "userId", /starts with "user_", got "org_2abc"/);
      rejects(validateId("organizationId", "user_2abc", "org_"), "organizationId", /starts with "org_"/);
    });

    it("rejects a bare prefix", () => {
      rejects(validateId("userId", "user_", "user_"), "userId", /starts with "user_"/);
    });

    it("rejects /, .., space and % in an id, quoting the id", () => {
      for (const id of ["user_a/b", "user_..", "../user_1", "user_a b", "user_a%2F"]) {
        rejects(
          validateId("userId", id, "user_"),
          "userId",
          new RegExp(
            `only letters, digits and "_", got ${JSON.stringify(JSON.stringify(id)).slice(1, -1).replace(/[.%/]/g, "\\$&")}`,
          ),
        );
      }
    });
  });

  describe("validateMetadata", () => {
    it("accepts plain JSON and returns it unchanged", () => {
      const value = {
        plan: "pro",
        seats: 5,
        ratio: 0.5,
        on: true,
        off: false,
        gone: null,
        tags: ["a", 1, null, { x: [] }],
      };
      assert.deepEqual(validateMetadata("publicMetadata", value), { value, failures: [] });
    });

    it("accepts a null-prototype object", () => {
      const value = Object.assign(Object.create(null), { a: 1 });
      assert.deepEqual(metadataFailures(value), []);
    });

    it("treats undefined as not declared", () => {
      assert.deepEqual(validateMetadata("publicMetadata", undefined), { value: undefined, failures: [] });
    });

    it("drops object properties whose value is undefined, at any depth", () => {
      assert.deepEqual(validateMetadata("publicMetadata", { a: undefined, b: { c: undefined, d: 1 } }), {
        value: { b: { d: 1 } },
        failures: [],
      });
    });

    it("passes unknown values through anywhere", () => {
      assert.deepEqual(validateMetadata("publicMetadata", unknownValue), {
        value: unknownValue,
        failures: [],
      });
      const value = { a: unknownValue, b: { c: [1, unknownValue] } };
      assert.deepEqual(validateMetadata("publicMetadata", value), { value, failures: [] });
    });

    it("never repeats a rejected value in its reason, since private metadata is secret", () => {
      for (const secret of ["s3cret-value", 987654321, true]) {
        const { failures } = validateMetadata("privateMetadata", secret);
        assert.equal(failures.length, 1);
        assert.ok(!failures[0].reason.includes(String(secret)), failures[0].reason);
      }
    });

    it("rejects a string, a number, an array and null as the field", () => {
      rejects(metadataFailures("pro"), "publicMetadata", /must be a plain JSON object, got a string/);
      rejects(metadataFailures(5), "publicMetadata", /must be a plain JSON object, got a number/);
      rejects(metadataFailures(["a"]), "publicMetadata", /must be a plain JSON object, got an array/);
      rejects(metadataFailures(null), "publicMetadata", /must be a plain JSON object, got null/);
    });

    it("rejects undefined inside an array, naming its position", () => {
      rejects(
        metadataFailures({ tags: ["a", undefined] }),
        "publicMetadata.tags[1]",
        /undefined inside an array/,
      );
    });

    it("rejects a function", () => {
      rejects(
        metadataFailures({ plan: { seats: () => 5 } }),
        "publicMetadata.plan.seats",
        /functions are not allowed/,
      );
    });

    it("rejects a symbol", () => {
      rejects(metadataFailures({ s: Symbol("x") }), "publicMetadata.s", /symbols are not allowed/);
    });

    it("rejects NaN and Infinity", () => {
      rejects(metadataFailures({ n: NaN }), "publicMetadata.n", /finite number, got NaN/);
      rejects(metadataFailures({ n: [Infinity] }), "publicMetadata.n[0]", /finite number, got Infinity/);
      rejects(metadataFailures({ n: -Infinity }), "publicMetadata.n", /finite number, got -Infinity/);
    });

    it("rejects a BigInt", () => {
      rejects(metadataFailures({ n: BigInt(5) }), "publicMetadata.n", /BigInt is not allowed/);
    });

    it("rejects a Date", () => {
      rejects(metadataFailures({ at: new Date(0) }), "publicMetadata.at", /plain JSON value, got a Date/);
      rejects(metadataFailures(new Date(0)), "publicMetadata", /plain JSON object, got a Date/);
    });

    it("rejects a class instance, naming the class", () => {
      class Plan {
        seats = 5;
      }
      rejects(metadataFailures({ plan: new Plan() }), "publicMetadata.plan", /instance of Plan/);
      rejects(metadataFailures(new Plan()), "publicMetadata", /instance of Plan/);
    });

    it("rejects a Map", () => {
      rejects(metadataFailures({ m: new Map([["a", 1]]) }), "publicMetadata.m", /instance of Map/);
    });

    it("rejects a cycle through an object and through an array", () => {
      const self: Record<string, unknown> = { a: 1 };
      self.self = self;
      rejects(metadataFailures(self), "publicMetadata.self", /cycle/);
      const list: unknown[] = [];
      list.push(list);
      rejects(metadataFailures({ list }), "publicMetadata.list[0]", /cycle/);
    });

    it("accepts the same object twice when it is not a cycle", () => {
      const shared = { x: 1 };
      assert.deepEqual(validateMetadata("publicMetadata", { a: shared, b: [shared] }), {
        value: { a: { x: 1 }, b: [{ x: 1 }] },
        failures: [],
      });
    });

    it("accepts exactly 8192 bytes of JSON and rejects 8193", () => {
      assert.equal(metadataLimits.maxBytes, 8192);
      const fits = { s: "x".repeat(8192 - '{"s":""}'.length) };
      assert.equal(Buffer.byteLength(JSON.stringify(fits)), 8192);
      assert.deepEqual(metadataFailures(fits), []);
      const over = { s: "x".repeat(8193 - '{"s":""}'.length) };
      rejects(metadataFailures(over), "publicMetadata", /8193 bytes.*at most 8192 bytes/);
      // What Clerk documents, as the README says it: the limit, and that whether it counts per field is unsaid.
      rejects(
        metadataFailures(over),
        "publicMetadata",
        /Clerk documents only "Metadata is limited to 8KB maximum", not whether per field or for all fields together$/,
      );
    });

    it("counts multi-byte UTF-8 characters in bytes, not characters", () => {
      const value = { s: "é".repeat(4093) };
      assert.ok(JSON.stringify(value).length < 8192);
      rejects(metadataFailures(value, "privateMetadata"), "privateMetadata", /8194 bytes.*8192/);
      const emoji = { s: "😀".repeat(2047) };
      rejects(metadataFailures(emoji), "publicMetadata", /8196 bytes/);
    });

    it(`accepts nesting ${metadataLimits.maxDepth} levels deep and rejects one more, naming the path`, () => {
      assert.deepEqual(metadataFailures(nested(metadataLimits.maxDepth)), []);
      rejects(
        metadataFailures(nested(metadataLimits.maxDepth + 1)),
        `publicMetadata${".a".repeat(metadataLimits.maxDepth)}`,
        new RegExp(`nested deeper than ${metadataLimits.maxDepth} levels`),
      );
    });

    it("counts arrays as nesting levels", () => {
      let value: unknown = [1];
      for (let i = 1; i < metadataLimits.maxDepth; i++) value = [value];
      rejects(
        metadataFailures({ a: value }),
        `publicMetadata.a${"[0]".repeat(metadataLimits.maxDepth - 1)}`,
        /nested deeper/,
      );
    });

    it("accepts an empty key: no Clerk source forbids one, and the provider handles it", () => {
      assert.deepEqual(metadataFailures({ "": 1 }), []);
      assert.deepEqual(metadataFailures({ limits: { "": 1 } }), []);
    });

    it("accepts nesting 32 levels deep, more than any real declaration", () => {
      assert.deepEqual(metadataFailures(nested(32)), []);
    });

    it("formats keys that are not identifiers in brackets", () => {
      rejects(metadataFailures({ "a.b": NaN }), 'publicMetadata["a.b"]', /finite number/);
      rejects(
        metadataFailures({ x: { "two words": [undefined] } }),
        'publicMetadata.x["two words"][0]',
        /undefined/,
      );
    });

    // BUG: normalize() copies keys with plain assignment, so a JSON key "__proto__" (valid JSON,
    // as Pulumi or JSON.parse deliver it) is silently dropped and replaces the prototype instead.
    it("keeps a __proto__ key as an own key of a plain object (or rejects it)", () => {
      const input = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as Record<string, unknown>;
      const { value, failures } = validateMetadata("publicMetadata", input);
      if (failures.length > 0) return;
      assert.equal(Object.getPrototypeOf(value), Object.prototype);
      assert.deepEqual(Object.keys(value as object), ["__proto__", "a"]);
    });

    it("reports every failure of a field at once", () => {
      const failures = metadataFailures({ a: NaN, b: { c: () => 1 }, tags: [undefined] });
      assert.deepEqual(
        failures.map((f) => f.property),
        ["publicMetadata.a", "publicMetadata.b.c", "publicMetadata.tags[0]"],
      );
    });
  });

  describe("checkInputs", () => {
    it("reports a failure its __provider carries as the one failure, on the resource as a whole", () => {
      const { inputs, failures } = check(kinds.organization, {
        organizationId: "not an id",
        publicMetadata: { plan: "pro" },
        __provider: withDeclarationError(
          providerText,
          'OrganizationMetadata "a" and OrganizationMetadata "b" both declare publicMetadata.plan',
        ),
      });
      rejects(failures, "", /both declare publicMetadata\.plan/);
      assert.deepEqual(inputs, {});
    });

    it("passes a __provider that carries no failure, or an unknown one, through without a failure", () => {
      for (const __provider of [providerText, unknownValue]) {
        const { inputs, failures } = check(kinds.organization, { organizationId: "org_1", __provider });
        assert.deepEqual(failures, []);
        assert.equal(inputs.__provider, __provider);
      }
    });

    it("refuses a declarationError property, which is no input", () => {
      const { failures } = check(kinds.organization, { organizationId: "org_1", declarationError: "x" });
      rejects(failures, "declarationError", /is not an input of OrganizationMetadata/);
    });

    it("accepts valid inputs of every kind and returns them", () => {
      const user = {
        userId: "user_1",
        publicMetadata: { a: 1 },
        privateMetadata: {},
        unsafeMetadata: { b: [1] },
        authoritative: true,
      };
      assert.deepEqual(check(kinds.user, user), { inputs: user, failures: [] });
      const org = { organizationId: "org_1", publicMetadata: { a: 1 } };
      assert.deepEqual(check(kinds.organization, org), { inputs: org, failures: [] });
      const membership = { organizationId: "org_1", userId: "user_1", privateMetadata: { a: null } };
      assert.deepEqual(check(kinds.organizationMembership, membership), { inputs: membership, failures: [] });
    });

    it("keeps __provider", () => {
      const { inputs, failures } = check(kinds.user, { userId: "user_1", __provider: "serialized" });
      assert.deepEqual(failures, []);
      assert.equal(inputs.__provider, "serialized");
    });

    it("rejects a missing or empty id", () => {
      rejects(check(kinds.user, {}).failures, "userId", /is required/);
      rejects(check(kinds.organization, { organizationId: "" }).failures, "organizationId", /is required/);
    });

    it("rejects an org_ id as userId and a user_ id as organizationId", () => {
      rejects(check(kinds.user, { userId: "org_1" }).failures, "userId", /starts with "user_"/);
      rejects(
        check(kinds.organizationMembership, { organizationId: "user_1", userId: "user_2" }).failures,
        "organizationId",
        /starts with "org_"/,
      );
    });

    it("rejects a malformed id", () => {
      for (const id of ["user_a/b", "user_..", "user_a b", "user_a%20"]) {
        rejects(check(kinds.user, { userId: id }).failures, "userId", /only letters, digits and "_"/);
      }
    });

    it("rejects non-object metadata, naming the field", () => {
      rejects(
        check(kinds.user, { userId: "user_1", privateMetadata: "x" }).failures,
        "privateMetadata",
        /plain JSON object/,
      );
      rejects(
        check(kinds.user, { userId: "user_1", unsafeMetadata: 1 }).failures,
        "unsafeMetadata",
        /plain JSON object/,
      );
      rejects(
        check(kinds.user, { userId: "user_1", publicMetadata: [] }).failures,
        "publicMetadata",
        /an array/,
      );
      rejects(
        check(kinds.user, { userId: "user_1", publicMetadata: null }).failures,
        "publicMetadata",
        /got null/,
      );
    });

    it("names the path of a bad value inside metadata", () => {
      rejects(
        check(kinds.user, { userId: "user_1", publicMetadata: { tags: ["a", undefined] } }).failures,
        "publicMetadata.tags[1]",
        /undefined inside an array/,
      );
    });

    it("rejects unsafeMetadata on an organization and a membership", () => {
      rejects(
        check(kinds.organization, { organizationId: "org_1", unsafeMetadata: {} }).failures,
        "unsafeMetadata",
        /is not an input of OrganizationMetadata; expected one of .*publicMetadata/,
      );
      rejects(
        check(kinds.organizationMembership, { organizationId: "org_1", userId: "user_1", unsafeMetadata: {} })
          .failures,
        "unsafeMetadata",
        /is not an input of OrganizationMembershipMetadata/,
      );
    });

    it("rejects an input named id", () => {
      const failure = only(check(kinds.user, { userId: "user_1", id: "user_1" }).failures);
      // Named in the reason, on the resource as a whole, so the engine never prints the value.
      assert.equal(failure.property, "");
      assert.match(
        failure.reason,
        /^id: is not an input of UserMetadata; expected one of authoritative, adopt, userId/,
      );
      assert.doesNotMatch(failure.reason, /__provider/);
    });

    it("ignores an unknown property whose value is undefined", () => {
      assert.deepEqual(check(kinds.user, { userId: "user_1", extra: undefined }).failures, []);
    });

    it("keeps a boolean adopt and rejects any other", () => {
      assert.equal(check(kinds.user, { userId: "user_1", adopt: true }).inputs.adopt, true);
      rejects(
        check(kinds.user, { userId: "user_1", adopt: "yes" }).failures,
        "adopt",
        /true or false, got a string/,
      );
    });

    it("rejects a non-boolean authoritative", () => {
      rejects(
        check(kinds.user, { userId: "user_1", authoritative: "yes" }).failures,
        "authoritative",
        /true or false, got a string/,
      );
      rejects(
        check(kinds.user, { userId: "user_1", authoritative: 1 }).failures,
        "authoritative",
        /true or false/,
      );
    });

    it("lets unknown values through anywhere", () => {
      const news = {
        userId: unknownValue,
        publicMetadata: unknownValue,
        privateMetadata: { a: unknownValue, tags: [unknownValue], deep: { x: unknownValue } },
        unsafeMetadata: { s: "x".repeat(9000), u: unknownValue },
        authoritative: unknownValue,
      };
      assert.deepEqual(check(kinds.user, news), { inputs: news, failures: [] });
    });

    it("drops undefined metadata properties and undefined fields", () => {
      const { inputs, failures } = check(kinds.user, {
        userId: "user_1",
        publicMetadata: { a: 1, b: undefined },
        privateMetadata: undefined,
      });
      assert.deepEqual(failures, []);
      assert.deepEqual(inputs.publicMetadata, { a: 1 });
      assert.equal("privateMetadata" in inputs, false);
    });

    it("reports the failures of several inputs together", () => {
      const { failures } = check(kinds.user, {
        userId: "org_1",
        publicMetadata: { n: NaN },
        authoritative: "no",
      });
      assert.deepEqual(
        failures.map((f) => f.property),
        ["userId", "publicMetadata.n", "authoritative"],
      );
    });
  });
});
