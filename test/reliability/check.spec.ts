import assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { configureFor, runCheck } from "../support/hooks";
import {
  assertNoSecretsSeen,
  privateValue,
  providers,
  recordText,
  startFleet,
  type KindKey,
} from "./helpers";

const user = { userId: "user_check0001" };
const org = { organizationId: "org_check0001" };
const member = { ...org, ...user };

/** `{a: {a: … {}}}` with `levels` objects below the field object. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const cyclic: Record<string, unknown> = { plan: "pro" };
cyclic.self = cyclic;
const cyclicArray: unknown[] = [1];
cyclicArray.push(cyclicArray);
class Plan {
  seats = 3;
}
const privateToken = privateValue("check-private-token-value");
const privateString = privateValue("check-private-field-given-as-a-string");

const cases: {
  name: string;
  kind: KindKey;
  news: Record<string, unknown>;
  property: string;
  reason: RegExp;
}[] = [
  // identity inputs
  {
    name: "a user id with the organization prefix",
    kind: "user",
    news: { userId: "org_abc" },
    property: "userId",
    reason: /starts with "user_"/,
  },
  {
    name: "a missing user id",
    kind: "user",
    news: { publicMetadata: {} },
    property: "userId",
    reason: /required/,
  },
  { name: "an empty user id", kind: "user", news: { userId: "" }, property: "userId", reason: /required/ },
  {
    name: "a numeric user id",
    kind: "user",
    news: { userId: 42 },
    property: "userId",
    reason: /must be a string/,
  },
  {
    name: "the bare prefix",
    kind: "user",
    news: { userId: "user_" },
    property: "userId",
    reason: /starts with "user_"/,
  },
  {
    name: "a user id with /",
    kind: "user",
    news: { userId: "user_a/b" },
    property: "userId",
    reason: /only letters, digits/,
  },
  {
    name: "a user id with ..",
    kind: "user",
    news: { userId: "user_../x" },
    property: "userId",
    reason: /only letters, digits/,
  },
  {
    name: "a user id with a space",
    kind: "user",
    news: { userId: "user_ab cd" },
    property: "userId",
    reason: /only letters, digits/,
  },
  {
    name: "a user id with %",
    kind: "user",
    news: { userId: "user_%2Fx" },
    property: "userId",
    reason: /only letters, digits/,
  },
  {
    name: "an organization id with the user prefix",
    kind: "organization",
    news: { organizationId: "user_1" },
    property: "organizationId",
    reason: /starts with "org_"/,
  },
  {
    name: "an organization id with ..",
    kind: "organization",
    news: { organizationId: "org_.." },
    property: "organizationId",
    reason: /only letters, digits/,
  },
  {
    name: "a membership whose user id is an org id",
    kind: "membership",
    news: { ...org, userId: "org_2" },
    property: "userId",
    reason: /starts with "user_"/,
  },
  {
    name: "a membership whose org id has a /",
    kind: "membership",
    news: { ...user, organizationId: "org_1/user_2" },
    property: "organizationId",
    reason: /only letters, digits/,
  },
  {
    name: "a membership without an organization id",
    kind: "membership",
    news: { ...user },
    property: "organizationId",
    reason: /required/,
  },
  // metadata fields
  {
    name: "a string as metadata",
    kind: "user",
    news: { ...user, publicMetadata: "pro" },
    property: "publicMetadata",
    reason: /plain JSON object/,
  },
  {
    name: "a number as metadata",
    kind: "organization",
    news: { ...org, privateMetadata: 5 },
    property: "privateMetadata",
    reason: /plain JSON object/,
  },
  {
    name: "null as metadata",
    kind: "user",
    news: { ...user, unsafeMetadata: null },
    property: "unsafeMetadata",
    reason: /plain JSON object/,
  },
  {
    name: "an array at the top",
    kind: "membership",
    news: { ...member, publicMetadata: ["a", "b"] },
    property: "publicMetadata",
    reason: /plain JSON object, got an array/,
  },
  {
    name: "a secret string as privateMetadata",
    kind: "user",
    news: { ...user, privateMetadata: privateString },
    property: "privateMetadata",
    reason: /plain JSON object/,
  },
  {
    name: "undefined inside an array",
    kind: "user",
    news: { ...user, publicMetadata: { tags: ["a", undefined] } },
    property: "publicMetadata.tags[1]",
    reason: /undefined/,
  },
  {
    name: "a function",
    kind: "organization",
    news: { ...org, publicMetadata: { hook: () => 1 } },
    property: "publicMetadata.hook",
    reason: /functions/,
  },
  {
    name: "a symbol",
    kind: "membership",
    news: { ...member, publicMetadata: { s: Symbol("x") } },
    property: "publicMetadata.s",
    reason: /symbols/,
  },
  {
    name: "NaN",
    kind: "user",
    news: { ...user, publicMetadata: { limits: { seats: NaN } } },
    property: "publicMetadata.limits.seats",
    reason: /finite number/,
  },
  {
    name: "Infinity",
    kind: "organization",
    news: { ...org, publicMetadata: { max: Infinity } },
    property: "publicMetadata.max",
    reason: /finite number/,
  },
  {
    name: "-Infinity in an array",
    kind: "user",
    news: { ...user, unsafeMetadata: { m: [[1, -Infinity]] } },
    property: "unsafeMetadata.m[0][1]",
    reason: /finite number/,
  },
  {
    name: "a BigInt",
    kind: "membership",
    news: { ...member, privateMetadata: { big: BigInt(1) } },
    property: "privateMetadata.big",
    reason: /BigInt/,
  },
  {
    name: "a Date",
    kind: "user",
    news: { ...user, publicMetadata: { since: new Date(0) } },
    property: "publicMetadata.since",
    reason: /Date/,
  },
  {
    name: "a class instance",
    kind: "organization",
    news: { ...org, publicMetadata: { plan: new Plan() } },
    property: "publicMetadata.plan",
    reason: /Plan/,
  },
  {
    name: "a Map",
    kind: "user",
    news: { ...user, publicMetadata: { m: new Map() } },
    property: "publicMetadata.m",
    reason: /Map/,
  },
  {
    name: "a cycle through an object",
    kind: "user",
    news: { ...user, publicMetadata: cyclic },
    property: "publicMetadata.self",
    reason: /cycle/,
  },
  {
    name: "a cycle through an array",
    kind: "membership",
    news: { ...member, publicMetadata: { list: cyclicArray } },
    property: "publicMetadata.list[1]",
    reason: /cycle/,
  },
  {
    name: "a field over 8 KB",
    kind: "organization",
    news: { ...org, privateMetadata: { blob: "x".repeat(8200) } },
    property: "privateMetadata",
    reason: /8192 bytes/,
  },
  {
    name: "a field over 8 KB in multi-byte characters",
    kind: "user",
    news: { ...user, publicMetadata: { blob: "é".repeat(4100) } },
    property: "publicMetadata",
    reason: /8192 bytes/,
  },
  {
    name: "nesting past the limit",
    kind: "user",
    news: { ...user, publicMetadata: nested(64) },
    property: `publicMetadata${".a".repeat(64)}`,
    reason: /nested deeper than 64 levels, this provider's own limit/,
  },
  {
    name: "a bad value under a key that is not an identifier",
    kind: "user",
    news: { ...user, publicMetadata: { "a.b": { n: NaN } } },
    property: 'publicMetadata["a.b"].n',
    reason: /finite number/,
  },
  {
    name: "a bad value next to a private value",
    kind: "user",
    news: { ...user, privateMetadata: { token: privateToken, n: NaN } },
    property: "privateMetadata.n",
    reason: /finite number/,
  },
  // other inputs
  {
    name: "an unknown property",
    kind: "user",
    news: { ...user, plan: "pro" },
    property: "plan",
    reason: /not an input of UserMetadata/,
  },
  {
    name: "an input named id",
    kind: "organization",
    news: { ...org, id: "org_1" },
    property: "id",
    reason: /not an input/,
  },
  {
    name: "unsafeMetadata on an organization",
    kind: "organization",
    news: { ...org, unsafeMetadata: {} },
    property: "unsafeMetadata",
    reason: /not an input of OrganizationMetadata/,
  },
  {
    name: "a string authoritative",
    kind: "user",
    news: { ...user, authoritative: "yes" },
    property: "authoritative",
    reason: /true or false/,
  },
  {
    name: "a numeric authoritative",
    kind: "membership",
    news: { ...member, authoritative: 1 },
    property: "authoritative",
    reason: /true or false/,
  },
];

describe("reliability: bad declarations fail at check, naming the path, without a request", function () {
  let emulator: Emulator;

  before(async () => {
    ({ emulator } = await startFleet({ users: 1, organizations: 1, memberships: 1 }, { tag: "ck" }));
    await configureFor(emulator, { "clerk:rateLimit": "off" });
    emulator.reset();
  });
  after(() => emulator.stop());

  it(`has at least 30 cases (${cases.length})`, () => {
    assert.ok(cases.length >= 30);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });

  for (const c of cases) {
    it(`${c.kind}: ${c.name} → ${c.property}`, async () => {
      const result = await runCheck(providers[c.kind], c.news);
      const failures = result.failures ?? [];
      for (const failure of failures) recordText(`${failure.property}: ${failure.reason}`);
      // privateMetadata and unknown inputs are named at the start of the reason, on the resource as
      // a whole, so the engine never prints their value (validate.ts `withoutPrintedValue`).
      const match = failures.find(
        (f) => f.property === c.property || (f.property === "" && f.reason.startsWith(`${c.property}: `)),
      );
      assert.ok(match, `no failure for ${c.property}: ${JSON.stringify(failures)}`);
      assert.match(match.reason, c.reason);
      assert.ok(match.reason.length > 10, "a reason, not just a path");
      assert.equal(emulator.requests().length, 0, "check sends no request");
    });
  }

  it("the request log stayed empty through all of them", () => {
    assert.deepEqual(emulator.requests(), []);
  });

  describe("secrets", () => {
    it("no failure reason held the secret key or a private metadata value", () => {
      assertNoSecretsSeen();
    });
  });
});
