/**
 * Shared pieces of the fuzz tests (`fuzz.test.ts`, `fuzz-reads.test.ts`): an in-memory dossier
 * store standing in for DynamoDB behind the real handler chains, HTTP events as API Gateway (payload
 * v2) hands them over, the contract checks every answer must pass, and the arbitraries.
 *
 * The handlers reach the store through `adapters/wiring`; the test files mock only that module's
 * factories (`dossierStore`, `feedbackStore`, `alertLedger`, `alertQueue`) so that the exported
 * middy `handler`s run unchanged, with `fuzzPorts` behind them.
 */
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { applyEvent, eventKey, type DossierEvent, type DossierState } from '../../functions/core/dossier';
import { effectiveDueAt } from '../../functions/core/overdue';
import type {
  AlertLevel,
  AlertMark,
  DossierStore,
  OfferedRecord,
  OverdueIndex,
  RawMessage,
  StoredDossier,
} from '../../functions/core/ports';
import { instantMs, vnDate } from '../../functions/core/time';
import type { Outcome, Payment, PostalEvent, ProgressStep } from '../../functions/core/types';
import { wardOf } from '../../functions/core/ward';
import { FakeLedger, FakeQueue } from './alert-fakes';
import { MemoryFeedbackStore } from './feedback-fakes';

// ---- the store -------------------------------------------------------------------------------

const OPEN = new Set([2, 4]);

/**
 * The sort key the DynamoDB adapter writes for a due date (`byDue` index): like it, this throws a
 * RangeError on an instant it cannot read, so a parser letting such a date through fails here too.
 */
function dueSortKey(iso: string): string {
  return new Date(instantMs(iso)).toISOString();
}

interface Indexed {
  dueAt: string | null;
  place: 'due' | 'soon' | 'overdue' | null;
  alerts: { overdue: AlertMark | null; soon: AlertMark | null };
}

/**
 * `DossierStore` (and the scan's `OverdueIndex`) in memory. State follows the pure fold of
 * `core/dossier.ts`; what the DynamoDB adapter derives from a record (the due date as `wiring.ts`
 * configures it, the received-month and due-date index keys) is derived here the same way.
 */
export class MemoryStore implements DossierStore, OverdueIndex {
  readonly raw: RawMessage[] = [];
  /** Derived writes: events applied, alert marks set. A rejected request must leave this at 0. */
  writes = 0;
  private readonly states = new Map<string, DossierState>();
  private readonly index = new Map<string, Indexed>();

  reset(): void {
    this.states.clear();
    this.index.clear();
    this.clearLog();
  }

  /** Forgets what was written so far (raw messages, write count), keeping the state: after seeding. */
  clearLog(): void {
    this.raw.length = 0;
    this.writes = 0;
  }

  private offer(event: DossierEvent): Outcome {
    const key = eventKey(event);
    const { state, outcome } = applyEvent(this.states.get(key) ?? null, event);
    if (outcome === 'applied') {
      this.states.set(key, state);
      this.writes++;
    }
    return outcome;
  }

  async saveRaw(message: RawMessage): Promise<void> {
    vnDate(message.receivedAt); // the adapter's partition key
    this.raw.push(message);
  }

  async offerRecords(records: OfferedRecord[]): Promise<Outcome[]> {
    return records.map(({ record }) => {
      const outcome = this.offer({ kind: 'record', record });
      if (outcome === 'applied') {
        const key = eventKey({ kind: 'record', record });
        const dueAt = effectiveDueAt(record);
        vnDate(record.receivedAt).slice(0, 7); // byReceived partition
        const open = OPEN.has(record.status) && dueAt !== null;
        if (open) dueSortKey(dueAt);
        const alerts = this.index.get(key)?.alerts ?? { overdue: null, soon: null };
        this.index.set(key, { dueAt, place: open ? 'due' : null, alerts });
      }
      return outcome;
    });
  }

  async offerSteps(steps: ProgressStep[]): Promise<Outcome[]> {
    return steps.map((step) => this.offer({ kind: 'step', step }));
  }

  async offerPayment(payment: Payment): Promise<Outcome> {
    return this.offer({ kind: 'payment', payment });
  }

