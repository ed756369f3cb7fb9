import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { OrganizationMembershipMetadata, OrganizationMetadata, UserMetadata } from "../../../provider";

class Money {
  constructor(public cents = 100) {}
}

/** Values Pulumi's serialization would change or drop before the provider's `check` could see them. */
const uncarriable: [string, unknown, RegExp][] = [
  ["NaN", { n: NaN }, /publicMetadata\.n must be a finite number, got NaN/],
  ["Infinity", { limits: { seats: Infinity } }, /publicMetadata\.limits\.seats must be a finite number/],
  ["a Date", { since: new Date(0) }, /publicMetadata\.since must be a plain JSON value, got a Date/],
  ["a function", { f: () => 1 }, /publicMetadata\.f must be a JSON value; functions are not allowed/],
  ["undefined in an array", { tags: ["a", undefined] }, /publicMetadata\.tags\[1\] must not be undefined/],
  ["a BigInt", { big: BigInt(1) }, /publicMetadata\.big must be a JSON number; BigInt/],
  ["a symbol", { s: Symbol("s") }, /publicMetadata\.s must be a JSON value; symbols/],
  [
    "a class instance",
    { price: new Money() },
    /publicMetadata\.price must be a plain JSON value, got an instance of Money/,
  ],
];

describe("resources", () => {
  describe("declaration check", () => {
    before(() =>
      pulumi.runtime.setMocks(
        { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
        "project",
        "stack",
        true,
      ),
    );

    for (const [what, publicMetadata, message] of uncarriable) {
      it(`rejects ${what} in a declaration before Pulumi serializes it, naming the path`, () => {
        assert.throws(
          // Deliberately wrong input: values the input types refuse, to test the check at construction.
          () => new UserMetadata("u", { userId: "user_1", publicMetadata: publicMetadata as never }),
          message,
        );
      });
    }

    it("rejects a cycle instead of hanging in Pulumi's serialization", () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      assert.throws(
        // Deliberately wrong input: a cycle is no JSON value.
        () => new OrganizationMetadata("o", { organizationId: "org_1", privateMetadata: cyclic as never }),
        /privateMetadata\.self contains a cycle/,
      );
    });

    it("names the resource and every bad path at once", () => {
      assert.throws(
        () =>
          new OrganizationMembershipMetadata("member", {
            organizationId: "org_1",
            userId: "user_1",
            // Deliberately wrong input: a function is no JSON value.
            publicMetadata: { a: NaN, b: { c: () => 1 } } as never,
          }),
        (error: Error) => {
          assert.match(error.message, /^OrganizationMembershipMetadata "member": /);
          assert.match(error.message, /publicMetadata\.a must be a finite number/);
          assert.match(error.message, /publicMetadata\.b\.c must be a JSON value/);
          return true;
        },
      );
    });

    it("leaves values inside Outputs and promises to check", () => {
      new UserMetadata("deferred", {
        userId: "user_1",
        publicMetadata: { later: pulumi.output(5), promised: Promise.resolve("x") },
      });
    });

    it("never repeats a private value in its message", () => {
      assert.throws(
        () =>
          new UserMetadata("secretive", {
            userId: "user_1",
            privateMetadata: { token: "tok_private_9931", bad: NaN },
          }),
        (error: Error) => !error.message.includes("tok_private_9931"),
      );
    });
  });
});
