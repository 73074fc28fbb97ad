import { tokenInvalid } from '../../errors/tenant-access.errors.js';

/*
 * What /^Bearer(?:\s+(.*))?$/i accepted, without building its match array and
 * substrings on every request: the scheme in any case, whitespace, then a
 * token on one line.
 */
const SCHEME = /^bearer/i;
const WHITESPACE = /\s/;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * The token of an `Authorization: Bearer` header; `undefined` when the header
 * is absent or uses another scheme (left to other authentication).
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const header = authorization.trim();
  if (!SCHEME.test(header)) return undefined;
  // `Bearer` alone: the scheme with no token.
  if (header.length === 6) throw tokenInvalid();
  // `Bearerx...` is another scheme.
  if (!WHITESPACE.test(header[6])) return undefined;
  // Not empty: the header is trimmed, so something follows the whitespace.
  const token = header.slice(7).trimStart();
  if (WHITESPACE.test(token)) {
    // A token over several lines is no bearer token (the pattern's `.` stops at a line break); one with spaces is a bad one.
    if (LINE_BREAK.test(token)) return undefined;
    throw tokenInvalid();
  }
  return token;
}