  async offerPostalEvent(event: PostalEvent): Promise<Outcome> {
    return this.offer({ kind: 'postal', event });
  }

  private stored(key: string, s: DossierState): StoredDossier {
    const idx = this.index.get(key);
    return structuredClone({
      key,
      code: s.code,
      dueAt: idx?.dueAt ?? null,
      record: s.record,
      payments: Object.values(s.payments),
      postal: Object.values(s.postal).sort((a, b) => instantMs(a.occurredAt) - instantMs(b.occurredAt)),
      alerts: idx?.alerts ?? { overdue: null, soon: null },
    });
  }

  async listWards(): Promise<string[]> {
    return [...new Set([...this.states.values()].flatMap((s) => (s.record ? [wardOf(s.record.code)] : [])))].sort();
  }

  async getDossier(key: string): Promise<{ dossier: StoredDossier; steps: ProgressStep[] } | null> {
    const s = this.states.get(key);
    return s ? { dossier: this.stored(key, s), steps: structuredClone(Object.values(s.steps)) } : null;
  }

  async *listReceived(from: string, to: string, ward?: string): AsyncIterable<StoredDossier> {
    for (const [key, s] of this.states) {
      if (!s.record || (ward !== undefined && wardOf(s.record.code) !== ward)) continue;
      const day = vnDate(s.record.receivedAt);
      if (day >= from && day <= to) yield this.stored(key, s);
    }
  }

  async *listDueBy(until: string, soonUntil: string = until): AsyncIterable<StoredDossier> {
    const bound = { due: dueSortKey(until), soon: dueSortKey(soonUntil) };
    for (const [key, s] of this.states) {
      const idx = this.index.get(key);
      if ((idx?.place === 'due' || idx?.place === 'soon') && idx.dueAt && dueSortKey(idx.dueAt) <= bound[idx.place])
        yield this.stored(key, s);
    }
  }

  async *listAlertedOverdue(): AsyncIterable<StoredDossier> {
    for (const [key, s] of this.states) if (this.index.get(key)?.place === 'overdue') yield this.stored(key, s);
  }

  async markAlerted(key: string, version: string, level: AlertLevel, mark: AlertMark): Promise<boolean> {
    const idx = this.index.get(key);
    if (!idx || this.states.get(key)?.record?.version !== version || idx.alerts[level]?.dueAt === mark.dueAt) return false;
    idx.alerts[level] = { ...mark }; // stays where the scan read it until parked
    this.writes++;
    return true;
  }

  async takeOverAlerted(key: string, version: string, level: AlertLevel, fromRunId: string, mark: AlertMark): Promise<boolean> {
    const idx = this.index.get(key);
    const m = idx?.alerts[level];
    if (!idx || this.states.get(key)?.record?.version !== version || !m?.pending || m.runId !== fromRunId || m.dueAt !== mark.dueAt)
      return false;
    idx.alerts[level] = { ...mark };
    this.writes++;
    return true;
  }

  async parkAlerted(key: string, version: string, level: AlertLevel, runId: string): Promise<void> {
    const idx = this.index.get(key);
    const m = idx?.alerts[level];
    if (!idx || !m || m.runId !== runId) return;
    if (this.states.get(key)?.record?.version === version && idx.place) idx.place = level;
    delete m.pending;
  }

  async dropFromDueIndex(key: string, version: string): Promise<void> {
    const idx = this.index.get(key);
    if (idx && this.states.get(key)?.record?.version === version) idx.place = null;
  }

  async unmarkAlerted(key: string, level: AlertLevel, mark: AlertMark): Promise<void> {
    const idx = this.index.get(key);
    const m = idx?.alerts[level];
    if (!idx || !m || m.dueAt !== mark.dueAt || m.runId !== mark.runId) return;
    idx.alerts[level] = null;
  }

  async keepAsAlerted(key: string, version: string, level: AlertLevel): Promise<void> {
    const idx = this.index.get(key);
    if (idx && this.states.get(key)?.record?.version === version && idx.place) idx.place = level;
  }
}

