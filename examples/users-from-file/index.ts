/**
 * User metadata declared from a data file, one UserMetadata per entry.
 * Config (namespace `example`): usersFile, a YAML or JSON file (default `users.yaml` beside
 * this program); entries are `{ userId | emailAddress, publicMetadata?, privateMetadata?,
 * unsafeMetadata? }`: a user named by email address is looked up (read-only, in preview too).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as clerk from "pulumi-clerk-metadata";
import { parse } from "yaml";

interface UserEntry {
  userId?: string;
  emailAddress?: string;
  publicMetadata?: clerk.JsonObject;
  privateMetadata?: clerk.JsonObject;
  unsafeMetadata?: clerk.JsonObject;
}

const config = new pulumi.Config("example");
const file = path.resolve(__dirname, config.get("usersFile") ?? "users.yaml");
const entries = parse(fs.readFileSync(file, "utf8")) as UserEntry[];
if (!Array.isArray(entries)) throw new Error(`${file} must hold a list of users`);

const users = entries.map(({ userId, emailAddress, ...metadata }) => {
  const name = userId ?? emailAddress;
  if (!name) throw new Error(`${file}: every entry needs a userId or an emailAddress`);
  return new clerk.UserMetadata(name, {
    userId: userId ?? clerk.getUserOutput({ emailAddress: emailAddress! }).userId,
    ...metadata,
  });
});

export const managedUsers = users.length;
