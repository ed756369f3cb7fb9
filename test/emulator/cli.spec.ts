import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { parseCommandLine, USAGE } from "../../emulator/cli";
import { startEmulator, type Emulator } from "../../emulator";
import { clientFor, raw } from "./helpers";

const root = resolve(__dirname, "../..");

/** Resolves with stdout once `pattern` appears in it (rejects after `ms`). */
function waitFor(child: ChildProcess, pattern: RegExp, ms = 25000): Promise<string> {
  let out = "";
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${pattern} in ${out}`)), ms);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        done(out);
      }
    });
  });
}

/** True once nothing answers at `url` any more, checked every 100 ms for up to `ms`. */
async function stopsAnswering(url: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await fetch(`${url}/__emulator/counters`);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("emulator command line", () => {
  describe("parseCommandLine", () => {
    it("reads the provider's rate form 100/10s, milliseconds and off", () => {
      assert.deepEqual(parseCommandLine(["--rate-limit", "100/10s"]).options.rateLimit, {
        requests: 100,
        windowMs: 10000,
      });
      assert.deepEqual(parseCommandLine(["--rate-limit", "50/1.5s"]).options.rateLimit, {
        requests: 50,
        windowMs: 1500,
      });
      assert.deepEqual(parseCommandLine(["--rate-limit", "100/10000"]).options.rateLimit, {
        requests: 100,
        windowMs: 10000,
      });
      assert.deepEqual(parseCommandLine(["--rate-limit", "100/250ms"]).options.rateLimit, {
        requests: 100,
        windowMs: 250,
      });
      assert.equal(parseCommandLine(["--rate-limit", "off"]).options.rateLimit, false);
      assert.throws(() => parseCommandLine(["--rate-limit", "fast"]), /100\/10s/);
    });

    it("takes --help without a value and logs requests unless --quiet", () => {
      assert.deepEqual(parseCommandLine(["--help"]), { help: true, options: {} });
      assert.equal(parseCommandLine(["-h"]).help, true);
      assert.equal(parseCommandLine([]).options.logRequests, true);
      assert.equal(parseCommandLine(["--quiet"]).options.logRequests, false);
    });

    it("reads repeatable faults as JSON or field=value pairs", () => {
      const { faults } = parseCommandLine([
        "--fault",
        '{"status":503,"count":2,"pathRegex":"^/v1/users"}',
        "--fault",
        "latencyMs=50,method=PATCH,drop=true,path=/v1/users/user_1",
      ]).options;
      assert.deepEqual(faults, [
        { status: 503, count: 2, path: /^\/v1\/users/ },
        { latencyMs: 50, method: "PATCH", drop: true, path: "/v1/users/user_1" },
      ]);
      assert.throws(() => parseCommandLine(["--fault", "stauts=503"]), /unknown fault field stauts/);
      assert.throws(() => parseCommandLine(["--fault", "count=many"]), /count must be a number/);
    });

    it("reads both readings of the ambiguous behaviours and rejects other values", () => {
      const { options } = parseCommandLine([
        "--unknown-id-filter",
        "ignored-id",
        "--replace-null",
        "empty-object",
        "--port",
        "8787",
        "--random-seed",
        "7",
      ]);
      assert.equal(options.unknownIdFilter, "ignored-id");
      assert.equal(options.replaceNull, "empty-object");
      assert.equal(options.port, 8787);
      assert.equal(options.randomSeed, 7);
      assert.throws(() => parseCommandLine(["--unknown-id-filter", "kind"]), /dropped-filter or ignored-id/);
      assert.throws(() => parseCommandLine(["--port", "99999"]), /--port/);
    });

    it("rejects unknown options, missing values and positionals", () => {
      assert.throws(() => parseCommandLine(["--bogus"]), /bogus/);
      assert.throws(() => parseCommandLine(["--port"]), /port/);
      assert.throws(() => parseCommandLine(["extra"]), /extra/);
    });

    it("loads the sample seed file", () => {
      const { options } = parseCommandLine(["--seed", resolve(root, "emulator/seed.sample.json")]);
      assert.equal(options.seed?.users?.length, 2);
      assert.equal(options.seed?.organizations?.[0].slug, "acme");
    });
  });

  describe("from a shell", () => {
    it("prints usage for --help and exits 0", async function () {
      this.timeout(30000);
      const child = spawn(
        process.execPath,
        [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "emulator/cli.ts", "--help"],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
      );
      const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
      const out = await waitFor(child, /Admin routes/);
      assert.equal(await exited, 0);
      assert.equal(out.trim(), USAGE);
    });

    it("npm run emulator: logs one line per request and stops when npm is signalled", async function () {
      this.timeout(60000);
      // Its own process group, so that the cleanup below can reach a left-over server too.
      const npm = spawn(
        "npm",
        [
          "run",
          "--silent",
          "emulator",
          "--",
          "--seed",
          "emulator/seed.sample.json",
          "--secret-key",
          "sk_test_npm",
        ],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true },
      );
      try {
        const out = await waitFor(npm, /CLERK_SECRET_KEY=.*\n/);
        const url = /^CLERK_API_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
        assert.ok(url, out);
        const logged = waitFor(npm, /GET \/v1\/users\/user_2ZUtbk2yvnFGItdeze1ivCh3uqh 200 \d+ms\n/);
        const res = await fetch(`${url}/v1/users/user_2ZUtbk2yvnFGItdeze1ivCh3uqh`, {
          headers: { Authorization: "Bearer sk_test_npm" },
        });
        assert.equal(res.status, 200);
        await logged;
        process.kill(npm.pid as number, "SIGTERM"); // what `kill $!` does after `npm run emulator &`
        assert.ok(await stopsAnswering(url, 10000), "the emulator still answers after npm was signalled");
      } finally {
        try {
          process.kill(-(npm.pid as number), "SIGKILL");
        } catch {
          // the whole group is gone already
        }
      }
    });
  });
});

describe("emulator request log and admin routes", () => {
  let emulator: Emulator;
  let lines: string[];
  beforeEach(async () => {
    lines = [];
    emulator = await startEmulator({
      seed: { users: [{ id: "user_1" }] },
      logRequests: (line) => lines.push(line),
    });
  });
  afterEach(() => emulator.stop());

  describe("logRequests", () => {
    it("gives one line per answered request: method, path with query, status, ms, and (fault)", async () => {
      const clerk = clientFor(emulator);
      await clerk.users.getUser("user_1");
      emulator.inject({ status: 503, count: 1 });
      await raw(emulator, "GET", "/v1/users?user_id=a&user_id=b");
      assert.equal(lines.length, 2);
      assert.match(lines[0], /^GET \/v1\/users\/user_1 200 \d+ms$/);
      assert.match(lines[1], /^GET \/v1\/users\?user_id=a&user_id=b 503 \d+ms \(fault\)$/);
    });

    it("is off in library use by default", async () => {
      const quiet = await startEmulator();
      const original = console.log;
      const printed: unknown[] = [];
      console.log = (...args: unknown[]) => void printed.push(args);
      try {
        await raw(quiet, "GET", "/v1/users/user_x");
      } finally {
        console.log = original;
        await quiet.stop();
      }
      assert.deepEqual(printed, []);
    });
  });

  describe("/__emulator/ routes", () => {
    async function admin(method: string, name: string, body?: unknown) {
      const res = await fetch(`${emulator.url}/__emulator/${name}`, {
        method,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    }

    it("adds faults from JSON (one or an array, pathRegex for a RegExp), lists and clears them", async () => {
      const added = await admin("POST", "faults", [
        { status: 503, count: 1, path: "/v1/users/user_1" },
        { status: 429, retryAfter: 2, pathRegex: "^/v1/organizations" },
      ]);
      assert.equal(added.status, 201);
      assert.equal((await raw(emulator, "GET", "/v1/users/user_1")).status, 503);
      assert.equal((await raw(emulator, "GET", "/v1/users/user_1")).status, 200);
      const limited = await raw(emulator, "GET", "/v1/organizations/org_x");
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get("retry-after"), "2");
      assert.deepEqual((await admin("GET", "faults")).json, {
        faults: [{ status: 429, retryAfter: 2, pathRegex: "^\\/v1\\/organizations" }],
      });
      assert.deepEqual((await admin("DELETE", "faults")).json, { faults: [] });
      assert.equal((await raw(emulator, "GET", "/v1/organizations/org_x")).status, 404);
    });

    it("answers a bad fault with 400 and names the field", async () => {
      const bad = await admin("POST", "faults", { status: "503" });
      assert.equal(bad.status, 400);
      assert.match(String(bad.json.error), /status must be a number/);
      assert.equal((await admin("POST", "faults", "{")).status, 400);
      assert.deepEqual((await admin("GET", "faults")).json, { faults: [] });
    });

    it("serves the request log, counters and data, resets, and sets the rate limit", async () => {
      await raw(emulator, "GET", "/v1/users/user_1");
      const requests = (await admin("GET", "requests")).json.requests as Array<{ path: string }>;
      assert.deepEqual(
        requests.map((r) => r.path),
        ["/v1/users/user_1"],
      );
      assert.equal((await admin("GET", "counters")).json.total, 1);
      const data = (await admin("GET", "data")).json as { users: Array<{ id: string }> };
      assert.deepEqual(
        data.users.map((u) => u.id),
        ["user_1"],
      );
      assert.deepEqual((await admin("POST", "reset")).json, { reset: true });
      assert.equal(emulator.requests().length, 0);
      const limit = await admin("PUT", "rate-limit", { rateLimit: "1/10s" });
      assert.deepEqual(limit.json, { rateLimit: { requests: 1, windowMs: 10000 } });
      assert.equal((await raw(emulator, "GET", "/v1/users/user_1")).status, 200);
      assert.equal((await raw(emulator, "GET", "/v1/users/user_1")).status, 429);
      await admin("PUT", "rate-limit", { rateLimit: "off" });
      assert.equal((await raw(emulator, "GET", "/v1/users/user_1")).status, 200);
    });

    it("stay out of the Clerk request log and counters, need no key, and see no faults", async () => {
      emulator.inject({ status: 500 });
      assert.equal((await admin("GET", "faults")).status, 200);
      assert.deepEqual(emulator.requests(), []);
      assert.equal(emulator.counters().total, 0);
      assert.match(lines[0], /^GET \/__emulator\/faults 200 \d+ms$/);
    });

    it("answers an unknown admin route with 404, and never shadow Clerk's /v1 paths", async () => {
      assert.equal((await admin("GET", "nothing")).status, 404);
      assert.equal((await raw(emulator, "GET", "/v1/__emulator/faults")).status, 404);
    });
  });
});