/** The ports behind the mocked `wiring` factories: one instance each, as a warm Lambda keeps them. */
const memoryStore = new MemoryStore();
/** One raw log for every source: the feedback store writes into the dossier store's list. */
export const fuzzPorts = {
  store: memoryStore,
  feedback: new MemoryFeedbackStore(memoryStore.raw),
  ledger: new FakeLedger(),
  queue: new FakeQueue(),
};

/** Empties the stores, the ledger and the queue (between two generated requests). */
export function resetPorts(): void {
  fuzzPorts.store.reset();
  fuzzPorts.feedback.reset();
  fuzzPorts.ledger.runs.clear();
  fuzzPorts.ledger.open.clear();
  fuzzPorts.queue.drain();
}

// ---- environment -----------------------------------------------------------------------------

const ENV_KEYS = ['SECRETS_ARN', 'AWS_LAMBDA_FUNCTION_NAME', 'PORTAL_SECRET', 'POSTAL_SECRET', 'PAYGOV_SECRET', 'VNPAY_HASH_SECRET'];

/**
 * Runs the handlers as on the local stack: no SECRETS_ARN and not on Lambda, so `secretValues`
 * gives config.ts's local defaults. Returns the function that puts the environment back.
 */
export function localEnvironment(): () => void {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  return () => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  };
}

// ---- events ----------------------------------------------------------------------------------

let requests = 0;

/** An API Gateway HTTP API (payload 2.0) event. */
export function httpEvent(method: 'GET' | 'POST', path: string, over: Partial<HttpEvent> = {}): HttpEvent {
  const requestId = `fuzz-${++requests}`;
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'fuzz' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '01/Apr/2024:08:15:00 +0000',
      timeEpoch: 1711959300000,
    },
    isBase64Encoded: false,
    ...over,
  };
}

/** A POST with a body: text as is, bytes base64-encoded (as API Gateway passes a binary body). */
export function postEvent(path: string, body: string | Uint8Array, headers: Record<string, string> = {}): HttpEvent {
  const base = httpEvent('POST', path);
  const binary = typeof body !== 'string';
  return {
    ...base,
    headers: { ...base.headers, ...headers },
    body: binary ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: binary,
  };
}

/** The bytes a handler sees for a body (what a signature covers). */
export function bodyBytes(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
}

export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'fuzz',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:fuzz',
  memoryLimitInMB: '256',
  awsRequestId: 'fuzz-context',
  logGroupName: '/aws/lambda/fuzz',
  logStreamName: 'fuzz',
} as Context;

// ---- checks ----------------------------------------------------------------------------------

/** What a stack trace leaves in a text: a frame line, a source position, an error's name line. */
const STACK_MARKERS = ['    at ', '.ts:', 'Error:'];

/** Lambda's limit on a synchronous response: API Gateway answers 500 for anything larger. */
export const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

/**
 * Checks what every route promises: a status below 500, a JSON body (`application/json;
 * charset=utf-8`) small enough for Lambda to return, with no trace of a stack. A marker the request
 * itself carried may be echoed back (`got "Error: x"`), so only markers absent from `inputs` count.
 * Returns the parsed body.
 */
export function contractAnswer(res: HttpResult, inputs: string[]): unknown {
  expect(res.statusCode).toBeLessThan(500);
  expect(res.headers?.['content-type']).toBe('application/json; charset=utf-8');
  expect(typeof res.body).toBe('string');
  const body = res.body as string;
  expect(Buffer.byteLength(body, 'utf8')).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
  for (const marker of STACK_MARKERS) {
    if (!inputs.some((i) => i.includes(marker))) expect(body).not.toContain(marker);
  }
  return JSON.parse(body);
}

type ErrorBody = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

/** The error body of CONTRACT 3 on the JSON routes: `{"error":{"code","message"[,"details"]}}`. */
export function expectErrorBody(body: unknown, code: string): ErrorBody['error'] {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  const error = (body as ErrorBody).error;
  expect(Object.keys(error).sort()).toEqual(error.details === undefined ? ['code', 'message'] : ['code', 'details', 'message']);
  if (error.details !== undefined) {
    expect(Array.isArray(error.details)).toBe(true);
    for (const d of error.details) expect(d).toEqual({ path: expect.any(String), message: expect.any(String) });
  }
  return error;
}

