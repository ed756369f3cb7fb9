import { ProviderHost } from "../driver/host";
import { Limiter } from "../driver/limiter";
import { processCpuMs } from "./processCpu";

/** What one host-direct run is given. */
export interface HostDirectOptions {
  /** Working directory of the host: the scratch program, so `__provider`'s `require` finds the package. */
  cwd: string;
  /** The `UserMetadata` provider as serialized from the installed package. */
  providerString: string;
  /** Plain stack config (`clerk:*`). */
  config: Record<string, string>;
  userIds: readonly string[];
  /** Creates in flight at once. */
  parallel: number;
  /** The publicMetadata of the resource on user `i`. */
  metadata: (i: number) => Record<string, unknown>;
}

/** The outcome of a host-direct run. */
export interface HostDirectResult {
  wallMs: number;
  failures: string[];
  /** CPU the host process used during the run, in milliseconds (`undefined` without `/proc`). */
  hostCpuMs: number | undefined;
}

/**
 * Check + Create of one `UserMetadata` per user sent straight to a fresh dynamic-provider host
 * over gRPC, `parallel` at a time, without the engine driver's planning and state file: what the
 * provider and host can do on their own. The wall time excludes the host's start-up.
 */
export async function runHostDirect(options: HostDirectOptions): Promise<HostDirectResult> {
  const host = await ProviderHost.start({ cwd: options.cwd });
  const pid = (host as unknown as { child: { pid?: number } }).child.pid;
  try {
    await host.configure(options.config);
    const limiter = new Limiter(options.parallel);
    const failures: string[] = [];
    const cpuBefore = processCpuMs(pid);
    const started = performance.now();
    await Promise.all(
      options.userIds.map((userId, i) =>
        limiter.run(async () => {
          const urn = `urn:pulumi:bench::bench::pulumi-nodejs:dynamic/clerk:UserMetadata::direct-${i}`;
          const news = { __provider: options.providerString, userId, publicMetadata: options.metadata(i) };
          try {
            const checked = await host.check(urn, {}, news);
            if (checked.failures.length > 0) throw new Error(JSON.stringify(checked.failures));
            await host.create(urn, checked.inputs);
          } catch (error) {
            failures.push(error instanceof Error ? error.message : String(error));
          }
        }),
      ),
    );
    const wallMs = performance.now() - started;
    const cpuAfter = processCpuMs(pid);
    return {
      wallMs,
      failures,
      hostCpuMs: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined,
    };
  } finally {
    await host.stop();
  }
}
