/**
 * Sends a generated stream to a running stack (local or deployed), signing each message as its
 * platform would (CONTRACT 3.1, 3.3, 3.4) at the moment it is sent.
 *
 * Ordering: messages run with bounded concurrency, but a message waits until every earlier message
 * that names one of its dossiers has been answered. So each dossier sees its messages in stream
 * order, including the payments the stream deliberately puts before their dossier, the repeats
 * and the late (stale) portal versions, while unrelated dossiers proceed in parallel. (The final
 * state would not depend on the order anyway, since versions are ordered by NgayCapNhat and
 * payments by transaction id; the answers, such as VNPay's 00/02/04 and the portal's
 * applied/duplicate/stale counts, do, and per-dossier order keeps them those of the stream.)
 */
import { createHash, createHmac } from 'node:crypto';
import type { StreamMessage } from './ward-stream';

/** The secrets the stack verifies with (CONTRACT 2: these are the local defaults). */
export interface LoadSecrets {
  portal: string;
  postal: string;
  feedback: string;
  paygov: string;
  vnpay: string;
}

export const LOCAL_SECRETS: LoadSecrets = {
  portal: 'local-portal-secret',
  postal: 'local-postal-secret',
  feedback: 'local-feedback-secret',
  paygov: 'local-paygov-secret',
  vnpay: 'local-vnpay-secret',
};

export interface LoadOptions {
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  secrets?: Partial<LoadSecrets>;
  onProgress?(done: number, total: number): void;
  /** Retries of a 503 / MaLoi 99 / RspCode 99 / network error before giving up (default 5). */
  retries?: number;
  /** First backoff delay in ms, doubled on each retry (default 200). */
  backoffMs?: number;
}

/** What the stack answered, summed over the stream. */
export interface LoadSummary {
  sent: number;
  retried: number;
  portal: { requests: number; received: number; applied: number; duplicate: number; stale: number };
  paygov: Record<string, number>; // MaLoi → count
  vnpay: Record<string, number>; // RspCode → count
  postal: Record<string, number>; // status → count
  feedback: { requests: number; received: number; applied: number; duplicate: number; stale: number };
}

/** `X-Motcua-Signature` of a raw body at unix time t (CONTRACT 3.1). */
export function motcuaSignature(secret: string, raw: string, t: number): string {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(raw).digest('hex');
  return `t=${t},v1=${mac}`;
}

const PAYGOV_FIELDS = [
  'LoaiBanTin',
  'MaLoi',
  'MaDoiTac',
  'MaThamChieu',
  'SoTien',
  'MaTienTe',
  'MaGiaoDich',
  'MaNganHang',
  'ThoiGianGD',
  'ThongTinGiaoDich',
];

/** PayGov `MaXacThuc` (CONTRACT 3.3): SHA-256 of the `|`-joined values and the secret. */
export function paygovChecksum(body: Record<string, unknown>, secret: string): string {
  return createHash('sha256')
    .update([...PAYGOV_FIELDS.map((k) => String(body[k])), secret].join('|'), 'utf8')
    .digest('hex');
}

/** `application/x-www-form-urlencoded`, exactly as URLSearchParams writes it (space as `+`). */
const formEncode = (s: string): string => new URLSearchParams([['', s]]).toString().slice(1);

/**
 * The IPN query string with `vnp_SecureHash` (CONTRACT 3.4): every parameter is sent, empty ones
 * too, but the HMAC-SHA512 covers only the non-empty `vnp_` ones, sorted by name.
 */
export function vnpayQuery(params: Record<string, string>, secret: string): string {
  const keys = Object.keys(params).sort();
  const signed = keys
    .filter((k) => k.startsWith('vnp_') && k !== 'vnp_SecureHash' && k !== 'vnp_SecureHashType' && params[k] !== '')
    .map((k) => `${formEncode(k)}=${formEncode(params[k])}`)
    .join('&');
  const hash = createHmac('sha512', secret).update(signed, 'utf8').digest('hex');
  const all = keys.map((k) => `${formEncode(k)}=${formEncode(params[k])}`).join('&');
  return `${all}&vnp_SecureHash=${hash}`;
}

