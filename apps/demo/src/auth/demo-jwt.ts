import { SignJWT } from 'jose';

/** Checked on every token the API accepts, so a token minted for another service is refused. */
export const DEMO_JWT_ISSUER = 'nestjs-tenancy-demo';
export const DEMO_JWT_AUDIENCE = 'nestjs-tenancy-demo-api';
export const DEMO_JWT_ALGORITHM = 'HS256';

/** The claim listing the tenants a token may act for. */
export const TENANTS_CLAIM = 'tenants';
/** The claim that authorises @BypassTenant routes. */
export const ROLE_CLAIM = 'role';
export const ADMIN_ROLE = 'admin';

export interface DemoTokenRequest {
  subject: string;
  admin: boolean;
  tenants: string[];
  /** jose duration such as '1h'. */
  expiresIn: string;
}

export function jwtKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export function signDemoToken(request: DemoTokenRequest, secret: string): Promise<string> {
  const claims: Record<string, unknown> = {};
  if (request.admin) claims[ROLE_CLAIM] = ADMIN_ROLE;
  if (request.tenants.length > 0) claims[TENANTS_CLAIM] = request.tenants;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: DEMO_JWT_ALGORITHM, typ: 'JWT' })
    .setSubject(request.subject)
    .setIssuer(DEMO_JWT_ISSUER)
    .setAudience(DEMO_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn)
    .sign(jwtKey(secret));
}
