/**
 * Who may see the dashboard, and how the session is kept (CONTRACT 8):
 * - `token` (the local stack): a form takes ADMIN_TOKEN once; the session is an HMAC-signed
 *   cookie (`core/dashboard/session.ts`) under SESSION_SECRET, 8 hours.
 * - `cognito` (AWS): the leaders' accounts live in the Cognito user pool the CDK stack creates
 *   (made by the province's IT staff; no self sign-up; MFA available). Sign-in is Cognito's hosted
 *   page with the authorization code flow and PKCE (a public client: no client secret to keep);
 *   the callback exchanges the code for tokens and keeps the ID token (8 hours) as the session
 *   cookie, verified on every request with aws-jwt-verify (signature against the pool's JWKS,
 *   issuer, audience, token use, expiry).
 * Either way the cookie is HttpOnly, SameSite=Strict, Path=/dashboard, and Secure over HTTPS.
 *
 * Environment: DASHBOARD_AUTH (`token` | `cognito`), DASHBOARD_URL (the public base URL),
 * ADMIN_TOKEN and SESSION_SECRET (token), COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_DOMAIN
 * (cognito). On Lambda anything but a complete `cognito` configuration fails closed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';

import { SESSION_COOKIE, signSession, verifySession } from '../core/dashboard/session';

/** The OAuth state and PKCE verifier, kept between the redirect to Cognito and the callback. */
export const OAUTH_COOKIE = 'motcua_oauth';

/** How the dashboard signs people in. */
export type DashboardAuth = TokenAuth | CognitoAuth;

/** The local sign-in: ADMIN_TOKEN once, then a signed cookie. */
export class TokenAuth {
  readonly kind = 'token';
  constructor(
    private readonly adminToken: string,
    private readonly sessionKey: string,
    readonly secure: boolean,
  ) {}

  /** True when `token` is the admin token (constant time). */
  checkToken(token: string): boolean {
    const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
    return timingSafeEqual(digest(token), digest(this.adminToken));
  }

  /** A new session value. */
  newSession(nowMs: number): string {
    return signSession('admin', this.sessionKey, nowMs);
  }

  /** The session's subject, or null. */
  async verify(value: string | undefined, nowMs: number): Promise<string | null> {
    return verifySession(value, this.sessionKey, nowMs);
  }
}

/** What the Cognito sign-in needs. */
export interface CognitoSettings {
  userPoolId: string;
  clientId: string;
  /** The hosted UI's base URL, e.g. https://motcua-123456789012.auth.ap-southeast-1.amazoncognito.com */
  domain: string;
  /** The dashboard's public base URL (no trailing slash). */
  baseUrl: string;
}

/** The verifier's interface, as far as this module calls it (tests give their own keys). */
export interface IdTokenVerifier {
  verify(token: string): Promise<{ sub: string; exp: number }>;
}

/** The AWS sign-in: Cognito's hosted page, the code flow with PKCE, the ID token as the session. */
export class CognitoAuth {
  readonly kind = 'cognito';
  readonly secure = true;
  private readonly verifier: IdTokenVerifier;

  constructor(
    private readonly settings: CognitoSettings,
    verifier?: IdTokenVerifier,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {
    this.verifier =
      verifier ??
      (CognitoJwtVerifier.create({
        userPoolId: settings.userPoolId,
        clientId: settings.clientId,
        tokenUse: 'id',
      }) as unknown as IdTokenVerifier);
  }

  /** Where Cognito sends the browser back with the code. */
  get redirectUri(): string {
    return `${this.settings.baseUrl}/dashboard/callback`;
  }

  /** A fresh state and PKCE pair: the cookie value to keep, and the hosted page's URL. */
  startSignIn(): { cookie: string; location: string } {
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.redirectUri,
      scope: 'openid',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return { cookie: `${state}.${verifier}`, location: `${this.settings.domain}/oauth2/authorize?${q.toString()}` };
  }

  /**
   * The callback: checks `state` against the kept cookie, exchanges the code, verifies the ID token.
   * Resolves with the token and its lifetime, or null when anything does not match.
   */
  async finishSignIn(
    code: string,
    state: string,
    kept: string | undefined,
    nowMs: number,
  ): Promise<{ token: string; maxAge: number } | null> {
    const dot = kept?.indexOf('.') ?? -1;
    if (!kept || dot <= 0 || kept.slice(0, dot) !== state || !code) return null;
    const res = await this.fetchImpl(`${this.settings.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: this.settings.clientId,
        code,
        redirect_uri: this.redirectUri,
        code_verifier: kept.slice(dot + 1),
      }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return null;
    const body = (await res.json()) as { id_token?: unknown };
    if (typeof body.id_token !== 'string') return null;
    const claims = await this.verifier.verify(body.id_token).catch(() => null);
    if (!claims) return null;
    return { token: body.id_token, maxAge: claims.exp - Math.floor(nowMs / 1000) };
  }

  /** The session's subject (the user's `sub`), or null. */
  async verify(value: string | undefined): Promise<string | null> {
    if (!value || value.length > 4096) return null;
    try {
      return (await this.verifier.verify(value)).sub;
    } catch {
      return null;
    }
  }

  /** Cognito's logout URL (ends the hosted page's own session too), back to the sign-in page. */
  logoutUrl(): string {
    const q = new URLSearchParams({ client_id: this.settings.clientId, logout_uri: `${this.settings.baseUrl}/dashboard/sign-in` });
    return `${this.settings.domain}/logout?${q.toString()}`;
  }
}

/** The session cookie's name (both kinds). */
export { SESSION_COOKIE };

/** A session key for a process that was given none: sessions then end with the process. */
const processKey = randomBytes(32).toString('hex');

/** The sign-in of this process, from the environment (see the header). */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): DashboardAuth {
  const kind = env.DASHBOARD_AUTH || (env.AWS_LAMBDA_FUNCTION_NAME ? 'cognito' : 'token');
  const baseUrl = (env.DASHBOARD_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
  if (kind === 'cognito') {
    const missing = ['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_DOMAIN', 'DASHBOARD_URL'].filter((n) => !env[n]);
    if (missing.length) throw new Error(`dashboard sign-in (cognito) is not configured: ${missing.join(', ')} not set`);
    return new CognitoAuth({
      userPoolId: env.COGNITO_USER_POOL_ID!,
      clientId: env.COGNITO_CLIENT_ID!,
      domain: env.COGNITO_DOMAIN!.replace(/\/+$/, ''),
      baseUrl,
    });
  }
  if (kind !== 'token') throw new Error(`DASHBOARD_AUTH must be token or cognito, got "${kind}"`);
  // The admin token sign-in is for the local stack only: on Lambda it would be one shared password.
  if (env.AWS_LAMBDA_FUNCTION_NAME) throw new Error('DASHBOARD_AUTH=token is not allowed on Lambda');
  return new TokenAuth(env.ADMIN_TOKEN || 'local-admin-token', env.SESSION_SECRET || processKey, baseUrl.startsWith('https://'));
}
