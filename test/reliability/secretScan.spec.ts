/**
 * A stack whose resources declare private metadata, run by Pulumi's real CLI through preview, up,
 * an update, drift and refresh, a bad declaration, failing runs and destroy. After every
 * operation, everything our side holds is scanned for the secret key and every private value:
 * every file under the stack's folder (the backend's state, its backups and history, the
 * workspace's settings and config, PULUMI_HOME), the CLI's display and stderr, the result's
 * steps, errors and diagnostics (but debug ones, see below), and the serialized `__provider` of
 * every resource.
 * (The emulator's request log is Clerk's side and is not scanned.)
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { SeedData } from "../../emulator";
import type { Stack } from "../../engine/stack";
import type { OperationResult } from "../../engine/types";
import { OrganizationMembershipMetadata, OrganizationMetadata, UserMetadata } from "../../provider";
import { clientFor } from "../support/clerk";
import { filesUnder } from "../support/files";
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

describe("reliability: no secret leaves through the provider or the CLI", function () {
  // About fifteen CLI runs.
  this.timeout(600_000);
  const world = StackWorld.forSuite(seed);

  it("keeps the secret key and every private metadata value out of state files, backups, history, config, the CLI's output, errors and __provider, through a whole lifecycle", async () => {
    const emulator = world.emulator;
    const dir = world.stackDir();
    const display: string[] = [];
    const stackWith = (extra: Record<string, string> = {}): Promise<Stack> =>
      world.stack(Object.fromEntries(Object.entries(extra).map(([k, value]) => [k, { value }])), {
        dir,
        parallel: 4,
        onOutput: (text) => display.push(text),
      });
    const needles = [emulator.secretKey, ...Object.values(secret), ...appPrivate];

    /** Everything one operation produced on our side, by source. */
    const scanned: { source: string; text: string }[] = [];
    const record = async <T extends OperationResult>(step: string, result: T): Promise<T> => {
      scanned.push({ source: `${step}: stdout`, text: result.stdout });
      scanned.push({ source: `${step}: stderr`, text: result.stderr });
      scanned.push({ source: `${step}: errors`, text: result.errors.join("\n") });
      scanned.push({ source: `${step}: steps`, text: JSON.stringify(result.steps) });
      // Debug diagnostics are left out: the Node SDK logs every RegisterResource answer at debug
      // level, outputs included, secrets in plaintext (`@pulumi/pulumi` runtime/resource.js,
      // "RegisterResource RPC finished: … resp: …", 3.248.0); the CLI shows them only with
      // `--debug` and writes them to an `--event-log` file. That is Pulumi's, not the provider's.
      const shown = result.diagnostics.filter((d) => d.severity !== "debug");
      scanned.push({ source: `${step}: diagnostics`, text: JSON.stringify(shown) });
      for (const file of filesUnder(dir)) {
        scanned.push({
          source: `${step}: ${path.relative(dir, file)}`,
          text: fs.readFileSync(file, "latin1"),
        });
      }
      // Each resource's `__provider` is in the state file, in plain text, inputs and outputs.
      return result;
    };

    // preview, up, a no-change up (each `up` right after the preview of the same program: no second preview)
    let stack = await stackWith();
    assertOk(await record("preview", await stack.preview(program("first"))));
    assertOk(await record("up", await stack.up(program("first"), { skipPreview: true })));
    const same = assertOk(
      await record("no-change up", await stack.up(program("first"), { skipPreview: true })),
    );
    assert.deepEqual(opCounts(same), { same: 4 });
    // Positive control: the values are really in play (in Clerk, and decrypted in state).
    assert.equal(emulator.data.getUser("user_sec1")?.private_metadata.apiToken, secret.token);
    const decrypted = JSON.stringify((await stack.state()).resources);
    for (const value of [secret.token, secret.iban, secret.crm, secret.listed, secret.pin, secret.note]) {
      assert.ok(decrypted.includes(value), `${value} is in the decrypted state`);
    }

    // an update: values rotated, a nested key and a whole field dropped
    const preview = assertOk(
      await record("preview update", await stack.preview(program("rotated"), { diff: true })),
    );
    // The display shows that private metadata changes, never how.
    assert.match(preview.stdout, /privateMetadata\s*:\s*\[secret\]/);
    const update = assertOk(
      await record("update", await stack.up(program("rotated"), { skipPreview: true })),
    );
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
    const gate = assertOk(
      await record(
        "preview --refresh --diff",
        await stack.preview(program("rotated"), { refresh: true, diff: true }),
      ),
    );
    assert.ok(
      gate.steps.some((s) => s.op === "update" && s.name === "ada"),
      "the drift shows as a change",
    );
    const refresh = assertOk(await record("refresh", await stack.refresh()));
    // The engine's summary counts the stack resource too.
    assert.deepEqual(refresh.changes, { same: 3, update: 2 });
    // The drifted values were read into state.
    const refreshed = (await stack.state()).resources;
    const privateOf = (name: string) =>
      refreshed.find((r) => r.name === name)?.outputs.privateMetadata as Record<string, unknown> | undefined;
    assert.equal(privateOf("ada")?.apiToken, secret.driftToken);
    assert.equal(privateOf("member")?.pin, secret.driftPin);

    // a bad declaration: the check failure names the path, never the value
    const bad = await record(
      "preview of a bad declaration",
      await stack.preview(() => {
        program("rotated")();
        new UserMetadata("oversized", {
          userId: "user_sec2",
          privateMetadata: { blob: secret.oversized.repeat(500) },
        });
      }),
    );
    assert.equal(bad.ok, false);
    assert.match(
      bad.errors.join("\n"),
      /resource 'oversized' has a problem: privateMetadata: is \d+ bytes of JSON/,
    );

    // failing runs: Clerk answers 500 until the retries run out, for writes, reads and deletes
    emulator.inject({ status: 500, count: 1000 });
    stack = await stackWith({ "clerk:maxRetries": "1", "clerk:maxRetryTimeMs": "3000" });
    const failing = await record("failing up", await stack.up(program("failing")));
    assert.equal(failing.ok, false);
    assert.match(
      failing.errors.join("\n"),
      /update \(set owned keys\) failed with HTTP 500 \(internal_clerk_error: /,
    );
    const failedRefresh = await record("failing refresh", await stack.refresh());
    assert.equal(failedRefresh.ok, false);
    assert.match(failedRefresh.errors.join("\n"), /failed with HTTP 500/);
    const failedDestroy = await record("failing destroy", await stack.destroy());
    assert.equal(failedDestroy.ok, false);
    assert.match(failedDestroy.errors.join("\n"), /delete \(remove owned keys\) failed with HTTP 500/);
    emulator.clearFaults();

    // the same up again finishes the job and corrects the drift; then destroy
    stack = await stackWith({ "clerk:maxRetries": "5", "clerk:maxRetryTimeMs": "120000" });
    assertOk(
      await record(
        "up after the failure",
        await stack.up(program("failing"), { refresh: true, skipPreview: true }),
      ),
    );
    assert.equal(emulator.data.getUser("user_sec1")?.private_metadata.apiToken, secret.failingToken);
    assert.equal(emulator.data.getMembership("org_sec", "user_sec1")?.private_metadata.pin, secret.pin);
    // The serialized provider of every resource, as the state holds it (the state file was scanned whole too).
    const providers = (await stack.state()).resources.flatMap((r) => [
      r.inputs.__provider,
      r.outputs.__provider,
    ]);
    assert.ok(providers.length > 0 && providers.every((p) => typeof p === "string" && p.length > 0));
    scanned.push({ source: "__provider of every resource", text: providers.join("\n") });

    assertOk(await record("destroy", await stack.destroy()));
    assert.deepEqual(emulator.data.getUser("user_sec1")?.private_metadata, {
      ...appMetadata("user_sec1").private_metadata,
      billing: {},
    });
    assert.deepEqual(
      emulator.data.getOrganization("org_sec")?.private_metadata,
      appMetadata("org_sec").private_metadata,
    );

    // The display as the CLI streamed it, every operation of the test.
    scanned.push({ source: "CLI display", text: display.join("") });
    assert.match(display.join(""), /clerk:UserMetadata/);

    const leaks = scanned.flatMap(({ source, text }) =>
      needles.filter((needle) => text.includes(needle)).map((needle) => `${source} holds ${needle}`),
    );
    assert.deepEqual([...new Set(leaks)], []);
  });
});
