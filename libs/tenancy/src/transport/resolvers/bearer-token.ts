import { tokenInvalid } from '../../errors/tenant-access.errors.js';

/**
 * The token of an `Authorization: Bearer` header; `undefined` when the header
 * is absent or uses another scheme (left to other authentication).
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer(?:\s+(.*))?$/i.exec(authorization.trim());
  if (!match) return undefined;
  const token = match[1]?.trim();
  if (!token || /\s/.test(token)) throw tokenInvalid();
  return token;
}
