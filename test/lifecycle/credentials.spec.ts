/**
 * Credentials and the API URL are checked for shape when the provider is configured, so
 * `pulumi preview` fails naming the setting to fix, with 0 requests (CONTRACT.md, Failures).
 */
import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { World } from "./helpers";

const program = () =>
  void new clerk.OrganizationMetadata("acme", {
    organizationId: "org_acme",
    publicMetadata: { plan: "pro" },
  });

describe("lifecycle: credentials checked at preview, with 0 requests", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  const cases: {
    name: string;
    config: () => Record<string, { value: string; secret?: boolean }>;
    error: RegExp;
  }[] = [
    {
      name: "a publishable key given as the secret key",
      config: () => ({ "clerk:secretKey": { value: "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", secret: true } }),
      error: /is not a secret key: it must start with sk_test_ \(development\) or sk_live_ \(production\)/,
    },
    {
      name: "an API URL ending in /v1",
      config: () => ({ "clerk:apiUrl": { value: `${world.emulator.url}/v1` } }),
      error: /clerk:apiUrl \/ CLERK_API_URL ends in \/v1, and the SDK appends \/v1 itself/,
    },
    {
      name: "no key at all",
      config: () => ({ "clerk:secretKey": { value: "", secret: true } }),
      error: /No Clerk secret key is configured/,
    },
  ];

  for (const { name, config, error } of cases) {
    it(`fails pulumi preview on ${name}, naming the setting, without a request`, async () => {
      const stack = await world.stack(config(), { env: { CLERK_SECRET_KEY: "" } });
      const preview = await stack.preview(program);
      assert.equal(preview.ok, false);
      assert.match(preview.errors.join("\n") + preview.stderr, error);
      assert.equal((preview.stdout + preview.stderr).includes("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k"), false);
      assert.deepEqual(world.calls(), []);
    });
  }
});
