/**
 * Driving the provider's hooks in-process as the dynamic-provider host would: configure them for an
 * emulator, run `check` on raw inputs, and check then create.
 */
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator";
import {
  userMetadataProvider,
  type MetadataInputs,
  type MetadataOutputs,
  type MetadataProvider,
} from "../../provider";

/** The stack configuration a test hands to `configure`, as the dynamic-provider host would. */
export function configRequest(values: Record<string, string>): pulumi.dynamic.ConfigureRequest {
  const config: Pick<pulumi.Config, "get" | "require"> = {
    get: <K extends string = string>(key: string) => values[key] as K | undefined,
    require: <K extends string = string>(key: string) => values[key] as K,
  };
  // The hooks read the stack config through `get` alone; the rest of `pulumi.Config` needs a running stack.
  return { config: config as pulumi.Config };
}

/** Points every provider of this process at the emulator through the stack config `clerk:*`. */
export async function configureFor(emulator: Emulator, extra: Record<string, string> = {}): Promise<void> {
  await userMetadataProvider.configure!(
    configRequest({
      "clerk:secretKey": emulator.secretKey,
      "clerk:apiUrl": emulator.url,
      "clerk:maxRetryTimeMs": "5000",
      ...extra,
    }),
  );
}

/** Starts an emulator and configures the providers for it. */
export async function startConfiguredEmulator(): Promise<Emulator> {
  const emulator = await startEmulator();
  await configureFor(emulator);
  return emulator;
}

/** Runs `check` on inputs as a program declared them (not yet validated), with no old inputs. */
export async function runCheck(
  provider: MetadataProvider,
  news: Record<string, unknown>,
): Promise<pulumi.dynamic.CheckResult<MetadataInputs>> {
  // `check` is where raw inputs get validated: it must accept what the engine sends, typed or not.
  return provider.check!({}, news as MetadataInputs);
}

/** Runs `check` and fails the test on check failures; returns the checked inputs. */
export async function checkedInputs(
  provider: MetadataProvider,
  news: Record<string, unknown>,
): Promise<MetadataInputs> {
  const result = await runCheck(provider, news);
  assert.deepEqual(result.failures ?? [], [], `check failed for ${JSON.stringify(news)}`);
  return result.inputs as MetadataInputs;
}

/** Runs check then create, as the engine does for a new resource; fails on check failures. */
export async function checkAndCreate(
  provider: MetadataProvider,
  news: Record<string, unknown>,
): Promise<{ id: string; outs: MetadataOutputs; inputs: MetadataInputs }> {
  const inputs = await checkedInputs(provider, news);
  const created = await provider.create(inputs);
  return { id: created.id, outs: created.outs as MetadataOutputs, inputs };
}
