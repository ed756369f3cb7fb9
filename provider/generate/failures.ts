/** A command line or setting `generate` refuses before any request: exit code 2 with this one sentence. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A failure `generate` found while it ran (an unknown slug or user id, the Pulumi CLI failing, a
 * file it will not overwrite): exit code 1 with this message, which never holds the secret key
 * or a private value.
 */
export class GenerateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GenerateError";
  }
}
