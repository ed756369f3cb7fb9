import assert from "node:assert/strict";
import * as net from "node:net";
import { startEmulator, type Emulator } from "../../../emulator";
import { getOrganization, LookupError, userMetadataProvider, type MetadataOutputs } from "../../../provider";
import { checkAndCreate, configureFor } from "../harness";
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

    it("says which URL answered 404 for a user that exists, and which setting to fix", async () => {
      await configureFor(emulator, { "clerk:apiUrl": withV1() });
      const { error } = await rejection(
        userMetadataProvider.create({ userId, publicMetadata: { plan: "pro" } } as never),
      );
      assert.match(error.message, /HTTP 404/);
      assert.ok(error.message.includes(`The API URL in use, ${withV1()}, ends in /v1`), error.message);
      assert.ok(
        error.message.includes(`set clerk:apiUrl / CLERK_API_URL to ${emulator.url}.`),
        error.message,
      );
      assert.equal(error.message.includes(emulator.secretKey), false);
      assert.ok(emulator.requests().some((r) => r.path === `/v1/v1/users/${userId}/metadata`));
    });

    it("does not take the 404 for a vanished user: refresh and delete fail instead of dropping state", async () => {
      await configureFor(emulator);
      const { id, outs } = await checkAndCreate(userMetadataProvider, {
        userId,
        publicMetadata: { plan: "pro" },
      });
      await configureFor(emulator, { "clerk:apiUrl": withV1() });
      const { error: read } = await rejection(userMetadataProvider.read!(id, outs as MetadataOutputs));
      assert.match(read.message, /ends in \/v1/);
      const { error: removed } = await rejection(userMetadataProvider.delete!(id, outs as MetadataOutputs));
      assert.match(removed.message, /ends in \/v1/);
      assert.deepEqual(emulator.data.getUser(userId)?.public_metadata, { app: 1, plan: "pro" });
    });

    it("makes a lookup say so too, rather than 'no organization has this slug'", async () => {
      useStackConfig(emulator, { "clerk:apiUrl": withV1() });
      const { error } = await rejection(getOrganization({ slug: "acme" }));
      assert.equal(error instanceof LookupError, false);
      assert.match(error.message, /^getOrganization slug="acme": look up failed with HTTP 404/);
      assert.ok(
        error.message.includes(`set clerk:apiUrl / CLERK_API_URL to ${emulator.url}.`),
        error.message,
      );
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