/** A field path as CONTRACT 3 writes it: `data[3].NgayHenTra`, `DanhSachLePhi[0].Gia`, or empty (the body). */
export const CONTRACT_PATH = /^(?:[A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*)?$/;

// ---- fixtures: valid messages as their senders send them ------------------------------------

export const FEE = { TenPhiLePhi: 'Lệ phí đăng ký khai sinh', MaPhiLePhi: 'LP01', Gia: 8000 };
export const SUPPLEMENT = {
  NgayYeuCauBoSung: '20240402090000',
  NgayBoSung: '20240403090000',
  NgayHenTraTruoc: '20240403170000',
  NgayHenTraMoi: '20240405170000',
};

export const DOSSIER = {
  MaHoSo: '000.00.12.H57-240401-0003',
  MaTTHC: '1.001193',
  TenTTHC: 'Thủ tục đăng ký khai sinh',
  MaLinhVuc: 'HT',
  TenLinhVuc: 'Hộ tịch',
  KenhThucHien: 2,
  NgayTiepNhan: '20240401081500',
  NgayHenTra: '20240402170000',
  TrangThaiHoSo: 2,
  NgayCapNhat: '20240401081500',
  ChuHoSo: 'Nguyễn Thị Hồng Nhung',
  SoGiayToChuHoSo: '074190001234',
  SoDienThoai: '0912345678',
  Email: 'hongnhung@example.vn',
  TrichYeuHoSo: 'Đăng ký khai sinh cho con Trần Gia Bảo',
  DonViXuLy: 'Bộ phận Tư pháp - Hộ tịch',
  HinhThuc: 0,
  DanhSachLePhi: [FEE],
  DanhSachHoSoBoSung: [SUPPLEMENT],
  DuocThanhToanTrucTuyen: 1,
  HoSoCoThanhPhanSoHoa: 0,
  LoaiDoiTuong: 1,
  GhiChu: 'Nộp trực tuyến mức độ toàn trình',
};

export const STEP = {
  MaHoSo: '000.00.12.H57-240401-0003',
  NguoiXuLy: 'Lê Văn Tâm',
  ChucDanh: 'Công chức Tư pháp - Hộ tịch',
  ThoiDiemXuLy: '20240401091000',
  PhongBanXuLy: 'Bộ phận Tư pháp - Hộ tịch',
  NoiDungXuLy: 'Tiếp nhận hồ sơ',
  TrangThai: 2,
  NgayBatDau: '20240401081500',
  NgayKetThucTheoQuyDinh: '20240402170000',
};

export const POSTAL = {
  eventId: 'VNP-20240403-000123',
  trackingNumber: 'EB123456785VN',
  MaHoSo: '000.00.12.H57-240401-0003',
  type: 'RESULT_DELIVERED',
  occurredAt: '2024-04-03T10:00:00+07:00',
  postOffice: 'Bưu cục Bình An',
  note: null,
};

// ---- arbitraries -----------------------------------------------------------------------------

/** Marks a key to delete rather than set. */
export const DELETE = Symbol('delete');
export type Mutation = [key: string, value: unknown];

/** Sets `key` as an own property, so `__proto__` becomes data (as JSON.parse makes it) and not a prototype. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `base` with the mutations applied in order. */
export function mutate(base: Record<string, unknown>, mutations: readonly Mutation[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of mutations) {
    if (v === DELETE) delete out[k];
    else setOwn(out, k, v);
  }
  return out;
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const trickyChar = fc.constantFrom(
  '%',
  '"',
  '\\',
  '\u0000',
  '\n',
  '\t',
  ' ',
  '.',
  '-',
  '_',
  '&',
  '=',
  '+',
  '#',
  '?',
  '/',
  '\u00a0',
  '\u200b',
  '\ufeff',
  '🎉',
  'ệ',
);

/** Short text of every kind: Vietnamese, any code point, control characters, lone surrogates. */
export const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.oneof(trickyChar, loneSurrogate, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 30 }),
);

/** One character repeated up to `max` times. */
export const longText = (max: number) =>
  fc.tuple(fc.constantFrom('x', 'é', '"', '\\', '\u0001', '🎉', '9', ' '), fc.integer({ min: 200, max })).map(([c, n]) => c.repeat(n));

