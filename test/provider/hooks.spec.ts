import assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import type { JsonObject, MetadataOutputs } from "../../provider";
import { checkAndCreate, runCheck, startConfiguredEmulator } from "../support/hooks";
import { ownershipOfOutputs } from "../../provider/core/outputs";
import { kindKeys, resourceTypes, testKinds } from "../support/kinds";
import { callsOf } from "../support/wire";
import { kindHarnesses, type KindHarness } from "./harness";

/** The requests the emulator logged, as method, path (without the query string) and body. */
function wire(emulator: Emulator) {
  return callsOf(emulator.requests(), { withQuery: false });
}

describe("provider hooks against the Clerk emulator", () => {
  let emulator: Emulator;
  let harnesses: KindHarness[];

  before(async () => {
    emulator = await startConfiguredEmulator();
    harnesses = kindHarnesses(emulator);
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.reset());

  for (const index of [0, 1, 2]) {
    describe(resourceTypes[kindKeys[index]], () => {
      const kind = () => harnesses[index];
      const spec = testKinds[kindKeys[index]].spec;

      async function seeded(publicMetadata: JsonObject, privateMetadata: JsonObject = {}) {
        const ids = await kind().seed({ publicMetadata, privateMetadata });
        emulator.reset();
        return ids;
      }

      describe("create", () => {
        it("sends one PATCH that sets every owned leaf and keeps the app's keys", async () => {
          const ids = await seeded({ app: { version: 3 }, limits: { projects: 2 } });
          const { id, outs } = await checkAndCreate(kind().provider, {
            ...ids,
            publicMetadata: { plan: "pro", limits: { seats: 25 }, legacy: null },
            privateMetadata: { billingId: "cus_123" },
          });
          assert.equal(id, kind().resourceId(ids));
          assert.deepEqual(wire(emulator), [
            {
              method: "PATCH",
              path: kind().metadataPath(ids),
              body: {
                public_metadata: { plan: "pro", limits: { seats: 25 }, legacy: null },
                private_metadata: { billingId: "cus_123" },
              },
            },
          ]);
          assert.deepEqual(kind().stored(ids)!.public_metadata, {
            app: { version: 3 },
            limits: { projects: 2, seats: 25 },
            plan: "pro",
          });
          assert.deepEqual(outs.publicMetadata, { plan: "pro", limits: { seats: 25 }, legacy: null });
          assert.deepEqual(outs.privateMetadata, { billingId: "cus_123" });
          // The outputs imply what the resource owns, so the state does not store it again.
          assert.equal(outs.ownership, undefined);
          assert.deepEqual(ownershipOfOutputs(spec, outs).publicMetadata, {
            plan: "set",
            limits: { seats: "set" },
            legacy: "absent",
          });
        });

        it("adopts a key that already exists and overwrites it", async () => {
          const ids = await seeded({ plan: "free", app: 1 });
          await checkAndCreate(kind().provider, { ...ids, publicMetadata: { plan: "pro" } });
          assert.deepEqual(kind().stored(ids)!.public_metadata, { plan: "pro", app: 1 });
        });

        it("checks with one GET that the entity exists when nothing is declared", async () => {
          const ids = await seeded({ app: 1 });
          const { outs } = await checkAndCreate(kind().provider, { ...ids });
          assert.deepEqual(
            wire(emulator).map((r) => [r.method, r.path]),
            [["GET", kind().readPath(ids)]],
          );
          assert.deepEqual(ownershipOfOutputs(spec, outs), {});
        });

        it("fails naming the missing id and the kind of instance", async () => {
          const ids = await seeded({});
          await kind().remove(ids);
          await assert.rejects(
            checkAndCreate(kind().provider, { ...ids, publicMetadata: { plan: "pro" } }),
            (error: Error) => {
              assert.match(error.message, /HTTP 404/);
              assert.match(error.message, /not found in this development instance/);
              for (const value of Object.values(ids)) assert.ok(error.message.includes(value));
              assert.ok(!error.message.includes(emulator.secretKey));
              return true;
            },
          );
        });
      });

      describe("create with adopt", () => {
        it("reads once and writes nothing when Clerk already holds every declared value, keeping foreign keys", async () => {
          const ids = await seeded(
            { plan: "pro", limits: { seats: 5, projects: 2 }, app: 1 },
            { crm: "c_1" },
          );
          const { outs } = await checkAndCreate(kind().provider, {
            ...ids,
            adopt: true,
            publicMetadata: { plan: "pro", limits: { seats: 5 }, legacy: null },
            privateMetadata: { crm: "c_1" },
          });
          assert.deepEqual(
            wire(emulator).map((r) => r.method),
            ["GET"],
          );
          assert.deepEqual(outs.publicMetadata, { plan: "pro", limits: { seats: 5 }, legacy: null });
          assert.deepEqual(outs.privateMetadata, { crm: "c_1" });
          assert.equal(outs.ownership, undefined);
          assert.deepEqual(ownershipOfOutputs(spec, outs).publicMetadata, {
            plan: "set",
            limits: { seats: "set" },
            legacy: "absent",
          });
          // A refresh keeps `adopt` in the inputs it returns, so the display never shows it changing.
          const read = await kind().provider.read!(kind().resourceId(ids), outs);
          assert.equal((read.inputs as { adopt?: boolean }).adopt, true);
        });

        it("reads, then writes as any create when one declared value differs", async () => {
          const ids = await seeded({ plan: "free", limits: { seats: 5 } });
          await checkAndCreate(kind().provider, {
            ...ids,
            adopt: true,
            publicMetadata: { plan: "pro", limits: { seats: 5 } },
          });
          const [read, write] = wire(emulator);
          assert.deepEqual([read.method, read.path], ["GET", kind().readPath(ids)]);
          assert.deepEqual(write, {
            method: "PATCH",
            path: kind().metadataPath(ids),
            body: { public_metadata: { plan: "pro", limits: { seats: 5 } } },
          });
          assert.equal(wire(emulator).length, 2);
        });

        it("writes when a key declared absent is held", async () => {
          const ids = await seeded({ plan: "pro", legacy: true });
          await checkAndCreate(kind().provider, {
            ...ids,
            adopt: true,
            publicMetadata: { plan: "pro", legacy: null },
          });
          assert.deepEqual(
            wire(emulator).map((r) => r.method),
            ["GET", "PATCH"],
          );
          assert.deepEqual(kind().stored(ids)!.public_metadata, { plan: "pro" });
        });

        it("adopts an authoritative field only when it holds exactly the declaration, reading once either way", async () => {
          const exact = await seeded({ plan: "pro" });
          await checkAndCreate(kind().provider, {
            ...exact,
            adopt: true,
            authoritative: true,
            publicMetadata: { plan: "pro" },
          });
          assert.deepEqual(
            wire(emulator).map((r) => r.method),
            ["GET"],
          );
          emulator.reset();
          const extra = await seeded({ plan: "pro", app: 1 });
          await checkAndCreate(kind().provider, {
            ...extra,
            adopt: true,
            authoritative: true,
            publicMetadata: { plan: "pro" },
          });
          const methods = wire(emulator).map((r) => r.method);
          assert.equal(methods[0], "GET");
          assert.equal(methods.filter((m) => m === "GET").length, 1, methods.join(" "));
          assert.deepEqual(kind().stored(extra)!.public_metadata, { plan: "pro" });
        });
      });

      describe("update", () => {
        it("sends one PATCH with the new values and nulls for keys no longer declared, at any depth", async () => {
          const ids = await seeded({ app: { keep: true } });
          const { outs } = await checkAndCreate(kind().provider, {
            ...ids,
            publicMetadata: { plan: "pro", a: { b: { c: 1, d: 2 }, e: 3 }, gone: true },
          });
          emulator.reset();
          const news = { ...ids, publicMetadata: { plan: "team", a: { b: { d: 2 } } } };
          const checked = await runCheck(kind().provider, news);
          const diff = await kind().provider.diff!(kind().resourceId(ids), outs, checked.inputs!);
          // Only what the host reads: it ignores `stables` and `deleteBeforeReplace: false`.
          assert.deepEqual(diff, { changes: true, replaces: [] });
          const updated = await kind().provider.update!(kind().resourceId(ids), outs, checked.inputs!);
          assert.deepEqual(wire(emulator), [
            {
              method: "PATCH",
              path: kind().metadataPath(ids),
              body: { public_metadata: { plan: "team", a: { b: { c: null, d: 2 }, e: null }, gone: null } },
            },
          ]);
          assert.deepEqual(kind().stored(ids)!.public_metadata, {
            app: { keep: true },
            plan: "team",
            a: { b: { d: 2 } },
          });
          assert.deepEqual(updated.outs!.publicMetadata, { plan: "team", a: { b: { d: 2 } } });
        });

        it("removes every owned key of a field that is no longer declared", async () => {
          const ids = await seeded({ app: 1 });
          const { outs } = await checkAndCreate(kind().provider, {
            ...ids,
            publicMetadata: { plan: "pro" },
            privateMetadata: { secret: "s" },
          });
          emulator.reset();
          const updated = await kind().provider.update!(kind().resourceId(ids), outs, {
            ...ids,
            publicMetadata: { plan: "pro" },
          });
          assert.deepEqual(wire(emulator)[0].body, {
            public_metadata: { plan: "pro" },
            private_metadata: { secret: null },
          });
          assert.deepEqual(kind().stored(ids)!.private_metadata, {});
          assert.equal(updated.outs!.privateMetadata, undefined);
        });
      });

      describe("delete", () => {
        it("sends one PATCH that nulls only the owned leaves", async () => {
          const ids = await seeded({ app: 1, limits: { projects: 2 } });
          const { outs } = await checkAndCreate(kind().provider, {
            ...ids,
            publicMetadata: { plan: "pro", limits: { seats: 5 } },
          });
          emulator.reset();
          await kind().provider.delete!(kind().resourceId(ids), outs);
          assert.deepEqual(wire(emulator), [
            {
              method: "PATCH",
              path: kind().metadataPath(ids),
              body: { public_metadata: { plan: null, limits: { seats: null } } },
            },
          ]);
          assert.deepEqual(kind().stored(ids)!.public_metadata, { app: 1, limits: { projects: 2 } });
        });

        it("counts an entity that no longer exists as already deleted", async () => {
          const ids = await seeded({});
          const { outs } = await checkAndCreate(kind().provider, { ...ids, publicMetadata: { plan: "pro" } });
          await kind().remove(ids);
          await kind().provider.delete!(kind().resourceId(ids), outs);
        });

        it("sends nothing when the resource owns nothing", async () => {
          const ids = await seeded({ app: 1 });
          const { outs } = await checkAndCreate(kind().provider, { ...ids });
          emulator.reset();
          await kind().provider.delete!(kind().resourceId(ids), outs);
          assert.deepEqual(wire(emulator), []);
        });
      });

      describe("read", () => {
        it("projects Clerk's values onto the owned paths only, with one GET, so only owned keys show drift", async () => {
          const ids = await seeded({ app: 1 });
          const { outs } = await checkAndCreate(kind().provider, {
            ...ids,
            publicMetadata: { plan: "pro", limits: { seats: 5 }, legacy: null },
          });
          await kind().write(ids, {
            publicMetadata: { plan: "free", legacy: "back", app: 2, limits: { extra: 1 } },
          });
          emulator.reset();
          const result = await kind().provider.read!(kind().resourceId(ids), outs);
          assert.equal(wire(emulator).length, 1);
          assert.equal(wire(emulator)[0].method, "GET");
          assert.equal(result.id, kind().resourceId(ids));
          const props = result.props as MetadataOutputs;
          assert.deepEqual(props.publicMetadata, { plan: "free", limits: { seats: 5 }, legacy: "back" });
          // Drift changed what the projection implies (`legacy` is held again), so the ownership is stored.
          assert.deepEqual(props.ownership, ownershipOfOutputs(spec, outs));
          // Inputs are what the program would declare to produce what Clerk holds: Pulumi's display
          // compares old inputs with new ones, so this is what shows each drifted key.
          assert.deepEqual(result.inputs, {
            ...ids,
            publicMetadata: { plan: "free", limits: { seats: 5 }, legacy: "back" },
          });
        });

        it("returns an empty id for an entity that is gone", async () => {
          const ids = await seeded({});
          const { outs } = await checkAndCreate(kind().provider, { ...ids, publicMetadata: { plan: "pro" } });
          await kind().remove(ids);
          const result = await kind().provider.read!(kind().resourceId(ids), outs);
          assert.equal(result.id, "");
        });

        it("keeps a vanished owned key owned after refreshes, and reports it missing", async () => {
          const ids = await seeded({});
          const { outs, inputs } = await checkAndCreate(kind().provider, {
            ...ids,
            publicMetadata: { plan: "pro", limits: { seats: 5 } },
          });
          await kind().provider.delete!(kind().resourceId(ids), outs);
          let props = outs;
          for (let i = 0; i < 2; i++)
            props = (await kind().provider.read!(kind().resourceId(ids), props)).props as MetadataOutputs;
          assert.deepEqual(props.publicMetadata, {});
          assert.deepEqual(props.ownership, ownershipOfOutputs(spec, outs));
          const diff = await kind().provider.diff!(kind().resourceId(ids), props, inputs);
          assert.equal(diff.changes, true);
        });
      });

      describe("authoritative", () => {
        it("leaves the declared field holding exactly the declaration and the other fields untouched", async () => {
          const ids = await seeded({ app: 1, limits: { projects: 2, seats: 1 } }, { kept: true });
          const { outs } = await checkAndCreate(kind().provider, {
            ...ids,
            publicMetadata: { plan: "pro", limits: { seats: 5 } },
            authoritative: true,
          });
          assert.deepEqual(kind().stored(ids)!.public_metadata, { plan: "pro", limits: { seats: 5 } });
          assert.deepEqual(kind().stored(ids)!.private_metadata, { kept: true });
          assert.deepEqual(outs.publicMetadata, { plan: "pro", limits: { seats: 5 } });
          const methods = wire(emulator).map((r) => r.method);
          assert.deepEqual(
            methods,
            kind().name === "OrganizationMembershipMetadata" ? ["GET", "PATCH"] : ["PUT"],
          );
        });
      });
    });
  }
});
