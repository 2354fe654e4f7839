/**
 * Reliability of the local stack under a realistic stream (portal batches, PayGov and VNPay
 * payments, VNPost events) sent by three independent senders that retry like the real platforms:
 *
 * - the whole process tree is killed (SIGKILL) mid-stream and restarted on the same data;
 * - the DynamoDB emulator is frozen (SIGSTOP) for a while: the routes must answer "retry later"
 *   (503 store_unavailable, MaLoi / RspCode 99) within a bounded time, not hang;
 *
 * and in both cases, once the senders' retries went through, every dossier must read exactly as
 * after an undisturbed run of the same stream on a fresh stack (CONTRACT 3: nothing half-written,
 * senders retry). Linux only: the emulator's process is found through /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { motcuaSignature, paygovChecksum, vnpayQuery } from '../../events/generator/load';
import { s10 } from '../../events/generator/s10';
import type { StreamMessage } from '../../events/generator/ward-stream';
import { adminGet, poll, startStack, type Stack } from './harness';
import { portalBatches, type PortalDelivery } from './portal-batches';

jest.setTimeout(90_000);

/** Records per portal request: small batches, so the stream has enough requests to cut into. */
const BATCH_RECORDS = 8;
/** A sender retries a network error, a 503 or a 99 this many times, backing off up to 2 s. */
const MAX_RETRIES = 20;
const backoffMs = (retry: number) => Math.min(100 * 2 ** retry, 2_000);
/** A sender gives up on one attempt after this long (and retries), as an HTTP client would. */
const ATTEMPT_TIMEOUT_MS = 25_000;
/**
 * The longest a route may take to say "retry later" while DynamoDB does not answer: the
 * handlers' client gives up after 3 attempts of 3 s (functions/adapters/wiring.ts), far below
 * the 29 s an API Gateway route allows. Generous for a loaded machine.
 */
const STALL_ANSWER_BOUND_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// The stream

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** `yyyyMMddHHmmss` (Vietnam wall clock) plus minutes. */
function plusMinutes(compact: string, minutes: number): string {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => Number(compact.slice(i, i + (k === 0 ? 4 : 2))));
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi + minutes, s));
  return `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`;
}
/** ISO 8601 with the Vietnam offset, from `yyyyMMddHHmmss`. */
const vnIso = (c: string) =>
  `${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}T${c.slice(8, 10)}:${c.slice(10, 12)}:${c.slice(12, 14)}+07:00`;
const storeKey = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

interface Stream {
  portal: StreamMessage[];
  payments: StreamMessage[];
  postal: StreamMessage[];
  codes: string[];
  records: number;
}

/**
 * 40 dossiers of portal-batches.ts (about 180 records and steps) in batches of 8; for the
 * fee-bearing ones a PayGov or VNPay payment, some after a failed attempt, one of a wrong
 * amount, some delivered twice; for every fourth dossier the VNPost movements of a postal
 * return, one event delivered twice. About 80 requests.
 */
