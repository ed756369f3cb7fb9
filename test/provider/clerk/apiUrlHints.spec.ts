import assert from "node:assert/strict";
import * as net from "node:net";
import { startEmulator, type Emulator } from "../../../emulator";
import { getOrganization, LookupError, userMetadataProvider } from "../../../provider";
import { configureFor } from "../harness";
import { clearStackConfig, useStackConfig } from "../lookups/helpers";
import { rejection } from "../../support/rejection";

/** A TCP port on 127.0.0.1 where nothing listens (opened, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("errors name the API URL in use when the answer suggests a wrong one", () => {
  let emulator: Emulator;
  const userId = "user_alexis";
  before(async () => {
    emulator = await startEmulator({ seed: { users: [{ id: userId, public_metadata: { app: 1 } }] } });
  });
  after(async () => {
    clearStackConfig();
    await emulator.stop();
  });

  describe("a URL ending in /v1 (the SDK appends /v1 itself)", () => {
    const withV1 = () => `${emulator.url}/v1`;

    it("is refused when the provider is configured (so at preview), with 0 requests, saying what to set", async () => {
      emulator.reset();
      const { error } = await rejection(configureFor(emulator, { "clerk:apiUrl": withV1() }));
      assert.ok(
        error.message.includes(
          `clerk:apiUrl / CLERK_API_URL ends in /v1, and the SDK appends /v1 itself: set it to ${emulator.url}.`,
        ),
        error.message,
      );
      assert.equal(error.message.includes(emulator.secretKey), false);
      assert.deepEqual(emulator.requests(), []);
    });

    it("makes a lookup say so too, with 0 requests, rather than 'no organization has this slug'", async () => {
      emulator.reset();
      useStackConfig(emulator, { "clerk:apiUrl": withV1() });
      const { error } = await rejection(getOrganization({ slug: "acme" }));
      assert.equal(error instanceof LookupError, false);
      assert.match(error.message, /ends in \/v1, and the SDK appends \/v1 itself/);
      assert.deepEqual(emulator.requests(), []);
    });
  });

  describe("a URL where nothing listens", () => {
    it("says there was no answer from that URL and which setting to check", async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      await configureFor(emulator, { "clerk:apiUrl": url, "clerk:maxRetries": "0" });
      const { error } = await rejection(
        userMetadataProvider.create({ userId, publicMetadata: { plan: "pro" } } as never),
      );
      assert.match(error.message, /no HTTP answer \(network error or timeout\)/);
      assert.ok(
        error.message.includes(`No answer from ${url} (check clerk:apiUrl / CLERK_API_URL).`),
        error.message,
      );
      assert.equal(error.message.includes(emulator.secretKey), false);
    });

    it("names the URL in a lookup's error too, without user name or password", async () => {
      const port = await closedPort();
      useStackConfig(emulator, {
        "clerk:apiUrl": `http://me:hunter22@127.0.0.1:${port}/`,
        "clerk:maxRetries": "0",
      });
      const { error } = await rejection(getOrganization({ slug: "acme" }));
      assert.ok(error.message.includes(`No answer from http://127.0.0.1:${port} (check`), error.message);
      assert.equal(error.message.includes("hunter22"), false);
    });
  });

  after(() => configureFor(emulator));
});
