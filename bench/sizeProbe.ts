/**
 * Child-process script for figure 2: registers one resource of each kind under Pulumi's mocks
 * and prints, as one JSON line, what Pulumi would store for each: the `__provider` string and
 * the inputs and outputs as stored. Run in the scratch program (plain JS, transpiled by
 * `stateSize.ts`, loading the installed package) or from source in this repository (with
 * ts-node, `PROBE_PACKAGE` pointing at `provider/index.ts`).
 *
 * Environment: `PROBE_PACKAGE` (module to load; default the installed `pulumi-clerk-metadata`),
 * `CLERK_SECRET_KEY`, `CLERK_API_URL` (the bench's emulator), `PROBE_USER`, `PROBE_ORG`,
 * `PROBE_MEMBER` (seeded ids).
 */
import type * as pulumiTypes from "@pulumi/pulumi";
import type * as packageTypes from "../provider";

/** One kind's stored figures, as the probe prints them. */
export interface ProbeResult {
  type: string;
  /** The serialized provider, as stored in both inputs and outputs. */
  provider: string;
  /** The checked inputs as stored (including `__provider`). */
  inputs: Record<string, unknown>;
  /** The outputs as stored: the create outputs plus `__provider`, as the dynamic-provider host returns them. */
  outputs: Record<string, unknown>;
}

/** The declaration every probed resource makes: a typical small publicMetadata. */
export const probeMetadata = {
  plan: "pro",
  limits: { seats: 25, storageGb: 100 },
  features: ["sso", "audit"],
};

async function main(): Promise<void> {
  const pulumi = require("@pulumi/pulumi") as typeof pulumiTypes;
  const registered = new Map<string, Record<string, unknown>>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.set(args.type, args.inputs as Record<string, unknown>);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "bench",
    "dev",
    false,
  );
  const pkg = require(process.env.PROBE_PACKAGE || "pulumi-clerk-metadata") as typeof packageTypes;
  const env = (name: string) => process.env[name] ?? "";
  const resources = [
    new pkg.UserMetadata("user", { userId: env("PROBE_USER"), publicMetadata: probeMetadata }),
    new pkg.OrganizationMetadata("org", { organizationId: env("PROBE_ORG"), publicMetadata: probeMetadata }),
    new pkg.OrganizationMembershipMetadata("member", {
      organizationId: env("PROBE_ORG"),
      userId: env("PROBE_MEMBER"),
      publicMetadata: probeMetadata,
    }),
  ];
  await new Promise<void>((resolve) => pulumi.all(resources.map((r) => r.id)).apply(() => resolve()));

  const providers: Record<string, packageTypes.MetadataProvider> = {
    UserMetadata: pkg.userMetadataProvider,
    OrganizationMetadata: pkg.organizationMetadataProvider,
    OrganizationMembershipMetadata: pkg.organizationMembershipMetadataProvider,
  };
  await pkg.userMetadataProvider.configure!({
    config: {
      get: (key: string) =>
        ({ "clerk:secretKey": env("CLERK_SECRET_KEY"), "clerk:apiUrl": env("CLERK_API_URL") })[key],
    },
  } as never);
  const results: ProbeResult[] = [];
  for (const [type, inputs] of registered) {
    const kind = type.split(":").pop() ?? type;
    const provider = providers[kind];
    const checked = await provider.check!({} as never, inputs as never);
    const stored = { ...checked.inputs, __provider: inputs.__provider };
    const created = await provider.create(checked.inputs as never);
    results.push({
      type: kind,
      provider: String(inputs.__provider),
      inputs: stored,
      outputs: { ...created.outs, __provider: inputs.__provider },
    });
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  });
}