function buildStream(): Stream {
  const { deliveries, codes } = portalBatches(31, 40);
  const portal: StreamMessage[] = deliveries.flatMap((d: PortalDelivery) => {
    const out: StreamMessage[] = [];
    for (let i = 0; i < d.data.length; i += BATCH_RECORDS) {
      out.push({ source: 'portal', body: { service: d.service, isUpdating: d.isUpdating, data: d.data.slice(i, i + BATCH_RECORDS) } });
    }
    return out;
  });
  const first = new Map<string, Record<string, unknown>>();
  for (const d of deliveries)
    if (d.service === 'DongBoHoSoMC') for (const r of d.data) if (!first.has(String(r.MaHoSo))) first.set(String(r.MaHoSo), r);

  const payments: StreamMessage[] = [];
  const feeDossiers = codes.filter((c) => ((first.get(c)!.DanhSachLePhi as { Gia: number }[]) ?? []).length > 0);
  feeDossiers.forEach((code, j) => {
    const rec = first.get(code)!;
    const fee = (rec.DanhSachLePhi as { Gia: number }[]).reduce((n, f) => n + f.Gia, 0);
    const paidAt = plusMinutes(String(rec.NgayTiepNhan), 30 + j);
    const wrongAmount = j === 4;
    if (j % 2 === 0) {
      const paygov = (tx: string, MaLoi: string, at: string) => ({
        source: 'paygov' as const,
        body: {
          LoaiBanTin: 'CONFIRM',
          MaLoi,
          MaDoiTac: 'UBNDBINHAN',
          MaThamChieu: `dvc${storeKey(code)}${plusMinutes(at, -3)}`,
          SoTien: String(wrongAmount ? fee + 1_000 : fee),
          MaTienTe: 'VND',
          MaGiaoDich: tx,
          MaNganHang: 'TCB',
          ThoiGianGD: at,
          ThongTinGiaoDich: `Thanh toán lệ phí hồ sơ ${code}`,
        },
      });
      if (j % 4 === 0) payments.push(paygov(`PG${paidAt}${pad(j, 4)}F`, '51', plusMinutes(paidAt, -5)));
      const paid = paygov(`PG${paidAt}${pad(j, 4)}`, '00', paidAt);
      payments.push(paid);
      if (j % 3 === 0) payments.push(paid);
    } else {
      const vnpay = (n: number, ok: boolean, at: string) => ({
        source: 'vnpay' as const,
        params: {
          vnp_Amount: String(fee * 100),
          vnp_BankCode: 'NCB',
          vnp_BankTranNo: ok ? `VNP${14_100_000 + n}` : '',
          vnp_CardType: 'ATM',
          vnp_OrderInfo: `Thanh toan le phi ho so ${code}`,
          vnp_PayDate: at,
          vnp_ResponseCode: ok ? '00' : '24',
          vnp_TmnCode: 'BINHAN01',
          vnp_TransactionNo: String(14_100_000 + n),
          vnp_TransactionStatus: ok ? '00' : '02',
          vnp_TxnRef: `${code}_${at}${n}`,
        },
      });
      if (j % 4 === 1) payments.push(vnpay(2 * j, false, plusMinutes(paidAt, -5)));
      const paid = vnpay(2 * j + 1, true, paidAt);
      payments.push(paid);
      if (j % 3 === 0) payments.push(paid);
    }
  });

  const postal: StreamMessage[] = [];
  codes.forEach((code, i) => {
    if (i % 4 !== 1) return;
    const received = String(first.get(code)!.NgayTiepNhan);
    const trackingNumber = s10('EB', pad(31_000_000 + i * 7_919, 8));
    const events = [
      ['COLLECTED', -24 * 60, 'Nhận hồ sơ tại nhà công dân'],
      ['DELIVERED_TO_AGENCY', -60, 'Giao hồ sơ cho Bộ phận Một cửa'],
      ['RESULT_PICKED_UP', 2 * 24 * 60, 'Nhận kết quả tại Bộ phận Một cửa'],
      ['RESULT_DELIVERED', 3 * 24 * 60, 'Phát kết quả cho công dân'],
    ] as const;
    events.forEach(([type, minutes, note], k) => {
      const body = {
        eventId: `VNP-${trackingNumber}-${pad(k, 3)}`,
        trackingNumber,
        MaHoSo: code,
        type,
        occurredAt: vnIso(plusMinutes(received, minutes)),
        postOffice: 'Bưu cục Dĩ An',
        note,
      };
      postal.push({ source: 'postal', body });
      if (i === 5 && k === 3) postal.push({ source: 'postal', body });
    });
  });

  const records = deliveries.reduce((n, d) => n + d.data.length, 0);
  return { portal, payments, postal, codes, records };
}

// ---------------------------------------------------------------------------------------------
// The senders

interface Attempt {
  sender: string;
  /** ms the attempt took. */
  ms: number;
  status?: number;
  /** `error.code` of an error answer, or MaLoi / RspCode / status of a payment or postal answer. */
  code?: string;
  /** A network error (refused, reset, timed out). */
  error?: string;
}