/** The dossier keys a message names (MaHoSo without separators, as the store keys them). */
export function dossierKeysOf(m: StreamMessage): string[] {
  const key = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  switch (m.source) {
    case 'portal':
      return [...new Set(m.body.data.map((r) => key(String(r.MaHoSo))))];
    case 'paygov': {
      const ref = String(m.body.MaThamChieu);
      return [ref.slice(3, ref.length - 14).toUpperCase()];
    }
    case 'vnpay': {
      const ref = m.params.vnp_TxnRef;
      return [key(ref.slice(0, ref.lastIndexOf('_')))];
    }
    case 'postal':
      return [key(String(m.body.MaHoSo))];
    case 'feedback':
      // Not dossiers: the items' own ids keep each item's versions in stream order.
      return [...new Set(m.body.data.map((r) => `FB#${String(r.MaPhanAnh)}`))];
  }
}

/** A short description of a message for error text (no personal data). */
function describe(m: StreamMessage): string {
  switch (m.source) {
    case 'portal':
      return `portal ${m.body.service} of ${m.body.data.length} record(s), first ${String(m.body.data[0]?.MaHoSo)}`;
    case 'paygov':
      return `paygov ${String(m.body.MaGiaoDich)} (${String(m.body.MaThamChieu)}, MaLoi ${String(m.body.MaLoi)})`;
    case 'vnpay':
      return `vnpay ${m.params.vnp_TxnRef} (ResponseCode ${m.params.vnp_ResponseCode})`;
    case 'postal':
      return `postal ${m.body.eventId} ${m.body.type}`;
    case 'feedback':
      return `feedback of ${m.body.data.length} item(s), first ${String(m.body.data[0]?.MaPhanAnh)}`;
  }
}

