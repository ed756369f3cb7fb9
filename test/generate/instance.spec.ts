import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { programText } from "../../provider/generate/writer";
import {
  byName,
  declarationsIn,
  expectedFromClerk,
  generateFrom,
  requestLines,
  scratchFolder,
  seededWorld,
  worldSize,
} from "./helpers";

const nonEmpty = (value: object | null) => value !== null && Object.keys(value).length > 0;

describe("generate against an instance with more than a page of each kind", () => {
  let emulator: Emulator;
  const folders = scratchFolder();
  before(async () => {
    emulator = await startEmulator({ seed: seededWorld() });
  });
  beforeEach(() => emulator.reset());
  after(async () => {
    await emulator.stop();
    folders.cleanup();
  });

  describe("without filters", () => {
    let out: string;
    let stdout: string;
    before(async () => {
      emulator.reset();
      out = folders.make();
      const run = await generateFrom(emulator, ["--out", out]);
      assert.equal(run.code, 0, run.stderr);
      stdout = run.stdout;
    });

    it("declares exactly what Clerk holds: every entity with metadata, every key, and nothing for an entity without", () => {
      assert.deepEqual(byName(declarationsIn(out)), byName(expectedFromClerk(emulator)));
      const names = declarationsIn(out).organizations.map((o) => o.name);
      assert.ok(names.includes("team-1") && !names.includes("team-4"), "team-4 holds no metadata");
    });

    it("pages through the three lists 100 at a time, once each, with GETs only", async () => {
      emulator.reset();
      const run = await generateFrom(emulator, ["--out", folders.make()]);
      assert.equal(run.code, 0, run.stderr);
      const page = (p: string, offset: number) =>
        `GET ${p}?limit=100${offset ? `&offset=${offset}` : ""}&order_by=+created_at 200`;
      assert.deepEqual(
        requestLines(emulator),
        [
          page("/v1/organization_memberships", 0),
          page("/v1/organization_memberships", 100),
          page("/v1/organizations", 0),
          page("/v1/organizations", 100),
          page("/v1/users", 0),
          page("/v1/users", 100),
          "GET /v1/users/count 200",
          "GET /v1/users/count 200",
        ].sort(),
      );
      assert.deepEqual(emulator.counters().byMethod, { GET: 8 });
      assert.match(run.stdout, /; 8 requests to Clerk in /);
    });

    it("leaves private metadata out, saying how many entities and keys, and the command that includes it", () => {
      const held = emulator.data.snapshot();
      const withPrivate = [
        ...held.organizations.map((o) => o.private_metadata),
        ...held.users.map((u) => u.private_metadata),
        ...held.memberships.map((m) => m.private_metadata),
      ].filter(nonEmpty);
      const keys = withPrivate.reduce((sum, value) => sum + Object.keys(value).length, 0);
      assert.ok(withPrivate.length > 0);
      assert.match(
        stdout,
        new RegExp(
          `left out the private metadata of ${withPrivate.length} entities \\(${keys} keys\\).*` +
            `npx pulumi-clerk-metadata generate --out ${out} --private config --stack <stack>`,
        ),
      );
      const text = fs.readFileSync(path.join(out, "clerk-metadata.json"), "utf8");
      assert.ok(!text.includes('privateMetadata"'), "no privateMetadata key in the file");
      for (const secret of ["cus_3", "ref-13", "cus_u7", "n9"])
        assert.ok(!text.includes(`"${secret}"`), secret);
    });

    it("writes the program file that loads the declarations, and says how many of each kind it declared", () => {
      assert.equal(fs.readFileSync(path.join(out, "clerkMetadata.ts"), "utf8"), programText);
      const declared = declarationsIn(out);
      assert.match(
        stdout,
        new RegExp(
          `declared ${declared.organizations.length} organizations, ${declared.users.length} users and ` +
            `${declared.memberships.length} memberships \\(of ${worldSize.organizations}, ${worldSize.users} and ${worldSize.memberships} read\\)`,
        ),
      );
    });

    it("writes the same text again for the same instance, and never overwrites a program file that differs", async () => {
      const before = fs.readFileSync(path.join(out, "clerk-metadata.json"), "utf8");
      const program = path.join(out, "clerkMetadata.ts");
      fs.writeFileSync(program, `${programText}// edited by hand\n`);
      const run = await generateFrom(emulator, ["--out", out]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(fs.readFileSync(path.join(out, "clerk-metadata.json"), "utf8"), before);
      assert.equal(fs.readFileSync(program, "utf8"), `${programText}// edited by hand\n`);
      assert.match(run.stdout, /clerkMetadata\.ts exists and differs from the generated one: left as it is/);
    });
  });

  describe("with filters", () => {
    it("--organization narrows organizations and memberships to those organizations, read by slug", async () => {
      const out = folders.make();
      const run = await generateFrom(emulator, [
        "--out",
        out,
        "--organization",
        "team-1",
        "--organization",
        "team-2",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const declared = declarationsIn(out);
      assert.deepEqual(declared.organizations.map((o) => o.name).sort(), ["team-1", "team-2"]);
      assert.deepEqual(
        declared.memberships.map((m) => m.name).sort(),
        ["team-1-user_1", "team-1-user_21"], // memberships 1 and 131; org_2's (2, 132) hold nothing public
      );
      assert.equal(declared.users.length, expectedFromClerk(emulator).users.length, "users are not narrowed");
      const lines = requestLines(emulator);
      assert.ok(
        lines.includes("GET /v1/organizations/team-1 200") &&
          lines.includes("GET /v1/organizations/team-2 200"),
      );
      assert.ok(lines.includes("GET /v1/organizations/org_1/memberships?limit=100&order_by=+created_at 200"));
      assert.ok(lines.includes("GET /v1/organizations/org_2/memberships?limit=100&order_by=+created_at 200"));
      assert.ok(!lines.some((line) => line.startsWith("GET /v1/organizations?")), "no organization list");
      assert.ok(
        !lines.some((line) => line.includes("/v1/organization_memberships")),
        "no instance membership list",
      );
    });

    it("--user narrows users and memberships to those users, read by id", async () => {
      const out = folders.make();
      const run = await generateFrom(emulator, ["--out", out, "--user", "user_1", "--user", "user_3"]);
      assert.equal(run.code, 0, run.stderr);
      const declared = declarationsIn(out);
      assert.deepEqual(declared.users.map((u) => u.name).sort(), ["user_1"]); // user_3 holds nothing public
      assert.deepEqual(declared.memberships.map((m) => m.name).sort(), [
        "team-1-user_1",
        "team-111-user_1",
        "team-113-user_3",
        "team-3-user_3",
      ]);
      assert.equal(declared.organizations.length, expectedFromClerk(emulator).organizations.length);
      const lines = requestLines(emulator);
      assert.ok(
        lines.includes("GET /v1/users?limit=100&order_by=+created_at&user_id=user_1&user_id=user_3 200"),
      );
      assert.ok(lines.includes("GET /v1/users/user_1/organization_memberships?limit=100 200"));
      assert.ok(lines.includes("GET /v1/users/user_3/organization_memberships?limit=100 200"));
      assert.equal(lines.filter((line) => line.startsWith("GET /v1/users?")).length, 1);
    });

    it("--organization with --user declares that organization, that user and their membership", async () => {
      const out = folders.make();
      const run = await generateFrom(emulator, [
        "--out",
        out,
        "--organization",
        "team-1",
        "--user",
        "user_1",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const declared = declarationsIn(out);
      assert.deepEqual(
        [declared.organizations, declared.users, declared.memberships].map((list) => list.map((e) => e.name)),
        [["team-1"], ["user_1"], ["team-1-user_1"]],
      );
      assert.ok(
        requestLines(emulator).includes(
          "GET /v1/organizations/org_1/memberships?limit=100&order_by=+created_at&user_id=user_1 200",
        ),
      );
    });

    it("an unknown slug or user id fails naming it, before reading the rest, and writes nothing", async () => {
      const out = folders.make();
      const slug = await generateFrom(emulator, [
        "--out",
        out,
        "--organization",
        "team-1",
        "--organization",
        "nope",
      ]);
      assert.equal(slug.code, 1);
      assert.match(
        slug.stderr,
        /--organization nope: no organization has this slug in this development instance/,
      );
      assert.ok(!requestLines(emulator).some((line) => line.includes("/v1/users")), "users were not read");
      emulator.reset();
      const user = await generateFrom(emulator, ["--out", out, "--user", "user_1", "--user", "user_404"]);
      assert.equal(user.code, 1);
      assert.match(user.stderr, /--user user_404: no such user in this development instance/);
      assert.ok(
        !requestLines(emulator).some((line) => line.includes("/v1/organizations")),
        "organizations were not read",
      );
      assert.equal(fs.existsSync(out), false);
    });
  });

  describe("with --path", () => {
    it("declares only the chosen subtrees; the app's keys beside them are not declared", async () => {
      const out = folders.make();
      const run = await generateFrom(emulator, [
        "--out",
        out,
        "--path",
        "publicMetadata.plan",
        "--path",
        "publicMetadata.limits.seats",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const declared = declarationsIn(out);
      const team1 = declared.organizations.find((o) => o.name === "team-1");
      assert.deepEqual(team1?.publicMetadata, { plan: "pro", limits: { seats: 1 } });
      assert.ok(declared.organizations.every((o) => !("app" in (o.publicMetadata ?? {}))));
      assert.deepEqual(declared.users, [], "users hold neither plan nor seats");
      assert.deepEqual(declared.memberships, []);
      assert.doesNotMatch(run.stdout, /private metadata/, "private metadata was not chosen");
    });

    it("takes unsafeMetadata of users only, the one kind that has it", async () => {
      const out = folders.make();
      const run = await generateFrom(emulator, ["--out", out, "--path", "unsafeMetadata"]);
      assert.equal(run.code, 0, run.stderr);
      const declared = declarationsIn(out);
      assert.deepEqual(declared.organizations, []);
      assert.deepEqual(declared.memberships, []);
      assert.equal(declared.users.length, Math.ceil(worldSize.users / 5));
      assert.ok(declared.users.every((u) => Object.keys(u).sort().join() === "name,unsafeMetadata,userId"));
    });

    it("counts only the private keys at the chosen paths", async () => {
      const run = await generateFrom(emulator, [
        "--out",
        folders.make(),
        "--path",
        "privateMetadata.billingId",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const billed = emulator.data
        .snapshot()
        .organizations.filter((o) => o.private_metadata.billingId !== undefined);
      assert.match(
        run.stdout,
        new RegExp(`left out the private metadata of ${billed.length} entities \\(${billed.length} keys\\)`),
      );
      assert.match(run.stdout, /--path privateMetadata\.billingId --private config --stack <stack>/);
    });
  });

  describe("progress and failures", () => {
    it("on a terminal draws one progress line in place, within the terminal's width, and clears it", async () => {
      const run = await generateFrom(emulator, ["--out", folders.make()], { tty: { columns: 110 } });
      assert.equal(run.code, 0, run.stderr);
      const frames = run.stderr.split("\r\x1b[2K").filter((frame) => frame !== "");
      assert.ok(frames.length >= 3, JSON.stringify(run.stderr));
      for (const frame of frames) {
        assert.ok(frame.length < 110, frame);
        assert.ok(!frame.includes("\n"), frame);
      }
      assert.match(
        frames[frames.length - 1],
        /^generate \[#{20}\] 100% organizations 130\/130 · users 110\/110 · memberships 140\/140$/,
      );
      assert.ok(run.stderr.endsWith("\r\x1b[2K"), "the bar is cleared at the end");
    });

    it("reports a folder it cannot write into as one sentence naming the folder", async () => {
      const file = folders.make();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, "not a folder");
      const run = await generateFrom(emulator, ["--out", file]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`^generate: could not write into ${file}: EEXIST`, "m"));
    });

    it("reports a key Clerk refuses with the status and the setting to check, never the key", async () => {
      const wrongKey = "sk_test_thisKeyIsNotTheEmulatorsKey0000000";
      const run = await generateFrom(emulator, ["--out", folders.make()], {
        env: { CLERK_SECRET_KEY: wrongKey },
      });
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^generate: list (organizations|users) \(offset 0, limit 100\) failed with HTTP 401/m,
      );
      assert.match(run.stderr, /CLERK_SECRET_KEY/);
      assert.ok(!(run.stderr + run.stdout).includes(wrongKey));
    });
  });
});
