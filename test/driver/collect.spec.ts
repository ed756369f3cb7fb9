import * as assert from "node:assert/strict";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { collect } from "../../driver/collect";
import { unknownValue } from "../../driver/values";
import { Recorded } from "./fixtures/recorder";

const programPath = path.join(__dirname, "fixtures", "program.ts");
const config = { "clerk:instance": "dev", "clerk:secretKey": { value: "sk_x", secret: true as const } };

describe("driver collect", () => {
  it("collects a module program's registrations, options, secret inputs and exports, repeatably", async () => {
    for (let i = 0; i < 3; i++) {
      const result = await collect(programPath, { preview: false, config });
      assert.equal(result.error, undefined);
      assert.deepEqual(
        result.registrations.map((r) => r.name),
        ["org", "member"],
      );
      const [org, member] = result.registrations;
      assert.equal(org?.type, "pulumi-nodejs:dynamic/test:Recorded");
      assert.equal(org?.inputs.key, "dev");
      assert.equal(org?.inputs.secretValue, "sk_x");
      assert.deepEqual(org?.secretInputs, ["secretValue"]);
      assert.equal(typeof org?.inputs.__provider, "string");
      assert.equal(member?.inputs.value, "org-id");
      assert.deepEqual(member?.options, { retainOnDelete: true, deleteBeforeReplace: true });
      assert.deepEqual(member?.dependencies, [org?.urn]);
      assert.deepEqual(result.outputs, { orgKey: "dev" });
    }
  });

  it("fails the program when a resource input rejects, as the language host does, and stops waiting for exports that can never resolve", async () => {
    const started = Date.now();
    const result = await collect(
      () => {
        const missing = pulumi.output(Promise.reject(new Error("no organization has the slug initech")));
        const b = new Recorded("b", { key: missing as pulumi.Output<string> });
        new Recorded("fine", { key: "fine" });
        return { bKey: b.key };
      },
      { preview: true },
    );
    assert.match(result.error ?? "", /no organization has the slug initech/);
    assert.deepEqual(
      result.registrations.map((r) => r.name),
      ["fine"],
    );
    assert.ok(Date.now() - started < 10_000, "collect returned");
  });

  it("makes inputs that depend on not-yet-existing outputs unknown in preview", async () => {
    const result = await collect(
      () => {
        const a = new Recorded("a", { key: "a" });
        new Recorded("b", { key: "b", value: a.id, token: a.key });
      },
      { preview: true },
    );
    const b = result.registrations.find((r) => r.name === "b");
    assert.equal(b?.inputs.value, unknownValue);
    assert.equal(b?.inputs.token, "a");
  });

  it("reports a program error without throwing", async () => {
    const result = await collect(
      () => {
        new Recorded("a", { key: "a" });
        return pulumi.output(Promise.reject(new Error("boom")));
      },
      { preview: false },
    );
    assert.match(result.error ?? "", /boom/);
  });

  it("takes well under a second per run", async () => {
    const start = Date.now();
    for (let i = 0; i < 5; i++) await collect(programPath, { preview: true, config });
    assert.ok(Date.now() - start < 5000);
  });
});
