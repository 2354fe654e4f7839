/**
 * The dashboard's session cookie on the local stack: `<payload>.<mac>`, the payload base64url JSON
 * `{"sub","exp"}`, the mac HMAC-SHA256 over it with the session key; verified (in constant time)
 * on every dashboard request. On AWS the cookie holds the Cognito ID token instead, verified with
 * aws-jwt-verify (`functions/adapters/cognito-auth.ts`). Cookie attributes are the same for both:
 * HttpOnly, SameSite=Strict, Path=/dashboard, Max-Age, and Secure over HTTPS. Pure (node:crypto).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The session cookie's name. */
export const SESSION_COOKIE = 'motcua_session';

/** How long a session lasts: a working day. */
export const SESSION_SECONDS = 8 * 3600;

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function mac(payload: string, key: string): Buffer {
  return createHmac('sha256', key).update(payload, 'utf8').digest();
}

/** A signed session value for `sub`, valid until `nowMs + seconds`. */
export function signSession(sub: string, key: string, nowMs: number, seconds = SESSION_SECONDS): string {
  const payload = b64(JSON.stringify({ sub, exp: Math.floor(nowMs / 1000) + seconds }));
  return `${payload}.${b64(mac(payload, key))}`;
}

/** The session's subject when `value` is signed with `key` and not expired at `nowMs`; else null. */
export function verifySession(value: string | undefined, key: string, nowMs: number): string | null {
  if (!value || value.length > 1024) return null;
  const dot = value.indexOf('.');
  if (dot <= 0) return null;
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  const want = mac(payload, key);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  try {
    const { sub, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; exp?: unknown };
    if (typeof sub !== 'string' || typeof exp !== 'number' || exp * 1000 <= nowMs) return null;
    return sub;
  } catch {
    return null;
  }
}

/** A `Set-Cookie` value (payload format 2.0 `cookies[]`): HttpOnly, SameSite, Path=/dashboard, Max-Age, Secure when asked. */
export function setCookie(
  name: string,
  value: string,
  opts: { maxAgeSeconds: number; secure: boolean; sameSite?: 'Strict' | 'Lax' },
): string {
  const attrs = [
    `${name}=${value}`,
    'Path=/dashboard',
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`,
    'HttpOnly',
    `SameSite=${opts.sameSite ?? 'Strict'}`,
  ];
  if (opts.secure) attrs.push('Secure');
  return attrs.join('; ');
}

/** A `Set-Cookie` value that removes the cookie. */
export function clearCookie(name: string, secure: boolean, sameSite: 'Strict' | 'Lax' = 'Strict'): string {
  return `${setCookie(name, '', { maxAgeSeconds: 0, secure, sameSite })}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

/** The value of cookie `name` among the request's cookies (payload 2.0 `cookies`, or a Cookie header). */
export function readCookie(cookies: readonly string[] | undefined, header: string | undefined, name: string): string | undefined {
  const all = [...(cookies ?? []), ...(header ? header.split(';') : [])];
  for (const c of all) {
    const eq = c.indexOf('=');
    if (eq > 0 && c.slice(0, eq).trim() === name) return c.slice(eq + 1).trim();
  }
  return undefined;
}