/** A year as senders get it wrong: the edges of four digits, of our era, of the table. */
const year = fc.oneof(
  fc.integer({ min: 2000, max: 2030 }),
  fc.constantFrom(0, 1, 99, 100, 999, 1000, 1899, 1900, 1969, 1970, 2099, 2100, 2999, 3000, 9998, 9999),
  fc.integer({ min: 0, max: 9999 }),
);
const two = (max: number) => fc.oneof(fc.integer({ min: 0, max }), fc.constantFrom(0, 1, 12, 13, 23, 24, 28, 29, 30, 31, 32, 59, 60, 99));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `yyyyMMddHHmmss`, mostly in form, often out of range. */
export const compactDate = fc
  .record({ y: year, mo: two(13), d: two(32), h: two(24), mi: two(60), s: two(60) })
  .map(({ y, mo, d, h, mi, s }) => `${pad(y, 4)}${pad(mo, 2)}${pad(d, 2)}${pad(h, 2)}${pad(mi, 2)}${pad(s, 2)}`);

const offset = fc.oneof(
  fc.constantFrom('Z', '+07:00', '+0700', '-00:00', '+14:00', '-12:00', '+23:59', '-23:59', '+24:00', '+07', '', 'z', ' +07:00'),
  fc.record({ sign: fc.constantFrom('+', '-'), h: two(30), m: two(60) }).map(({ sign, h, m }) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
);

/** An ISO 8601 instant, mostly in form, often out of range, with every kind of offset. */
export const isoInstant = fc
  .record({
    y: year,
    mo: two(13),
    d: two(32),
    h: two(24),
    mi: two(60),
    s: fc.option(two(60)),
    frac: fc.option(fc.stringMatching(/^\.\d{1,12}$/)),
    off: offset,
  })
  .map(
    ({ y, mo, d, h, mi, s, frac, off }) =>
      `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}${s === null ? '' : `:${pad(s, 2)}${frac ?? ''}`}${off}`,
  );

/** A `YYYY-MM-DD` date, mostly in form, often not a real one. */
export const isoDate = fc.record({ y: year, mo: two(13), d: two(32) }).map(({ y, mo, d }) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`);

/** Numbers and number-like strings JSON can carry. */
export const numberish = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.5, 1e21, 2 ** 53, -1, 0, 1, 2, 3, 10, 11),
  fc.integer().map(String),
  fc.constantFrom('2', ' 2 ', '02', '2.0', '1e1', '0x2', '-1', '', '  ', 'NaN', 'Infinity', '٢', '２', '9'.repeat(40), '00'),
);

/** `[[[…]]]`, `depth` deep. */
const nested = (depth: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** The prototype-pollution keys, as own properties of a parsed JSON object. */
export const protoObject: unknown = JSON.parse(
  '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"toString":1,"hasOwnProperty":"x"}',
);

/** A value a field should not hold (or sometimes one it may): wrong types, edges, nesting, unicode. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(null, true, false, 0, 1, -1, '', ' ', '0', '1', [], {}) },
  { weight: 3, arbitrary: anyText },
  { weight: 3, arbitrary: numberish },
  { weight: 3, arbitrary: compactDate },
  { weight: 1, arbitrary: compactDate.map(Number) },
  { weight: 2, arbitrary: isoInstant },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map(nested) },
  { weight: 1, arbitrary: fc.constant(protoObject) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(null, 0, {}, [], 'x'), { maxLength: 5 }) },
);

/** Keys worth setting on any object: the prototype's own names, and strangers. */
export const strangeKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''),
  anyText,
);

/** Up to `max` mutations over `keys` (and strange keys): a nasty value, or the key removed. */
export function mutations(keys: readonly string[], max = 3, value: fc.Arbitrary<unknown> = nastyValue): fc.Arbitrary<Mutation[]> {
  const key = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: strangeKey });
  return fc.array(fc.tuple(key, fc.oneof({ weight: 5, arbitrary: value }, { weight: 1, arbitrary: fc.constant<unknown>(DELETE) })), {
    maxLength: max,
  });
}
