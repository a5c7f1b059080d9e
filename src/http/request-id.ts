import { randomUUID } from "node:crypto";

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The caller's `x-request-id` when it is a sane token (so a frontend can correlate its own
 * logs), otherwise a fresh UUID. Never echoes arbitrary header content into logs.
 */
export function requestIdFrom(header: string | null | undefined): string {
  return header && acceptable.test(header) ? header : randomUUID();
}
