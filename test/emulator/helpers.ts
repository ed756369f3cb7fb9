import type { Emulator } from "../../emulator";

export { clientFor } from "../support/clerk";

/** A raw request to the emulator with the right key unless told otherwise; returns status, headers, text. */
export async function raw(
  emulator: Emulator,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = { Authorization: `Bearer ${emulator.secretKey}` },
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}
