/**
 * A stack whose resources declare private metadata, driven through preview, up, an update, drift
 * and refresh, a bad declaration, a failing run and destroy. After every operation, everything
 * the provider and the driver produced is scanned for the secret key and every private value:
 * the raw state file, the printed result, the result's errors and steps, the host's stdout and
 * stderr, the serialized `__provider` of every resource, and every line the driver logged.
 * (The emulator's request log is Clerk's side and is not scanned.)
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import type { SeedData } from "../../emulator";
import type { Stack } from "../../driver/engine";
import { formatResult } from "../../driver/print";
import type { OperationResult } from "../../driver/types";
import { OrganizationMembershipMetadata, OrganizationMetadata, UserMetadata } from "../../provider";
import { clientFor } from "../support/clerk";
import { appMetadata, assertOk, opCounts, StackWorld } from "./stackHelpers";

/** Every private value the stack or Clerk ever holds: none may show up on our side. */
const secret = {
  token: "PRIV-token-7Q2xLm",
  iban: "PRIV-iban-DE89370400440532013000",
  crm: "PRIV-crm-9K1mZt",
  listed: "PRIV-listed-3Z8pQa",
  pin: "PRIV-pin-5520",
  note: "PRIV-note-W4vBnY",
  rotatedToken: "PRIV-rotated-token-H6cRs",
  rotatedCrm: "PRIV-rotated-crm-J2kLo",
  driftToken: "PRIV-drift-token-T9uYe",
  driftPin: "PRIV-drift-pin-0042",
  failingToken: "PRIV-failing-token-X1aSd",
  oversized: "PRIV-oversized-M3nBv",
};
/** Keys the app keeps in Clerk's private metadata: foreign, never read into outputs. */
const appPrivate = ["user_sec1", "user_sec2", "org_sec", "membership"].map(
  (tag) => appMetadata(tag).private_metadata.appSecretRef,
);

function seed(): SeedData {
  return {
    users: ["user_sec1", "user_sec2"].map((id) => ({ id, first_name: id, ...appMetadata(id) })),
    organizations: [{ id: "org_sec", name: "Secrets", ...appMetadata("org_sec") }],
    memberships: [{ organization_id: "org_sec", user_id: "user_sec1", ...appMetadata("membership") }],
  } as SeedData;
}

function program(version: "first" | "rotated" | "failing"): () => void {
  const token = { first: secret.token, rotated: secret.rotatedToken, failing: secret.failingToken }[version];
  return () => {
    new UserMetadata("ada", {
      userId: "user_sec1",
      publicMetadata: { plan: "pro" },
      privateMetadata:
        version === "first" ? { apiToken: token, billing: { iban: secret.iban } } : { apiToken: token },
    });
    new OrganizationMetadata("org", {
      organizationId: "org_sec",
      publicMetadata: { tier: version === "first" ? 1 : 2 },
      privateMetadata: {
        crmSecret: version === "first" ? secret.crm : secret.rotatedCrm,
        list: [secret.listed],
      },
    });
    new OrganizationMembershipMetadata("member", {
      organizationId: "org_sec",
      userId: "user_sec1",
      privateMetadata: { pin: secret.pin },
    });
    new UserMetadata("bob", {
      userId: "user_sec2",
      unsafeMetadata: { theme: "dark" },
      ...(version === "first" ? { privateMetadata: { note: secret.note } } : {}),
    });
  };
}

