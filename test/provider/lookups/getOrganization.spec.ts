import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { getOrganization, getOrganizationOutput, LookupError } from "../../../provider";
import { clearStackConfig, requestLines, useLookupEmulator, useStackConfig, valueOf } from "./helpers";
import { rejection } from "../../support/rejection";

describe("lookups: getOrganization", () => {
  const lookups = useLookupEmulator();

  describe("getOrganization", () => {
    it("finds an organization by slug with one GET and returns its id, slug and name only", async () => {
      const found = await getOrganization({ slug: "acme" });
      assert.deepEqual(found, { id: "org_acme", organizationId: "org_acme", slug: "acme", name: "Acme" });
      assert.deepEqual(requestLines(lookups.emulator), ["GET /v1/organizations/acme"]);
      assert.equal(JSON.stringify(found).includes("private-acme-value"), false);
    });

    it("rejects with a LookupError naming the slug and the instance when no organization has it", async () => {
      const { error } = await rejection(getOrganization({ slug: "initech" }));
      assert.ok(error instanceof LookupError, String(error));
      assert.equal(
        error.message,
        'getOrganization slug="initech": no organization has this slug in this development instance',
      );
      assert.deepEqual(requestLines(lookups.emulator), ["GET /v1/organizations/initech"]);
    });

    it("does not take an organization id for a slug, though Clerk answers for either", async () => {
      const { error } = await rejection(getOrganization({ slug: "org_acme" }));
      assert.ok(error instanceof LookupError);
      assert.match(error.message, /Clerk answered with org_acme, whose slug is "acme"/);
    });

    it("rejects a malformed slug without a request", async () => {
      for (const slug of ["", "Acme", "a/b", "../users"]) {
        const { error } = await rejection(getOrganization({ slug }));
        assert.ok(error instanceof LookupError, `${slug}: ${String(error)}`);
        assert.match(error.message, /no request was sent/);
      }
      assert.deepEqual(requestLines(lookups.emulator), []);
    });

    it("reads CLERK_SECRET_KEY and CLERK_API_URL when the stack config has no clerk:* values", async () => {
      clearStackConfig();
      const saved = { key: process.env.CLERK_SECRET_KEY, url: process.env.CLERK_API_URL };
      process.env.CLERK_SECRET_KEY = lookups.emulator.secretKey;
      process.env.CLERK_API_URL = lookups.emulator.url;
      try {
        assert.equal((await getOrganization({ slug: "globex" })).organizationId, "org_globex");
      } finally {
        restore("CLERK_SECRET_KEY", saved.key);
        restore("CLERK_API_URL", saved.url);
      }
    });

    it("prefers clerk:secretKey to CLERK_SECRET_KEY, and never prints either", async () => {
      const saved = process.env.CLERK_SECRET_KEY;
      process.env.CLERK_SECRET_KEY = "sk_test_wrongwrongwrongwrong";
      try {
        assert.equal((await getOrganization({ slug: "acme" })).organizationId, "org_acme");
        useStackConfig(lookups.emulator, { "clerk:secretKey": "sk_test_wrongwrongwrongwrong" });
        const { error } = await rejection(getOrganization({ slug: "acme" }));
        assert.match(error.message, /HTTP 401/);
        assert.equal(error.message.includes("sk_test_wrongwrongwrongwrong"), false);
        assert.equal(error.message.includes(lookups.emulator.secretKey), false);
      } finally {
        restore("CLERK_SECRET_KEY", saved);
      }
    });
  });

  describe("getOrganizationOutput", () => {
    it("takes an Output slug and returns an Output of the organization", async () => {
      const found = await valueOf(getOrganizationOutput({ slug: pulumi.output("globex") }));
      assert.deepEqual(found, {
        id: "org_globex",
        organizationId: "org_globex",
        slug: "globex",
        name: "Globex",
      });
      assert.deepEqual(requestLines(lookups.emulator), ["GET /v1/organizations/globex"]);
    });

    it("keeps the result secret when the slug is", async () => {
      const output = getOrganizationOutput({ slug: pulumi.secret("acme") });
      assert.equal(await pulumi.isSecret(output), true);
    });
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