/** One signed request of a message, to `api`: the status and the JSON body. */
async function sendOnce(api: string, m: StreamMessage): Promise<{ status: number; body: any }> {
  const t = Math.floor(Date.now() / 1000);
  const signal = AbortSignal.timeout(ATTEMPT_TIMEOUT_MS);
  let res: Response;
  if (m.source === 'portal' || m.source === 'postal' || m.source === 'feedback') {
    const raw = JSON.stringify(m.body);
    const secret = `local-${m.source}-secret`;
    const path = { portal: '/webhooks/portal', postal: '/notifications/postal', feedback: '/webhooks/feedback' }[m.source];
    res = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-motcua-signature': motcuaSignature(secret, raw, t) },
      body: raw,
      signal,
    });
  } else if (m.source === 'paygov') {
    res = await fetch(`${api}/payments/paygov/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...m.body, MaXacThuc: paygovChecksum(m.body, 'local-paygov-secret') }),
      signal,
    });
  } else {
    res = await fetch(`${api}/payments/vnpay/ipn?${vnpayQuery(m.params, 'local-vnpay-secret')}`, { signal });
  }
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

/** The code an answer carries, for the attempt log. */
function answerCode(m: StreamMessage, status: number, body: any): string | undefined {
  if (status !== 200) return body?.error?.code;
  if (m.source === 'paygov') return String(body?.MaLoi);
  if (m.source === 'vnpay') return String(body?.RspCode);
  if (m.source === 'postal') return String(body?.status);
  return undefined;
}

/** 'done' for an answer that takes the message, 'retry' for "retry later"; anything else is a bug. */
function verdict(m: StreamMessage, status: number, body: any): 'done' | 'retry' | 'unexpected' {
  if (status === 503) return 'retry';
  if (status !== 200) return 'unexpected';
  switch (m.source) {
    case 'portal':
    case 'feedback': {
      const n = m.body.data.length;
      return body.received === n && body.applied + body.duplicate + body.stale === n ? 'done' : 'unexpected';
    }
    case 'postal':
      return body.status === 'applied' || body.status === 'duplicate' ? 'done' : 'unexpected';
    case 'paygov':
      return body.MaLoi === '99' ? 'retry' : body.MaLoi === '00' ? 'done' : 'unexpected';
    case 'vnpay': {
      if (body.RspCode === '99') return 'retry';
      // Taken: 00, or 02 for a repeat of a paid order, or 04 for an amount the dossier does not owe.
      const paid = m.params.vnp_ResponseCode === '00' && m.params.vnp_TransactionStatus === '00';
      return (paid ? ['00', '02', '04'] : ['00']).includes(body.RspCode) ? 'done' : 'unexpected';
    }
  }
}

/**
 * A platform's sender: its messages one after the other, each retried (fresh signature, backoff)
 * on a network error, a 503 or a 99 until taken, at most MAX_RETRIES times. `target` may change
 * while it runs (the stack came back on another port); `onTaken` sees the count of taken messages.
 */
class Sender {
  readonly attempts: Attempt[] = [];
  taken = 0;
  onTaken: (taken: number) => void = () => undefined;

  constructor(
    readonly name: string,
    public target: string,
  ) {}

  async run(messages: readonly StreamMessage[]): Promise<void> {
    for (const m of messages) {
      await this.deliver(m);
      this.taken++;
      this.onTaken(this.taken);
    }
  }

  private async deliver(m: StreamMessage): Promise<void> {
    for (let retry = 0; ; retry++) {
      const started = Date.now();
      let why: string;
      try {
        const { status, body } = await sendOnce(this.target, m);
        this.attempts.push({ sender: this.name, ms: Date.now() - started, status, code: answerCode(m, status, body) });
        const v = verdict(m, status, body);
        if (v === 'done') return;
        why = `HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`;
        if (v === 'unexpected') throw new Error(`${this.name}: unexpected answer ${why}`);
      } catch (err) {
        // fetch's network failures are TypeErrors ("fetch failed", the cause says why), from
        // Node's realm (not jest's: compared by name); a timed-out attempt is a TimeoutError.
        const name = (err as Error).name;
        if (name !== 'TypeError' && name !== 'TimeoutError') throw err;
        why = `${(err as Error).message}: ${String((err as { cause?: Error }).cause?.message ?? '')}`;
        this.attempts.push({ sender: this.name, ms: Date.now() - started, error: why });
      }
      if (retry >= MAX_RETRIES) throw new Error(`${this.name}: still not taken after ${MAX_RETRIES} retries: ${why}`);
      await new Promise((resolve) => setTimeout(resolve, backoffMs(retry)));
    }
  }
}

/** The three platforms' senders, each with its part of the stream, all aimed at `api`. */
function senders(api: string, stream: Stream) {
  const portal = new Sender('portal', api);
  const payments = new Sender('payments', api);
  const postal = new Sender('postal', api);
  return {
    portal,
    all: [portal, payments, postal],
    run: () => Promise.all([portal.run(stream.portal), payments.run(stream.payments), postal.run(stream.postal)]),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading back

/** Every dossier's state as the API shows it, minus what depends on the reading time. */
async function states(api: string, codes: string[]) {
  const out: Record<string, unknown> = {};
  for (const code of codes) {
    const res = await adminGet(api, `/dossiers/${encodeURIComponent(code)}`);
    if (res.status !== 200) throw new Error(`GET /dossiers/${code} answered ${res.status}: ${res.text}`);
    // `risk` counts working hours up to the reading time; the overdue flag only moves at a due date.
    const { overdue, risk: _risk, ...rest } = res.body;
    out[code] = { ...rest, isOverdue: overdue.isOverdue, alertedAt: overdue.alertedAt };
  }
  return out;
}

/** The pid of the stack's DynamoDB emulator: its child running dynamo-server.mjs (from /proc). */
function dynamoPid(stackPid: number): number {
  const found = readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === stackPid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('dynamo-server.mjs');
    } catch {
      return false; // gone meanwhile
    }
  });
  if (found.length !== 1) throw new Error(`expected one dynamo-server.mjs child of ${stackPid}, found ${found.length}`);
  return Number(found[0]);
}

/** The process state letter of /proc/<pid>/stat (`T` = stopped), or null when it is gone. */
function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

const stream = buildStream();
const started: Stack[] = [];
/** Emulators this file froze: resumed before anything is stopped, whatever happened. */
const frozen = new Set<number>();
const resume = (pid: number) => {
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    // already gone
  }
  frozen.delete(pid);
};
let reference: Record<string, unknown>;
let forKill: Stack;
let forStall: Stack;

beforeAll(async () => {
  // The undisturbed run, and the two stacks the tests disturb (started together: it is the slow part).
  const [undisturbed, a, b] = await Promise.all([startStack(), startStack(), startStack()]);
  started.push(undisturbed, a, b);
  [forKill, forStall] = [a, b];
  await senders(undisturbed.api, stream).run();
  reference = await states(undisturbed.api, stream.codes);
  await undisturbed.stop();
}, 120_000);

afterAll(async () => {
  for (const pid of frozen) resume(pid);
  await Promise.all(started.map((s) => s.stop()));
});

it('the reference run covers what the disturbed runs must reproduce', () => {
  // Assess
  type View = { status: number; fees: { paid: number; flagged: unknown[] }; postal: { trackingNumber: string | null } };
  const views = Object.values(reference) as View[];
  expect(stream.records).toBeGreaterThanOrEqual(100);
  expect(stream.records).toBeLessThanOrEqual(300);
  expect([...new Set(views.map((v) => v.status))].sort((x, y) => x - y)).toEqual(expect.arrayContaining([2, 3, 4, 5, 7, 10]));
  expect(views.filter((v) => v.fees.paid > 0).length).toBeGreaterThanOrEqual(8);
  expect(views.filter((v) => v.fees.flagged.length > 0)).toHaveLength(1);
  expect(views.filter((v) => v.postal.trackingNumber !== null)).toHaveLength(10);
});

it('loses nothing when the whole tree is killed mid-stream and restarted on the same data', async () => {
  // Prepare
  const { dataDir } = forKill;
  const send = senders(forKill.api, stream);
  let restart: Promise<{ signal: string | null }> | undefined;
  const killAfter = Math.floor(stream.portal.length / 3);
  send.portal.onTaken = (taken) => {
    if (taken !== killAfter) return;
    // SIGKILL goes out synchronously here, before the portal's next request; the other two
    // senders are mid-stream. They retry against the dead URL until the stack is back.
    const before = forKill;
    restart = (async () => {
      const killed = await before.kill();
      const again = await startStack({ dataDir });
      // The new stack owns the data directory now (its stop removes it).
      started[started.indexOf(before)] = again;
      forKill = again;
      for (const s of send.all) s.target = again.api;
      return killed;
    })();
    restart.catch(() => undefined); // awaited below; a failed restart also fails the senders
  };

  // Act
  await send.run();
  const killed = await restart;
  const after = await states(forKill.api, stream.codes);

  // Assess
  expect(killed?.signal).toBe('SIGKILL');
  const attempts = send.all.flatMap((s) => s.attempts);
  const refused = attempts.filter((a) => a.error !== undefined);
  expect(refused.length).toBeGreaterThan(0);
  expect(send.all.map((s) => s.taken)).toEqual([stream.portal.length, stream.payments.length, stream.postal.length]);
  expect(after).toEqual(reference);
});

it('answers "retry later" quickly while DynamoDB is frozen, and the retries lose nothing', async () => {
  // Prepare
  const pid = dynamoPid(forStall.child.pid!);
  const send = senders(forStall.api, stream);
  // Messages of the stream itself, so whatever they may write once DynamoDB thaws is in the reference too.
  const probes = [
    stream.portal.at(-1)!,
    stream.postal.at(-1)!,
    stream.payments.find((m) => m.source === 'paygov')!,
    stream.payments.find((m) => m.source === 'vnpay')!,
  ];
  let stall: Promise<Array<{ source: string; status: number; body: any; ms: number }>> | undefined;
  send.portal.onTaken = (taken) => {
    if (taken !== Math.floor(stream.portal.length / 3)) return;
    process.kill(pid, 'SIGSTOP');
    frozen.add(pid);
    stall = (async () => {
      try {
        await poll(() => processState(pid) === 'T', { timeoutMs: 5_000, intervalMs: 20, what: 'the DynamoDB emulator to stop' });
        return await Promise.all(
          probes.map(async (m) => {
            const t0 = Date.now();
            try {
              const { status, body } = await sendOnce(forStall.api, m);
              return { source: m.source, status, body, ms: Date.now() - t0 };
            } catch (err) {
              // No answer at all (hung past ATTEMPT_TIMEOUT_MS): shown as such by the assertion below.
              return { source: m.source, status: 0, body: { noAnswer: (err as Error).message }, ms: Date.now() - t0 };
            }
          }),
        );
      } finally {
        resume(pid);
      }
    })();
    stall.catch(() => undefined); // awaited below
  };

  // Act
  await send.run();
  const answers = await stall;
  const after = await states(forStall.api, stream.codes);

  // Assess
  expect(answers?.map(({ source, status, body }) => ({ source, status, body }))).toEqual([
    { source: 'portal', status: 503, body: { error: expect.objectContaining({ code: 'store_unavailable' }) } },
    { source: 'postal', status: 503, body: { error: expect.objectContaining({ code: 'store_unavailable' }) } },
    { source: 'paygov', status: 200, body: expect.objectContaining({ MaLoi: '99' }) },
    { source: 'vnpay', status: 200, body: expect.objectContaining({ RspCode: '99' }) },
  ]);
  for (const a of answers ?? []) expect(a.ms).toBeLessThan(STALL_ANSWER_BOUND_MS);
  const attempts = send.all.flatMap((s) => s.attempts);
  expect(send.portal.attempts.filter((a) => a.status === 503 && a.code === 'store_unavailable').length).toBeGreaterThan(0);
  expect(attempts.filter((a) => a.error !== undefined)).toEqual([]);
  expect(Math.max(...attempts.map((a) => a.ms))).toBeLessThan(STALL_ANSWER_BOUND_MS);
  expect(send.all.map((s) => s.taken)).toEqual([stream.portal.length, stream.payments.length, stream.postal.length]);
  expect(after).toEqual(reference);
});
