import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { formatResult } from "../../driver/print";
import { loadState, publicState } from "../../driver/state";
import { Recorded } from "./fixtures/recorder";
import { Harness } from "./fixtures/harness";

const plaintext = "sk_live_DO_NOT_LEAK_1234";
const asoPlaintext = "aso-value-DO-NOT-LEAK";

describe("driver secrets and config", () => {
  const h = new Harness();
  before(() => h.start());
  after(() => h.stop());
  beforeEach(() => h.clearCalls());

  it("never writes a secret input or additionalSecretOutputs property in plaintext, yet round-trips it into Diff and Update", async () => {
    const stack = h.stack();
    const program = (value: string, secret: string) => () => {
      new Recorded(
        "s",
        { key: "s", secretValue: pulumi.secret(secret), token: asoPlaintext, value },
        { additionalSecretOutputs: ["token"] },
      );
    };
    const up = await stack.up(program("v1", plaintext));
    assert.equal(up.ok, true, up.errors.join("\n"));
    const raw = fs.readFileSync(stack.stateFile, "utf8");
    assert.equal(raw.includes(plaintext), false);
    // additionalSecretOutputs encrypts the output; the same-named input stays plaintext, as in the engine
    // (step_executor.go continueExecuteStep marks outputs only; pulumi/pulumi#7910).
    const stored = JSON.parse(raw).resources[0];
    assert.equal(JSON.stringify(stored.outputs).includes(asoPlaintext), false);
    assert.equal(stored.inputs.token, asoPlaintext);
    assert.match(
      raw,
      /"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext": "v1:/,
    );
    const [res] = stack.state().resources;
    assert.deepEqual(res?.secretInputs.sort(), ["secretValue"]);
    assert.deepEqual(res?.secretOutputs.sort(), ["secretValue", "token"]);
    assert.equal(res?.outputs.secretValue, plaintext);

    h.clearCalls();
    const preview = await stack.preview(program("v2", "sk_live_NEW_SECRET_5678"));
    const printed = formatResult(preview);
    assert.match(printed, /value: "v1" => "v2"/);
    assert.match(printed, /secretValue: \[secret\] => \[secret\]/);
    assert.equal(printed.includes(plaintext), false);
    assert.equal(printed.includes("sk_live_NEW_SECRET_5678"), false);
    const diff = h.calls().find((c) => c.method === "diff");
    assert.equal(diff?.olds?.secretValue, plaintext);
    assert.equal(diff?.olds?.token, asoPlaintext);

    h.clearCalls();
    await stack.up(program("v2", plaintext));
    const update = h.calls().find((c) => c.method === "update");
    assert.equal(update?.olds?.secretValue, plaintext);
    assert.equal(update?.news?.secretValue, plaintext);
    assert.equal(fs.readFileSync(stack.stateFile, "utf8").includes(plaintext), false);
    assert.equal(h.host.output().includes(plaintext), false);
    assert.equal(h.host.output().includes(asoPlaintext), false);
  });

  it("refuses to load state with the wrong passphrase", async () => {
    const stack = h.stack({ passphrase: "right" });
    await stack.up(() => {
      new Recorded("p", { key: "p", secretValue: pulumi.secret("x") });
    });
    assert.throws(() => loadState(stack.stateFile, "wrong"), /incorrect passphrase/);
    assert.equal(publicState(loadState(stack.stateFile, "right")).resources[0]?.inputs.secretValue, "x");
  });

  it("hands stack config, including a secret clerk:secretKey, to configure unwrapped and to the program", async () => {
    // A stack without a shared host starts its own per operation, so configure sees this config.
    const stack = h.stack({
      host: undefined,
      hostOptions: { env: h.env },
      config: { "clerk:secretKey": { value: plaintext, secret: true }, "clerk:instance": "dev" },
    });
    let seen: unknown;
    let seenSecret: boolean | undefined;
    const result = await stack.up(() => {
      const cfg = new pulumi.Config("clerk");
      seen = cfg.get("instance");
      const key = cfg.requireSecret("secretKey");
      void pulumi.isSecret(key).then((s) => (seenSecret = s));
      new Recorded("c", { key: "c" });
    });
    assert.equal(result.ok, true, result.errors.join("\n"));
    const configure = h.calls().find((c) => c.method === "configure");
    assert.equal(configure?.secretKey, plaintext);
    assert.equal(configure?.instance, "dev");
    assert.equal(seen, "dev");
    assert.equal(seenSecret, true);
    assert.equal(stack.lastHostOutput().includes(plaintext), false);
  });
});
