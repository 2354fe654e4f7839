/**
 * The `X-Motcua-Signature` header of the signed webhooks (CONTRACT 3.1): portal and VNPost.
 *
 *   X-Motcua-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body bytes)>
 *
 * Pure: node:crypto only. The handler passes the raw body bytes, before any JSON parsing, and the
 * accepted secrets from `secretValues` (current first, the previous one during a rotation).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the sender's clock (`t`) may be from ours, in seconds, either way. */
export const SIGNATURE_TOLERANCE_S = 300;

/** Result of `verifySignature`; `reason` is for the log, never for the answer body. */
export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** The parsed header: one timestamp and every `v1` candidate. */
interface ParsedHeader {
  t: number;
  v1: string[];
}

const SHA256_HEX_LENGTH = 64;
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9a-fA-F]+$/;

function parseHeader(header: string): ParsedHeader | null {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (key === 't') {
      // Two timestamps would leave it open which one the signature covers.
      if (t !== null || !DIGITS.test(value)) return null;
      t = Number(value);
    } else if (key === 'v1') {
      if (!HEX.test(value)) return null;
      v1.push(value.toLowerCase());
    }
    // Other schemes (a future v2, say) are skipped, so senders can add one before we verify it.
  }
  if (t === null || v1.length === 0) return null;
  return { t, v1 };
}

function mac(secret: string, rawBody: Buffer | string, t: number): Buffer {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
}

/** Verifies a signature header against the raw body, any of the accepted secrets and the clock. */
export function verifySignature(header: string | undefined, rawBody: Buffer, secrets: string[], nowSeconds: number): SignatureCheck {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing signature header' };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed signature header' };
  // Checked before any HMAC work: a replayed old request costs us nothing.
  if (Math.abs(nowSeconds - parsed.t) > SIGNATURE_TOLERANCE_S) {
    return { ok: false, reason: `timestamp outside the ${SIGNATURE_TOLERANCE_S} s tolerance` };
  }
  const candidates = parsed.v1.filter((hex) => hex.length === SHA256_HEX_LENGTH).map((hex) => Buffer.from(hex, 'hex'));
  for (const secret of secrets) {
    if (!secret) continue; // an unset secret must never verify: anyone can compute an empty-key MAC
    const expected = mac(secret, rawBody, parsed.t);
    for (const candidate of candidates) {
      // timingSafeEqual throws on a length mismatch; the filter above makes that impossible.
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return { ok: true };
    }
  }
  return { ok: false, reason: 'no matching signature' };
}

/** Builds the `X-Motcua-Signature` header value for a body, as a sender would. */
export function signBody(secret: string, rawBody: Buffer | string, t: number): string {
  return `t=${t},v1=${mac(secret, rawBody, t).toString('hex')}`;
}