class RetryableAnswer extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Signs and sends every message to `api`; throws on the first answer the stream did not expect. */
export async function loadStream(api: string, messages: readonly StreamMessage[], opts: LoadOptions = {}): Promise<LoadSummary> {
  const base = api.replace(/\/+$/, '');
  const secrets: LoadSecrets = { ...LOCAL_SECRETS, ...opts.secrets };
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const retries = opts.retries ?? 5;
  const backoffMs = opts.backoffMs ?? 200;
  const summary: LoadSummary = {
    sent: 0,
    retried: 0,
    portal: { requests: 0, received: 0, applied: 0, duplicate: 0, stale: 0 },
    paygov: {},
    vnpay: {},
    postal: {},
    feedback: { requests: 0, received: 0, applied: 0, duplicate: 0, stale: 0 },
  };
  const bump = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);

  /** One attempt: resolves with the answer, or throws RetryableAnswer / Error. */
  async function attempt(m: StreamMessage): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    let res: Response;
    try {
      if (m.source === 'portal' || m.source === 'postal' || m.source === 'feedback') {
        const raw = JSON.stringify(m.body);
        const path = { portal: '/webhooks/portal', postal: '/notifications/postal', feedback: '/webhooks/feedback' }[m.source];
        const secret = secrets[m.source];
        res = await fetch(base + path, {
          method: 'POST',
          body: raw,
          headers: { 'content-type': 'application/json; charset=utf-8', 'x-motcua-signature': motcuaSignature(secret, raw, now) },
        });
      } else if (m.source === 'paygov') {
        const body = { ...m.body, MaXacThuc: paygovChecksum(m.body, secrets.paygov) };
        res = await fetch(`${base}/payments/paygov/confirm`, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json; charset=utf-8' },
        });
      } else {
        res = await fetch(`${base}/payments/vnpay/ipn?${vnpayQuery(m.params, secrets.vnpay)}`);
      }
    } catch (e) {
      throw new RetryableAnswer(`network error: ${(e as Error).message}`);
    }
    const text = await res.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = null;
    }
    const answer = `HTTP ${res.status} ${text.slice(0, 300)}`;
    if (res.status === 503) throw new RetryableAnswer(answer);
    switch (m.source) {
      case 'portal': {
        const n = m.body.data.length;
        const ok =
          res.status === 200 &&
          json !== null &&
          json.received === n &&
          Number(json.applied) + Number(json.duplicate) + Number(json.stale) === n;
        if (!ok) throw new Error(`${describe(m)}: unexpected answer ${answer}`);
        summary.portal.requests++;
        summary.portal.received += n;
        summary.portal.applied += Number(json!.applied);
        summary.portal.duplicate += Number(json!.duplicate);
        summary.portal.stale += Number(json!.stale);
        return;
      }
      case 'paygov': {
        const code = String(json?.MaLoi);
        if (res.status === 200 && code === '99') throw new RetryableAnswer(answer);
        // Taken: failed attempts, repeats and flagged amounts are all answered 00.
        if (res.status !== 200 || code !== '00') throw new Error(`${describe(m)}: unexpected answer ${answer}`);
        bump(summary.paygov, code);
        return;
      }
      case 'vnpay': {
        const code = String(json?.RspCode);
        if (res.status === 200 && code === '99') throw new RetryableAnswer(answer);
        // A failed attempt is recorded and confirmed (00). A success is 00, or 02 when this
        // order was already paid (a repeat), or 04 when the amount is not the dossier's fee total.
        const paid = m.params.vnp_ResponseCode === '00' && m.params.vnp_TransactionStatus === '00';
        const allowed = paid ? ['00', '02', '04'] : ['00'];
        if (res.status !== 200 || !allowed.includes(code)) throw new Error(`${describe(m)}: unexpected answer ${answer}`);
        bump(summary.vnpay, code);
        return;
      }
      case 'postal': {
        const status = String(json?.status);
        if (res.status !== 200 || (status !== 'applied' && status !== 'duplicate')) {
          throw new Error(`${describe(m)}: unexpected answer ${answer}`);
        }
        bump(summary.postal, status);
        return;
      }
      case 'feedback': {
        const n = m.body.data.length;
        const ok =
          res.status === 200 &&
          json !== null &&
          json.received === n &&
          Number(json.applied) + Number(json.duplicate) + Number(json.stale) === n;
        if (!ok) throw new Error(`${describe(m)}: unexpected answer ${answer}`);
        summary.feedback.requests++;
        summary.feedback.received += n;
        summary.feedback.applied += Number(json!.applied);
        summary.feedback.duplicate += Number(json!.duplicate);
        summary.feedback.stale += Number(json!.stale);
        return;
      }
    }
  }

  async function sendWithRetry(m: StreamMessage): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await attempt(m);
        summary.sent++;
        return;
      } catch (e) {
        if (!(e instanceof RetryableAnswer) || i >= retries) {
          throw e instanceof RetryableAnswer ? new Error(`${describe(m)}: still failing after ${retries} retries: ${e.message}`) : e;
        }
        summary.retried++;
        await sleep(backoffMs * 2 ** i);
      }
    }
  }

  // Bounded concurrency: a counter and a FIFO of waiters.
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    if (active < concurrency) {
      active++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  let failure: Error | null = null;
  let done = 0;
  const lastOf = new Map<string, Promise<void>>();
  const tasks: Promise<void>[] = [];
  for (const m of messages) {
    const keys = dossierKeysOf(m);
    const before = [...new Set(keys.map((k) => lastOf.get(k)).filter((p): p is Promise<void> => p !== undefined))];
    const task = Promise.all(before).then(async () => {
      await acquire();
      try {
        if (failure) throw failure; // stop sending once something went wrong
        await sendWithRetry(m);
      } catch (e) {
        failure ??= e as Error;
        throw e;
      } finally {
        release();
      }
      done++;
      opts.onProgress?.(done, messages.length);
    });
    for (const k of keys) lastOf.set(k, task);
    tasks.push(task);
  }
  await Promise.allSettled(tasks);
  if (failure) throw failure;
  return summary;
}