describe("reliability: no secret leaves through the provider or the driver", () => {
  const world = StackWorld.forSuite(seed);

  it("keeps the secret key and every private metadata value out of state, printouts, errors, host output, __provider and logs, through a whole lifecycle", async () => {
    const emulator = world.emulator;
    const stateFile = world.stateFile();
    const logged: string[] = [];
    const stackWith = (extra: Record<string, string> = {}): Stack =>
      world.stack(extra, { stateFile, parallel: 4, log: (line) => logged.push(line) });
    const needles = [emulator.secretKey, ...Object.values(secret), ...appPrivate];

    /** Everything one operation produced on our side, by source. */
    const scanned: { source: string; text: string }[] = [];
    const record = (step: string, stack: Stack, result: OperationResult) => {
      scanned.push({
        source: `${step}: formatResult`,
        text: formatResult(result, { title: step, showSame: true }),
      });
      scanned.push({ source: `${step}: result (steps, errors)`, text: JSON.stringify(result) });
      scanned.push({ source: `${step}: errors`, text: result.errors.join("\n") });
      scanned.push({ source: `${step}: host output`, text: stack.lastHostOutput() });
      if (fs.existsSync(stateFile)) {
        scanned.push({ source: `${step}: state file`, text: fs.readFileSync(stateFile, "utf8") });
        for (const r of stack.state().resources) {
          scanned.push({ source: `${step}: ${r.name} inputs.__provider`, text: String(r.inputs.__provider) });
          scanned.push({
            source: `${step}: ${r.name} outputs.__provider`,
            text: String(r.outputs.__provider),
          });
        }
      }
      return result;
    };

    // preview, up, a no-change up
    let stack = stackWith();
    assertOk(record("preview", stack, await stack.preview(program("first"))));
    assertOk(record("up", stack, await stack.up(program("first"))));
    assertOk(record("no-change up", stack, await stack.up(program("first"))));
    // Positive control: the values are really in play (in Clerk, and decrypted in state).
    assert.equal(emulator.data.getUser("user_sec1")?.private_metadata.apiToken, secret.token);
    const decrypted = JSON.stringify(stack.state());
    for (const value of [secret.token, secret.iban, secret.crm, secret.listed, secret.pin, secret.note]) {
      assert.ok(decrypted.includes(value), `${value} is in the decrypted state`);
    }

    // an update: values rotated, a nested key and a whole field dropped
    const preview = assertOk(record("preview update", stack, await stack.preview(program("rotated"))));
    assert.match(formatResult(preview), /privateMetadata: \[secret\] => \[secret\]/);
    const update = assertOk(record("update", stack, await stack.up(program("rotated"))));
    assert.deepEqual(opCounts(update), { update: 3, same: 1 });
    // The emptied container stays, as the README documents.
    assert.deepEqual(emulator.data.getUser("user_sec1")?.private_metadata.billing, {});
    assert.equal(emulator.data.getUser("user_sec2")?.private_metadata.note, undefined);

    // drift made in Clerk behind the stack's back, then refresh and the drift gate
    const clerk = clientFor(emulator);
    await clerk.users.updateUserMetadata("user_sec1", { privateMetadata: { apiToken: secret.driftToken } });
    await clerk.organizations.updateOrganizationMembershipMetadata({
      organizationId: "org_sec",
      userId: "user_sec1",
      privateMetadata: { pin: secret.driftPin },
    });
    const gate = record(
      "preview --refresh",
      stack,
      await stack.preview(program("rotated"), { refresh: true }),
    );
    assertOk(gate);
    assert.ok(
      gate.steps.some((s) => s.op === "update" && s.name === "ada"),
      "the drift shows as a change",
    );
    const refresh = assertOk(record("refresh", stack, await stack.refresh()));
    assert.ok(refresh.steps.some((s) => s.name === "member" && s.changedPaths?.length));
    assert.ok(
      JSON.stringify(stack.state()).includes(secret.driftToken),
      "the drifted value was read into state",
    );

    // a bad declaration: the check failure names the path, never the value
    const bad = record(
      "preview of a bad declaration",
      stack,
      await stack.preview(() => {
        program("rotated")();
        new UserMetadata("oversized", {
          userId: "user_sec2",
          privateMetadata: { blob: secret.oversized.repeat(500) },
        });
      }),
    );
    assert.equal(bad.ok, false);
    assert.match(bad.errors.join("\n"), /check failed: privateMetadata: is \d+ bytes of JSON/);

    // failing runs: Clerk answers 500 until the retries run out, for writes, reads and deletes
    emulator.inject({ status: 500, count: 1000 });
    stack = stackWith({ "clerk:maxRetries": "1", "clerk:maxRetryTimeMs": "3000" });
    const failing = record("failing up", stack, await stack.up(program("failing")));
    assert.equal(failing.ok, false);
    assert.match(
      failing.errors.join("\n"),
      /update \(set owned keys\) failed with HTTP 500 \(internal_clerk_error: /,
    );
    const failedRefresh = record("failing refresh", stack, await stack.refresh());
    assert.equal(failedRefresh.ok, false);
    const failedDestroy = record("failing destroy", stack, await stack.destroy());
    assert.equal(failedDestroy.ok, false);
    assert.match(failedDestroy.errors.join("\n"), /delete \(remove owned keys\) failed with HTTP 500/);
    // The host prints every failed read and delete (to stderr): that output is scanned too.
    assert.equal(stack.lastHostOutput().trim().split("\n").length, 4);
    emulator.clearFaults();

    // the same up again finishes the job and corrects the drift; then destroy
    stack = stackWith();
    assertOk(record("up after the failure", stack, await stack.up(program("failing"), { refresh: true })));
    assert.equal(emulator.data.getUser("user_sec1")?.private_metadata.apiToken, secret.failingToken);
    assert.equal(emulator.data.getMembership("org_sec", "user_sec1")?.private_metadata.pin, secret.pin);
    assertOk(record("destroy", stack, await stack.destroy()));
    assert.deepEqual(emulator.data.getUser("user_sec1")?.private_metadata, {
      ...appMetadata("user_sec1").private_metadata,
      billing: {},
    });
    assert.deepEqual(
      emulator.data.getOrganization("org_sec")?.private_metadata,
      appMetadata("org_sec").private_metadata,
    );

    scanned.push({ source: "driver log", text: logged.join("\n") });
    assert.ok(logged.length > 20, "the driver logged every step");

    const leaks = scanned.flatMap(({ source, text }) =>
      needles.filter((needle) => text.includes(needle)).map((needle) => `${source} holds ${needle}`),
    );
    assert.deepEqual(leaks, []);
  });
});
