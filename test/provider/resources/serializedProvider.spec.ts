import * as assert from "node:assert/strict";
import * as path from "node:path";
import { installedSpecifier } from "../../../provider/resources/serializedProvider";

const file = (...parts: string[]) => path.join(path.sep, ...parts);

describe("the serialized provider's require", () => {
  it("names the installed package's folder and the kind's subpath", () => {
    assert.equal(
      installedSpecifier(
        file("app", "node_modules", "pulumi-clerk-metadata", "dist", "provider", "providers", "user.js"),
      ),
      "pulumi-clerk-metadata/providers/user",
    );
  });

  it("keeps a scope and an alias the package was installed under, since that is the folder the host resolves", () => {
    assert.equal(
      installedSpecifier(
        file(
          "app",
          "node_modules",
          "@acme",
          "clerk-meta",
          "dist",
          "provider",
          "providers",
          "organization.js",
        ),
      ),
      "@acme/clerk-meta/providers/organization",
    );
  });

  it("takes the innermost node_modules folder, as in a pnpm store", () => {
    const pnpm = file(
      "app",
      "node_modules",
      ".pnpm",
      "pulumi-clerk-metadata@1.0.0",
      "node_modules",
      "pulumi-clerk-metadata",
      "dist",
      "provider",
      "providers",
      "organizationMembership.js",
    );
    assert.equal(installedSpecifier(pnpm), "pulumi-clerk-metadata/providers/organizationMembership");
  });

  it("has none for a provider run from source, which is serialized by value instead", () => {
    assert.equal(installedSpecifier(file("work", "repo", "provider", "providers", "user.ts")), undefined);
  });
});
