import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { getUser, getUserOutput, LookupError, type GetUserArgs } from "../../../provider";
import { requestLines, useLookupEmulator, valueOf } from "./helpers";
import { rejection } from "../../support/rejection";

const alexis = {
  id: "user_alexis",
  userId: "user_alexis",
  primaryEmailAddress: "alexis@example.com",
  username: "alexis",
  externalId: "crm-17",
};

describe("lookups: getUser", () => {
  const lookups = useLookupEmulator();

  describe("getUser", () => {
    it("finds a user by email address, without case, with the SDK's list and count requests", async () => {
      const found = await getUser({ emailAddress: "Alexis@Example.com" });
      assert.deepEqual(found, alexis);
      assert.deepEqual(requestLines(lookups.emulator).sort(), [
        "GET /v1/users/count?email_address=Alexis%40Example.com",
        "GET /v1/users?email_address=Alexis%40Example.com&limit=100",
      ]);
    });

    it("returns ids and basic fields, never metadata", async () => {
      const found = await getUser({ externalId: "crm-17" });
      assert.deepEqual(Object.keys(found).sort(), [
        "externalId",
        "id",
        "primaryEmailAddress",
        "userId",
        "username",
      ]);
      assert.equal(JSON.stringify(found).includes("private-alexis-value"), false);
    });

    it("finds a user by external id and by username", async () => {
      assert.deepEqual(await getUser({ externalId: "crm-17" }), alexis);
      assert.deepEqual(await getUser({ username: "alexis" }), alexis);
      assert.equal((await getUser({ username: "ALEXISB" })).userId, "user_alexisb");
    });

    it("keeps only exact matches of what Clerk lists (its filters may match partially)", async () => {
      // The lookups.emulator lists both alexis@ and alexis.b@ for "alexis": the lookup must pick by the exact value.
      const { error } = await rejection(getUser({ emailAddress: "alexis" }));
      assert.ok(error instanceof LookupError);
      assert.equal(
        error.message,
        'getUser emailAddress="alexis": no user matches in this development instance',
      );
      assert.equal((await getUser({ emailAddress: "alexis.b@example.com" })).userId, "user_alexisb");
    });

    it("rejects when no user matches, though Clerk drops a filter that matches nobody and lists everyone", async () => {
      const { error } = await rejection(getUser({ emailAddress: "nobody@example.com" }));
      assert.ok(error instanceof LookupError);
      assert.match(error.message, /no user matches in this development instance/);
    });

    it("rejects when several users match, naming them", async () => {
      const { error } = await rejection(getUser({ externalId: "dup" }));
      assert.ok(error instanceof LookupError);
      assert.match(
        error.message,
        /^getUser externalId="dup": 2 users match \((user_sam, user_kim|user_kim, user_sam)\)/,
      );
    });

    it("rejects anything but exactly one non-empty field, without a request", async () => {
      const bad = [
        {},
        { emailAddress: "alexis@example.com", username: "alexis" },
        { username: "" },
        { externalId: 17 },
      ] as unknown as GetUserArgs[];
      for (const args of bad) {
        const { error } = await rejection(getUser(args));
        assert.ok(error instanceof LookupError, `${JSON.stringify(args)}: ${String(error)}`);
        assert.match(error.message, /no request was sent/);
      }
      assert.deepEqual(requestLines(lookups.emulator), []);
    });

    it("says in one sentence which selector to pass when given none or two", async () => {
      assert.equal(
        (await rejection(getUser({} as GetUserArgs))).error?.message,
        "getUser: pass one of emailAddress, externalId or username to say which user to find (no request was sent)",
      );
      assert.equal(
        (await rejection(getUser({ emailAddress: "a@example.com", username: "a" } as unknown as GetUserArgs)))
          .error?.message,
        "getUser: pass only one of emailAddress, externalId or username, not emailAddress and username (no request was sent)",
      );
    });
  });

  describe("getUserOutput", () => {
    it("takes Output inputs and returns an Output of the user", async () => {
      const found = await valueOf(getUserOutput({ emailAddress: pulumi.output("sam@example.com") }));
      assert.equal(found.userId, "user_sam");
    });
  });
});
