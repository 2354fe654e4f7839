/**
 * A deterministic, realistic event stream of one ward (phường Bình An, 000.00.12.H57) from
 * mid-December 2022 to mid-April 2024, whose supervision report reads exactly the figures of the
 * People's Council's notice (seed/000_73e8d45149186de7.txt) for 01/01/2023–31/03/2024, 2023 and
 * Q1 2024.
 *
 * How the figures come out exact (not by luck, for any seed):
 * - Received dossiers: the 8,979 online and 2,722 desk receipts are spread over the working days
 *   by largest-remainder apportionment of a seasonal, noisy daily weight (online share rising over
 *   the period), so the totals are exact by construction. Postal-channel dossiers exist but are
 *   either received outside the period or never received in it (registered only, refused).
 * - Fee-bearing and paid dossiers: per sub-period, exactly `withFees` received dossiers get a fee
 *   and exactly `paid` of those get one counted online payment (mostly online-channel ones; the
 *   boundary dossiers are forced into the paid set).
 * - Amounts: the paid dossiers' fees are drawn from the catalog's realistic fee options under an
 *   exponential tilt solved (bisection) so the expected mean is amount / paid; then random
 *   redraws that shrink the remaining gap are kept until it is under 20,000 VND; finally a few
 *   certified-copy dossiers gain or lose one page (1,000 VND a page from the third page, as the
 *   national fee schedule has it) until the counted total is exact. See `solvePaidFees`.
 * - Every other payment (failed attempts, wrong amounts, repeats, payments of dossiers that are
 *   not received or received outside the period) is built so it cannot count, and `expected` is
 *   recomputed from the final ground truth (newest record, payments as delivered), never copied
 *   from the targets.
 */
import { dossierKey } from '../../functions/core/types';
import {
  addWorkingDays,
  at,
  compact as toCompact,
  dayOf,
  dayOfIso,
  isoOfDay,
  isWorkingDay,
  minuteOfDay,
  nextWorkingDay,
  nextWorkingTime,
  officeMinute,
  previousWorkingDay,
  vnIso as toVnIso,
  weekday,
} from './calendar';
import { CATALOG, MAX_PAGES, feeLines, feeOptions, feeTotal, freeProcedures, type FeeOption } from './catalog';
import { feedbackDeliveries, feedbackFigures, generateFeedback, type FeedbackBody, type FeedbackTruth } from './feedback';
import { applicant, deskOfficer, leader, specialist, type Applicant, type Staff } from './people';
import { Rng, WeightedTable } from './prng';
import { s10 } from './s10';

// ---------------------------------------------------------------------------------------------
// Public shapes
// ---------------------------------------------------------------------------------------------

/** A DVCQG envelope as the portal pushes it (CONTRACT 3.2). */
export interface PortalBody {
  service: 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC';
  isUpdating?: boolean;
  data: Record<string, unknown>[];
}

/** One message of the stream, unsigned: the loader signs it (so `t` is fresh when sent). */
export type StreamMessage =
  | { source: 'portal'; body: PortalBody }
  | { source: 'paygov'; body: Record<string, string | number> /* without MaXacThuc */ }
  | { source: 'vnpay'; params: Record<string, string> /* without vnp_SecureHash */ }
  | { source: 'postal'; body: Record<string, string> }
  | { source: 'feedback'; body: FeedbackBody };

/** The supervision report's figures for one period (CONTRACT 5; rates rounded to 4 decimals). */
export interface PeriodFigures {
  period: { from: string; to: string };
  received: { total: number; byChannel: { direct: number; online: number; postal: number } };
  payments: { dossiersWithFees: number; paidOnline: number; onlineRate: number; amountVnd: number };
  processing: {
    finishedEarly: number;
    finishedOnTime: number;
    finishedLate: number;
    openOnTime: number;
    openOverdue: number;
    withdrawn: number;
    onTimeRate: number;
  };
  byField: { MaLinhVuc: string; TenLinhVuc: string; received: number; finishedLate: number; openOverdue: number }[];
  feedback: {
    received: number;
    answered: number;
    answeredOnTime: number;
    answeredLate: number;
    open: number;
    openOverdue: number;
    refused: number;
    aboutProcedures: number;
    aboutConduct: number;
    dissatisfied: number;
  };
}

/** What the report must read for the notice's three periods, at the report clock `asOf`. */
export interface ExpectedFigures {
  asOf: string;
  whole: PeriodFigures; // 2023-01-01 … 2024-03-31
  year2023: PeriodFigures; // 2023-01-01 … 2023-12-31
  q1Of2024: PeriodFigures; // 2024-01-01 … 2024-03-31
}

export const AGENCY = '000.00.12.H57';
/** Seed used when none is given (the README's figures are for this one). */
export const DEFAULT_SEED = 20240401;
/** The report clock `expected.processing` is computed at (only open-overdue depends on it). */
export const EXPECTED_AS_OF = '2024-04-15T08:00:00+07:00';

/** The notice's figures the stream is built to reproduce. */
const TARGETS = {
  online: 8979,
  direct: 2722,
  y2023: {
    from: '2023-01-01',
    to: '2023-12-31',
    withFees: 4709,
    paid: 3557,
    amount: 67_170_000,
    paidDirectShare: 0.02,
    unpaidDirectShare: 0.7,
  },
  q1: {
    from: '2024-01-01',
    to: '2024-03-31',
    withFees: 1754,
    paid: 1686,
    amount: 22_778_000,
    paidDirectShare: 0.05,
    unpaidDirectShare: 0.7,
  },
};
const PERIOD_FROM = '2023-01-01';
const PERIOD_TO = '2024-03-31';

/** Nothing happens after this instant: later versions, steps and events are simply not sent. */
const STREAM_END = at(dayOfIso('2024-04-12'), 18);

const MIN = 60_000;
const HOUR = 60 * MIN;

// ---------------------------------------------------------------------------------------------
// Ground truth
// ---------------------------------------------------------------------------------------------

type Outcome = 'early' | 'onTime' | 'late' | 'withdrawn' | 'paused5' | 'paused6' | 'paused8' | 'stuck';

interface Supplement {
  requestedAt: number;
  suppliedAt: number;
  previousDue: number;
  newDue: number;
}

/** One portal record of a dossier (its state at `at`, which is `NgayCapNhat`). */
interface Version {
  status: number;
  at: number;
  receivedAt: number;
  due: number;
  finishedAt: number | null;
  returnedAt: number | null;
  refusedAt: number | null;
  supplements: Supplement[];
  note: string | null;
}

interface Step {
  at: number;
  status: number;
  content: string;
  staff: Staff;
  due: number;
}

interface Payment {
  provider: 'paygov' | 'vnpay';
  at: number;
  amount: number;
  success: boolean;
  resultCode: string;
  /** PayGov MaGiaoDich, or VNPay vnp_TxnRef: the transaction's identity. */
  txId: string;
  requestAt: number;
  bank: string;
  serial: number;
  /** Delivery instants: more than one when the platform repeats itself. */
  sends: number[];
  amountAsNumber: boolean;
}

interface PostalEvent {
  type: 'COLLECTED' | 'DELIVERED_TO_AGENCY' | 'RESULT_PICKED_UP' | 'RESULT_DELIVERED' | 'DELIVERY_FAILED' | 'RETURNED_TO_AGENCY';
  at: number;
  tracking: string;
  eventId: string;
  office: string;
  note: string | null;
  sends: number[];
  zulu: boolean;
}

interface Dossier {
  n: number;
  channel: 1 | 2 | 3;
  kind: 'received' | 'registered' | 'refused';
  submittedAt: number;
  /** NgayTiepNhan of the final record (for a dossier never received: its submission). */
  receivedAt: number;
  code: string;
  proc: number;
  qty: number;
  fee: number;
  role: 'paid' | 'unpaid' | 'free' | 'other';
  special: string | null;
  emitRegistered: boolean;
  returnByPost: boolean;
  final9: boolean;
  withSteps: boolean;
  outcome: Outcome;
  applicant: Applicant;
  stringCodes: boolean;
  flagStyle: 0 | 1 | 2;
  freeFeeStyle: 0 | 1 | 2;
  versions: Version[];
  steps: Step[];
  payments: Payment[];
  postal: PostalEvent[];
  /** The Decision 766 fields the portal sends for it (null: this portal version sends none). */
  digital: Digital | null;
}

/** What the record says about digitisation (TaiLieuNop, DanhSachGiayToKetQua, TaiKhoanDuocXacThucVoiVNeID). */
interface Digital {
  components: { code: string; digitised: boolean; reuse: 0 | 1 | 2; fromStore: boolean }[];
  /** The finished versions carry a result file path. */
  resultFile: boolean;
  /** TaiKhoanDuocXacThucVoiVNeID; null: left out. */
  vneid: boolean | null;
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/** Builds the stream and the report figures it must produce; the same seed gives the same stream. */
export function generateWardStream(opts: { seed?: number } = {}): { messages: StreamMessage[]; expected: ExpectedFigures } {
  const g = new Generator(opts.seed ?? DEFAULT_SEED);
  g.build();
  return { messages: g.messages(), expected: g.expected(EXPECTED_AS_OF) };
}

/**
 * How often a procedure's dossiers finish late: a field's own pace (land and social-protection
 * files wait on other agencies and site checks; civil status and certification are done over the
 * counter), times a per-procedure spread. About 2.5 % overall (3 % before); what changes is that
 * lateness now belongs to procedures, as it does at a real desk, so a ward's own history of a
 * procedure says something about its open dossiers (the forecast's back-test measures how much).
 */
const LATE_BY_FIELD: Record<string, number> = {
  DD: 4,
  BTXH: 2.5,
  NCC: 2,
  TDKT: 1.5,
  HGCS: 1,
  VHCS: 1,
  GDDT: 1,
  TNTG: 1,
  HT: 0.3,
  CT: 0.2,
};

function lateShare(p: { code: string; field: string }): number {
  let h = 0;
  for (let i = 0; i < p.code.length; i++) h = (h * 31 + p.code.charCodeAt(i)) >>> 0;
  return Math.min(0.25, 0.06 * (LATE_BY_FIELD[p.field] ?? 1) * [0.6, 1, 1.6][h % 3]);
}

/** Largest-remainder apportionment of `total` over `weights` (exact integer total). */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const out = quotas.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length][1]]++;
  return out;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** A plausible wrong amount (an outdated fee, one copy too few or too many), never the fee itself. */
function wrongAmount(fee: number, rng: Rng): number {
  const delta = rng.pick([-2000, -1000, 5000, 8000]);
  return fee + delta > 0 ? fee + delta : fee + 5000;
}

const BANKS_PAYGOV = ['VCB', 'BIDV', 'ICB', 'VBA', 'TCB', 'MB', 'ACB', 'VPB', 'STB'];
const BANKS_VNPAY = ['NCB', 'VCB', 'VIETINBANK', 'BIDV', 'AGRIBANK', 'TPBANK', 'MBBANK', 'SACOMBANK', 'VNPAYQR'];
const PAYGOV_FAIL = ['09', '24', '51', '11'];
const VNPAY_FAIL = ['24', '51', '11', '75'];
const POST_OFFICES = ['Bưu cục Bình An', 'Bưu cục Dĩ An', 'Bưu cục Trung tâm Hành chính Dĩ An', 'Bưu cục Tân Đông Hiệp'];
const SYNC_HOURS = [8, 10, 12, 14, 16, 18, 22];
/** Portal outages: what should have been pushed in between arrives as one backlog at the end. */
const OUTAGES: [number, number][] = [
  [at(dayOfIso('2023-03-14'), 9), at(dayOfIso('2023-03-15'), 10, 30)],
  [at(dayOfIso('2023-09-12'), 8), at(dayOfIso('2023-09-13'), 16, 15)],
  [at(dayOfIso('2024-02-26'), 7), at(dayOfIso('2024-02-27'), 11, 45)],
];

class Generator {
  private readonly rng: Rng;
  /**
   * A second stream for what the notice's figures never depend on (the Decision 766 fields): its
   * draws leave the main stream, and so the dossiers, fees and payments, as they were.
   */
  private readonly extra: Rng;
  private readonly dossiers: Dossier[] = [];
  /** The ward's feedback items (`feedback.ts`: its own RNG, so the dossiers do not depend on it). */
  private feedback: FeedbackTruth[] = [];
  private paymentSerial = 0;
  private trackingSerial = 0;
  private eventSerial = 0;
  private readonly options = feeOptions();
  private readonly free = freeProcedures();

  constructor(private readonly seed: number) {
    this.rng = new Rng(seed);
    this.extra = new Rng(seed ^ 0x766);
  }

  build(): void {
    this.createReceivedInPeriod();
    this.createOutsidePeriod();
    this.createNotReceived();
    this.assignPeriodFees(TARGETS.y2023);
    this.assignPeriodFees(TARGETS.q1);
    this.assignOtherFees();
    this.assignCodes();
    for (const d of this.dossiers) this.planLifecycle(d);
    this.planPayments();
    this.truncate();
    for (const d of this.dossiers) this.planDigital(d);
    const received = this.dossiers.flatMap((d) =>
      d.kind === 'received' && d.versions.length > 0 ? [{ code: d.code, receivedAt: d.receivedAt, late: d.outcome === 'late' }] : [],
    );
    this.feedback = generateFeedback(this.seed, received);
  }

  /**
   * The Decision 766 fields, at plausible rates that grow over the period (digital transformation):
   * components digitised (most online dossiers, half of the desk's), reused from digitised data,
   * taken from the citizen's data store (a few), an electronic result for most finished online
   * dossiers, accounts verified with VNeID (online only). About 4 % of dossiers come from a portal
   * version that sends none of the fields.
   */
  private planDigital(d: Dossier): void {
    const x = this.extra;
    if (x.chance(0.04)) return;
    const progress = Math.min(
      1,
      Math.max(0, (d.receivedAt - at(dayOfIso(PERIOD_FROM), 0)) / (at(dayOfIso(PERIOD_TO), 0) - at(dayOfIso(PERIOD_FROM), 0))),
    );
    const online = d.channel === 2;
    const digitisedRate = online ? 0.8 + 0.15 * progress : 0.35 + 0.3 * progress;
    const reuseRate = 0.12 + 0.3 * progress;
    const storeRate = online ? 0.08 + 0.25 * progress : 0.02;
    const n = x.int(1, 4);
    const reused = x.chance(reuseRate);
    const fromStore = x.chance(storeRate);
    const digitised = x.chance(digitisedRate);
    d.digital = {
      components: Array.from({ length: n }, (_, i) => ({
        code: `TP${String(i + 1).padStart(2, '0')}`,
        digitised: digitised && (i === 0 || x.chance(0.7)),
        reuse: reused && i === n - 1 ? x.pick([1, 2] as const) : 0,
        fromStore: fromStore && i === 0,
      })),
      resultFile: x.chance(online ? 0.72 + 0.2 * progress : 0.45 + 0.2 * progress),
      vneid: online ? x.chance(0.45 + 0.4 * progress) : x.chance(0.5) ? false : null,
    };
  }

  // --- who comes when -----------------------------------------------------------------------

  private newDossier(channel: 1 | 2 | 3, kind: Dossier['kind'], receivedAt: number, submittedAt = receivedAt): Dossier {
    const rng = this.rng;
    const d: Dossier = {
      n: this.dossiers.length,
      channel,
      kind,
      submittedAt,
      receivedAt,
      code: '',
      proc: -1,
      qty: 0,
      fee: 0,
      role: 'other',
      special: null,
      emitRegistered: channel !== 1 && rng.chance(0.25),
      returnByPost: channel === 3,
      final9: false,
      withSteps: rng.chance(0.12),
      outcome: 'early',
      applicant: applicant(rng),
      // Codes as numeric strings and flags in all three allowed forms (CONTRACT 3.2).
      stringCodes: rng.chance(0.15),
      flagStyle: rng.pick([0, 0, 1, 2] as const),
      freeFeeStyle: rng.pick([0, 0, 1, 2] as const),
      versions: [],
      steps: [],
      payments: [],
      postal: [],
      digital: null,
    };
    this.dossiers.push(d);
    return d;
  }

  /** A time inside office hours of `day` (seconds included). */
  private onDay(day: number, morningShare = 0.6): number {
    return at(day, 0, officeMinute(this.rng.next(), morningShare), this.rng.int(0, 59));
  }

  /** The instant itself when in office hours, else a little after the next opening. */
  private work(ms: number): number {
    const w = nextWorkingTime(ms);
    return w === ms ? ms : w + this.rng.int(2, 45) * MIN + this.rng.int(0, 59) * 1000;
  }

  /** An online submission some minutes to a day and a half before the desk received it. */
  private submissionBefore(receivedAt: number): number {
    const s = receivedAt - this.rng.int(10, 36 * 60) * MIN - this.rng.int(0, 59) * 1000;
    // Citizens rarely file between midnight and 6 am; move such submissions to the evening before.
    const m = minuteOfDay(s);
    return m < 6 * 60 ? s - 7 * HOUR : s;
  }

  private createReceivedInPeriod(): void {
    const rng = this.rng;
    const from = dayOfIso(PERIOD_FROM);
    const to = dayOfIso(PERIOD_TO);
    const days: number[] = [];
    for (let d = from; d <= to; d++) if (isWorkingDay(d)) days.push(d);
    // Seasonality: a dip around Tết, a rush before it and at the end of the year, Mondays busy.
    const month = [0.85, 1.05, 1.05, 1.0, 0.95, 1.0, 1.05, 1.0, 0.95, 1.0, 1.05, 1.15];
    const base = days.map((d) => {
      const m = Number(isoOfDay(d).slice(5, 7)) - 1;
      const wd = weekday(d);
      return month[m] * (wd === 1 ? 1.2 : wd === 5 ? 0.9 : 1) * (0.8 + 0.4 * rng.next());
    });
    // The online share grows over the period (the notice: digital transformation pushed).
    const share = days.map((d) => 0.68 + 0.2 * ((d - from) / (to - from)));
    const specials: [string, number, number][] = [
      ['2023-01-01', 0, 5], // New Year's Day, just after midnight: inside the period
      ['2023-12-31', 23, 30], // last evening of 2023: counts in 2023
      ['2024-01-01', 0, 30], // 00:30 Vietnam time is still 31/12 in UTC: counts in Q1 2024
      ['2024-03-31', 23, 50], // last minutes of the period
    ];
    const online = apportion(
      TARGETS.online - specials.length,
      days.map((_, i) => base[i] * share[i]),
    );
    const direct = apportion(
      TARGETS.direct,
      days.map((_, i) => base[i] * (1 - share[i])),
    );
    days.forEach((day, i) => {
      for (let k = 0; k < direct[i]; k++) this.newDossier(1, 'received', this.onDay(day, 0.65));
      for (let k = 0; k < online[i]; k++) {
        // Officers mostly take online dossiers in office hours; a few in the evening (overtime).
        const r = rng.chance(0.02) ? at(day, 17, rng.int(5, 200), rng.int(0, 59)) : this.onDay(day, 0.55);
        this.newDossier(2, 'received', r, this.submissionBefore(r));
      }
    });
    for (const [date, h, m] of specials) {
      const r = at(dayOfIso(date), h, m, 12);
      const d = this.newDossier(2, 'received', r, r - rng.int(3, 25) * MIN);
      d.special = `boundary ${date} ${h}:${m}`;
    }
  }

  private createOutsidePeriod(): void {
    const rng = this.rng;
    const ranges: [string, string, number][] = [
      ['2022-12-20', '2022-12-31', 30],
      ['2024-04-01', '2024-04-10', 40],
    ];
    for (const [a, b, perDay] of ranges) {
      for (let day = dayOfIso(a); day <= dayOfIso(b); day++) {
        if (!isWorkingDay(day)) continue;
        const n = Math.round(perDay * (0.8 + 0.4 * rng.next()));
        for (let k = 0; k < n; k++) {
          if (rng.chance(0.72)) {
            const r = this.onDay(day, 0.55);
            this.newDossier(2, 'received', r, this.submissionBefore(r));
          } else {
            this.newDossier(1, 'received', this.onDay(day, 0.65));
          }
        }
      }
      // Postal dossiers are received only outside the period: the notice counts none inside it.
      for (let k = 0; k < 4; k++) {
        let day = dayOfIso(a) + rng.int(0, dayOfIso(b) - dayOfIso(a));
        if (!isWorkingDay(day)) day = nextWorkingDay(day);
        if (day > dayOfIso(b)) day = previousWorkingDay(day);
        const r = this.onDay(day);
        const d = this.newDossier(3, 'received', r, r - rng.int(30, 240) * MIN);
        d.emitRegistered = true;
      }
    }
    // Filed online in the last days of March, received in April: the status-1 record says March,
    // the newest (status 2) one says April, so they belong to no period of the notice.
    for (let k = 0; k < 30; k++) {
      const s = at(dayOfIso('2024-03-28') + rng.int(0, 3), rng.int(7, 22), rng.int(0, 59), rng.int(0, 59));
      const r = this.onDay(nextWorkingDay(Math.max(dayOf(s), dayOfIso('2024-03-31'))));
      const d = this.newDossier(2, 'received', r, s);
      d.emitRegistered = true;
    }
    // And the two minutes either side of the period.
    for (const [date, h, m] of [
      ['2022-12-31', 23, 45],
      ['2024-04-01', 0, 10],
    ] as const) {
      const r = at(dayOfIso(date), h, m, 40);
      const d = this.newDossier(2, 'received', r, r - rng.int(3, 25) * MIN);
      d.special = `outside ${date} ${h}:${m}`;
    }
  }

  private createNotReceived(): void {
    const rng = this.rng;
    const from = dayOfIso(PERIOD_FROM);
    const span = dayOfIso(PERIOD_TO) - from;
    const anyTime = (): number => at(from + rng.int(0, span), rng.int(6, 22), rng.int(0, 59), rng.int(0, 59));
    // Registered online, never received (abandoned or filed twice): status 1 only.
    for (let k = 0; k < 180; k++) {
      const s = anyTime();
      const d = this.newDossier(2, 'registered', s, s);
      d.emitRegistered = true;
    }
    // Refused at intake (incomplete papers): status 3.
    for (let k = 0; k < 95; k++) {
      const s = anyTime();
      this.newDossier(2, 'refused', s, s);
    }
    // Postal-channel dossiers inside the period: registered only, or refused.
    for (let k = 0; k < 18; k++) {
      let day = from + rng.int(0, span);
      if (!isWorkingDay(day)) day = nextWorkingDay(day);
      if (day > dayOfIso(PERIOD_TO)) day = previousWorkingDay(day);
      const s = this.onDay(day);
      const d = this.newDossier(3, k < 12 ? 'registered' : 'refused', s, s);
      d.emitRegistered = true;
    }
  }

  // --- fees ------------------------------------------------------------------------------------

  private inPeriod(d: Dossier, from: string, to: string): boolean {
    const day = isoOfDay(dayOf(d.receivedAt));
    return day >= from && day <= to;
  }

  private setFee(d: Dossier, option: { proc: number; qty: number }): void {
    d.proc = option.proc;
    d.qty = option.qty;
    d.fee = feeTotal(option.proc, option.qty);
  }

  private drawFree(d: Dossier): void {
    const w = this.free.map((i) => (d.channel === 1 ? CATALOG[i].direct : CATALOG[i].online));
    this.setFee(d, { proc: this.free[this.rng.weightedIndex(w)], qty: 0 });
  }

  private drawFeeBearing(d: Dossier): void {
    const w = this.options.map((o) => (d.channel === 1 ? o.direct : o.online));
    this.setFee(d, this.options[this.rng.weightedIndex(w)]);
  }

  private assignPeriodFees(t: typeof TARGETS.y2023): void {
    const rng = this.rng;
    const recv = this.dossiers.filter((d) => d.kind === 'received' && d.channel !== 3 && this.inPeriod(d, t.from, t.to));
    const specials = recv.filter((d) => d.special);
    const online = rng.shuffle(recv.filter((d) => d.channel === 2 && !d.special));
    const direct = rng.shuffle(recv.filter((d) => d.channel === 1));
    const paidDirect = Math.round(t.paid * t.paidDirectShare);
    const paidOnline = t.paid - paidDirect - specials.length;
    const unpaid = t.withFees - t.paid;
    const unpaidDirect = Math.min(Math.round(unpaid * t.unpaidDirectShare), direct.length - paidDirect);
    const unpaidOnline = unpaid - unpaidDirect;
    if (paidOnline + unpaidOnline > online.length) throw new Error(`not enough online dossiers in ${t.from}…${t.to}`);
    const paid = [...specials, ...online.slice(0, paidOnline), ...direct.slice(0, paidDirect)];
    const unpaidSet = [...online.slice(paidOnline, paidOnline + unpaidOnline), ...direct.slice(paidDirect, paidDirect + unpaidDirect)];
    const fees = solvePaidFees(rng, this.options, paid.length, t.amount);
    paid.forEach((d, i) => {
      d.role = 'paid';
      this.setFee(d, fees[i]);
    });
    for (const d of unpaidSet) {
      d.role = 'unpaid';
      this.drawFeeBearing(d);
    }
    for (const d of recv)
      if (d.role === 'other') {
        d.role = 'free';
        this.drawFree(d);
      }
  }

  private assignOtherFees(): void {
    for (const d of this.dossiers) {
      if (d.role !== 'other') continue;
      if (d.special || this.rng.chance(d.channel === 3 ? 0.3 : 0.5)) this.drawFeeBearing(d);
      else this.drawFree(d);
    }
  }

  // --- codes -----------------------------------------------------------------------------------

  /** MaHoSo `<agency>-<yyMMdd of receipt>-<daily sequence>` in order of receipt within a day. */
  private assignCodes(): void {
    const byDay = new Map<number, Dossier[]>();
    for (const d of this.dossiers) {
      const day = dayOf(d.receivedAt);
      const list = byDay.get(day) ?? [];
      list.push(d);
      byDay.set(day, list);
    }
    for (const [day, list] of byDay) {
      list.sort((a, b) => a.receivedAt - b.receivedAt || a.n - b.n);
      const yymmdd = isoOfDay(day).slice(2).replace(/-/g, '');
      list.forEach((d, i) => {
        d.code = `${AGENCY}-${yymmdd}-${String(i + 1).padStart(4, '0')}`;
      });
    }
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Due date: `days` working days after the start of processing, at the same time of day. */
  private dueFrom(ms: number, days: number): number {
    const start = nextWorkingTime(ms);
    const m = minuteOfDay(start);
    return at(addWorkingDays(dayOf(start), Math.max(1, days)), Math.floor(m / 60), m % 60);
  }

  private planLifecycle(d: Dossier): void {
    const rng = this.rng;
    const p = CATALOG[d.proc];
    let last = -Infinity;
    const push = (v: Version): Version => {
      // NgayCapNhat strictly increases between the versions of one dossier.
      v.at = Math.max(v.at, last + rng.int(60, 600) * 1000);
      last = v.at;
      d.versions.push(v);
      return v;
    };
    const blank = { finishedAt: null, returnedAt: null, refusedAt: null, supplements: [] as Supplement[], note: null };
    if (d.channel === 3) this.planPostalIntake(d);
    if (d.emitRegistered) {
      push({
        ...blank,
        status: 1,
        at: d.submittedAt + rng.int(5, 90) * 1000,
        receivedAt: d.submittedAt,
        due: this.dueFrom(d.submittedAt, p.days),
      });
    }
    if (d.kind === 'registered') return;
    if (d.kind === 'refused') {
      const refusedAt = this.work(d.submittedAt + rng.int(60, 2 * 24 * 60) * MIN);
      push({
        ...blank,
        status: 3,
        at: refusedAt + rng.int(1, 10) * MIN,
        receivedAt: d.submittedAt,
        due: this.dueFrom(d.submittedAt, p.days),
        refusedAt,
        note: rng.pick([
          'Hồ sơ không đủ thành phần theo quy định',
          'Thông tin trên tờ khai không khớp giấy tờ tùy thân',
          'Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường',
        ]),
      });
      return;
    }

    // Received. Decide how it ends (the special boundary dossiers finish normally).
    const u = rng.next();
    d.outcome = d.special
      ? 'early'
      : u < 0.009
        ? 'withdrawn'
        : u < 0.0125
          ? 'paused5'
          : u < 0.0145
            ? p.field === 'DD' || p.field === 'BTXH' || d.fee > 0 // a financial obligation to meet
              ? 'paused6'
              : 'paused5'
            : u < 0.016
              ? 'paused8'
              : u < 0.0185
                ? 'stuck'
                : u < 0.0185 + lateShare(p)
                  ? 'late'
                  : u < 0.36
                    ? 'onTime'
                    : 'early';
    d.final9 = ['early', 'onTime', 'late'].includes(d.outcome) && rng.chance(0.015);
    if (d.channel !== 3 && !d.final9 && rng.chance(0.025)) d.returnByPost = true;

    const R = d.receivedAt;
    const cur = {
      due: this.dueFrom(R, p.days),
      supplements: [] as Supplement[],
      note: d.special ? 'Tiếp nhận tự động ngoài giờ hành chính' : (null as string | null),
    };
    const V = (status: number, when: number, extra: Partial<Version> = {}): Version =>
      push({ ...blank, status, at: when, receivedAt: R, due: cur.due, supplements: [...cur.supplements], note: cur.note, ...extra });

    V(2, R + rng.int(1, 15) * MIN);
    cur.note = null;
    const long = p.days >= 3;
    if (d.outcome === 'stuck' || long || rng.chance(0.22)) V(4, this.work(R + rng.int(15, 180) * MIN));
    if (long && d.outcome !== 'paused5' && rng.chance(0.08)) {
      // A supplement request: the clock pauses, the due date moves by the paused working days.
      const req = Math.max(this.onDay(addWorkingDays(dayOf(R), rng.int(1, Math.max(1, p.days - 1)))), last + HOUR);
      cur.note = 'Yêu cầu bổ sung: bản sao giấy tờ chứng minh nơi cư trú';
      V(5, req);
      const pause = rng.int(1, 6);
      const supplied = this.onDay(addWorkingDays(dayOf(req), pause));
      const m = minuteOfDay(cur.due);
      const newDue = at(addWorkingDays(dayOf(cur.due), pause), Math.floor(m / 60), m % 60);
      cur.supplements.push({ requestedAt: req, suppliedAt: supplied, previousDue: cur.due, newDue });
      cur.due = newDue;
      cur.note = 'Công dân đã bổ sung hồ sơ';
      V(4, supplied);
      cur.note = null;
    }
    const later = (minMin: number, maxMin: number): number => this.work(last + rng.int(minMin, maxMin) * MIN);
    switch (d.outcome) {
      case 'withdrawn':
        cur.note = 'Công dân có đơn đề nghị rút hồ sơ';
        V(7, later(60, 3 * 24 * 60));
        return;
      case 'paused5':
        cur.note = 'Yêu cầu bổ sung giấy tờ; công dân chưa bổ sung';
        V(5, later(60, 2 * 24 * 60));
        return;
      case 'paused6':
        cur.note = 'Chờ công dân thực hiện nghĩa vụ tài chính';
        V(6, later(60, 2 * 24 * 60));
        return;
      case 'paused8':
        cur.note = 'Tạm dừng xử lý theo đề nghị của cơ quan có thẩm quyền';
        V(8, later(60, 2 * 24 * 60));
        return;
      case 'stuck':
        return;
      default:
        break;
    }

    // Finished: early, on time or late against the (possibly moved) due date, as calendar dates.
    const dueDay = dayOf(cur.due);
    let finished: number;
    if (d.outcome === 'late') {
      finished = this.onDay(addWorkingDays(dueDay, rng.int(1, 8)));
      if (!d.returnByPost && rng.chance(0.25)) {
        // The apology letter and a new appointment: the portal sends the new NgayHenTra.
        const m = rng.int(15 * 60, 16 * 60 + 30);
        cur.due = at(addWorkingDays(dayOf(finished), rng.int(0, 1)), Math.floor(m / 60), m % 60);
        cur.note = 'Đã gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả';
        V(4, this.onDay(previousWorkingDay(dueDay)));
        cur.note = null;
      }
    } else {
      const earlyDays: number[] = [];
      for (let day = dayOf(last); day < dueDay; day++) if (isWorkingDay(day)) earlyDays.push(day);
      // On time means before the appointment: on the due day, a desk that is on time finishes
      // before the hour the receipt slip gives (the portal's TDGQ.1 compares instants).
      finished =
        d.outcome === 'early' && earlyDays.length > 0
          ? this.onDay(earlyDays[Math.floor(rng.next() ** 2 * earlyDays.length)])
          : Math.min(this.onDay(dueDay), cur.due - rng.int(5, 90) * MIN);
    }
    finished = Math.max(finished, last + rng.int(10, 90) * MIN);
    const emit9 = d.returnByPost || d.final9 || rng.chance(0.22);
    if (emit9) V(9, finished + rng.int(1, 5) * MIN, { finishedAt: finished });
    if (d.final9) return;
    if (d.returnByPost) {
      const delivered = this.planPostalReturn(d, finished);
      if (delivered !== null && rng.chance(0.6)) {
        V(10, delivered + rng.int(60, 24 * 60) * MIN, { finishedAt: finished, returnedAt: delivered });
      } else if (delivered === null) {
        // The post gave up: the applicant collected the result at the desk.
        const desk = this.work(last + rng.int(1, 3) * 24 * HOUR);
        V(10, desk + rng.int(1, 10) * MIN, { finishedAt: finished, returnedAt: desk });
      }
      return;
    }
    // Online results go back electronically; desk applicants come back for theirs.
    const returned =
      d.channel === 2 && rng.chance(0.75) ? finished + rng.int(5, 120) * MIN : this.work(finished + rng.int(0, 3 * 24 * 60) * MIN);
    V(10, returned + rng.int(1, 10) * MIN, { finishedAt: finished, returnedAt: returned });
  }

  private nextTracking(prefix: string): string {
    this.trackingSerial++;
    // A spread-out serial (not 00000001…): multiply by a constant coprime with 10^8.
    const serial = String((this.trackingSerial * 7_654_321 + 10_203_040) % 100_000_000).padStart(8, '0');
    return s10(prefix, serial);
  }

  private postalEvent(d: Dossier, type: PostalEvent['type'], when: number, tracking: string, note: string | null = null): void {
    this.eventSerial++;
    d.postal.push({
      type,
      at: when,
      tracking,
      eventId: `VNP-${tracking}-${String(this.eventSerial).padStart(6, '0')}`,
      office: type === 'RESULT_PICKED_UP' ? 'Bộ phận Một cửa UBND phường Bình An' : this.rng.pick(POST_OFFICES),
      note,
      sends: [],
      zulu: this.rng.chance(0.2),
    });
  }

  /** VNPost collects the papers at home and hands them to the desk before the portal has them. */
  private planPostalIntake(d: Dossier): void {
    const tracking = this.nextTracking('EB');
    const handed = d.submittedAt - this.rng.int(20, 180) * MIN;
    const collected = this.work(handed - this.rng.int(1, 2) * 24 * HOUR);
    this.postalEvent(d, 'COLLECTED', Math.min(collected, handed - HOUR), tracking, 'Nhận hồ sơ tại nhà công dân');
    this.postalEvent(d, 'DELIVERED_TO_AGENCY', handed, tracking);
  }

  /** The result goes back by post; returns when it was delivered, or null when it came back. */
  private planPostalReturn(d: Dossier, finished: number): number | null {
    const rng = this.rng;
    const tracking = this.nextTracking('EB');
    let t = this.work(finished + rng.int(60, 24 * 60) * MIN);
    this.postalEvent(d, 'RESULT_PICKED_UP', t, tracking);
    const u = rng.next();
    if (u < 0.04) {
      t += rng.int(4, 24) * HOUR;
      this.postalEvent(d, 'DELIVERY_FAILED', t, tracking, 'Người nhận vắng nhà');
      t += rng.int(20, 30) * HOUR;
      this.postalEvent(d, 'DELIVERY_FAILED', t, tracking, 'Không liên lạc được người nhận');
      t = this.work(t + rng.int(2, 24) * HOUR);
      this.postalEvent(d, 'RETURNED_TO_AGENCY', t, tracking, 'Hoàn kết quả về Bộ phận Một cửa');
      return null;
    }
    if (u < 0.2) {
      t += rng.int(4, 24) * HOUR;
      this.postalEvent(d, 'DELIVERY_FAILED', t, tracking, 'Người nhận vắng nhà, hẹn phát lại');
    }
    t += rng.int(3, 30) * HOUR;
    this.postalEvent(d, 'RESULT_DELIVERED', t, tracking);
    return t;
  }

  // --- payments --------------------------------------------------------------------------------

  private payment(d: Dossier, provider: Payment['provider'], when: number, amount: number, success: boolean): Payment {
    const rng = this.rng;
    this.paymentSerial++;
    const requestAt = when - rng.int(30, 300) * 1000;
    const txId =
      provider === 'paygov'
        ? `PG${toCompact(when).slice(2)}${String(this.paymentSerial).padStart(6, '0')}`
        : `${d.code}_${toCompact(requestAt).slice(2)}${this.paymentSerial % 10}`;
    const p: Payment = {
      provider,
      at: when,
      amount,
      success,
      resultCode: success ? '00' : rng.pick(provider === 'paygov' ? PAYGOV_FAIL : VNPAY_FAIL),
      txId,
      requestAt,
      bank: rng.pick(provider === 'paygov' ? BANKS_PAYGOV : BANKS_VNPAY),
      serial: this.paymentSerial,
      sends: [],
      amountAsNumber: rng.chance(0.2),
    };
    d.payments.push(p);
    return p;
  }

  private provider(d: Dossier): Payment['provider'] {
    const vnpayShare = d.receivedAt >= at(dayOfIso('2024-01-01'), 0) ? 0.6 : 0.42;
    return this.rng.chance(vnpayShare) ? 'vnpay' : 'paygov';
  }

  /** When a citizen pays: after receipt (a notice to pay), or already at submission. */
  private payTime(d: Dossier, atSubmission: boolean): number {
    const rng = this.rng;
    if (atSubmission) return d.submittedAt + rng.int(2, 15) * MIN + rng.int(0, 59) * 1000;
    let t = d.receivedAt + rng.int(20, 30 * 60) * MIN + rng.int(0, 59) * 1000;
    if (minuteOfDay(t) < 6 * 60) t += 7 * HOUR; // nobody pays at 3 am
    return t;
  }

  private planPayments(): void {
    const rng = this.rng;
    // Paid dossiers: one counted payment, sometimes after failed attempts or a wrong amount.
    const paid = this.dossiers.filter((d) => d.role === 'paid');
    const wrongThenRight = new Set(rng.shuffle(paid.filter((d) => d.channel === 2)).slice(0, 8));
    for (const d of paid) {
      const atSubmission = d.channel === 2 && rng.chance(d.receivedAt >= at(dayOfIso('2024-01-01'), 0) ? 0.15 : 0.05);
      const when = this.payTime(d, atSubmission);
      const provider = this.provider(d);
      if (wrongThenRight.has(d)) {
        // An outdated fee paid first: kept and flagged, never counted; then the right amount.
        this.payment(d, provider, when - rng.int(40, 600) * MIN, wrongAmount(d.fee, rng), true);
      }
      if (rng.chance(0.07)) {
        const attempts = rng.int(1, 2);
        for (let k = attempts; k >= 1; k--) {
          this.payment(
            d,
            rng.chance(0.8) ? provider : provider === 'vnpay' ? 'paygov' : 'vnpay',
            when - k * rng.int(3, 20) * MIN,
            d.fee,
            false,
          );
        }
      }
      this.payment(d, provider, when, d.fee, true);
    }
    // Fee-bearing, not paid online: some tried and failed, some paid a wrong amount (flagged).
    const unpaid = rng.shuffle(this.dossiers.filter((d) => d.role === 'unpaid'));
    unpaid.sort((a, b) => b.channel - a.channel); // online ones first (a stable sort keeps the shuffle)
    for (const d of unpaid.slice(0, 10)) this.payment(d, this.provider(d), this.payTime(d, false), wrongAmount(d.fee, rng), true);
    for (const d of unpaid.slice(10, 34)) {
      const when = this.payTime(d, false);
      const attempts = rng.int(1, 2);
      for (let k = 0; k < attempts; k++) this.payment(d, this.provider(d), when + k * rng.int(2, 15) * MIN, d.fee, false);
    }
    // Dossiers outside the period pay as usual; a few registered-only dossiers paid at submission
    // (filed twice, say) and were never received: none of these may count.
    for (const d of this.dossiers) {
      if (d.role !== 'other' || d.fee === 0 || d.channel !== 2) continue;
      if (d.kind === 'received' && (d.special || rng.chance(0.75)))
        this.payment(d, this.provider(d), this.payTime(d, rng.chance(0.1)), d.fee, true);
    }
    const registered = this.dossiers.filter((d) => d.kind === 'registered' && d.channel === 2 && d.fee > 0);
    for (const d of registered.slice(0, 8)) this.payment(d, this.provider(d), this.payTime(d, true), d.fee, true);
    for (const d of registered.slice(8, 12)) this.payment(d, this.provider(d), this.payTime(d, true), d.fee, false);
  }

  /** Drops whatever would happen after the end of the stream. */
  private truncate(): void {
    for (const d of this.dossiers) {
      d.versions = d.versions.filter((v) => v.at <= STREAM_END);
      d.payments = d.payments.filter((p) => p.at <= STREAM_END);
      d.postal = d.postal.filter((e) => e.at <= STREAM_END);
      if (d.withSteps) d.steps = this.stepsOf(d);
    }
  }

  /** Progress steps mirroring the status changes (the portal's `CapNhatTienDoHoSoMC`). */
  private stepsOf(d: Dossier): Step[] {
    const rng = this.rng;
    const p = CATALOG[d.proc];
    const steps: Step[] = [];
    let last = -Infinity;
    const add = (at0: number, status: number, content: string, staff: Staff, due: number): void => {
      const t = Math.max(at0, last + rng.int(60, 300) * 1000);
      last = t;
      steps.push({ at: t, status, content, staff, due });
    };
    const desk = (v: Version) => deskOfficer(rng, isoOfDay(dayOf(v.at)));
    const spec = () => specialist(rng, p.department, p.specialistTitle);
    for (const v of d.versions) {
      const t = v.at - rng.int(2, 10) * MIN;
      switch (v.status) {
        case 2:
          add(t, 2, 'Tiếp nhận hồ sơ, chuyển bộ phận chuyên môn', desk(v), v.due);
          break;
        case 4:
          add(
            t,
            4,
            v.note?.startsWith('Đã gửi Phiếu') ? 'Gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả' : 'Thụ lý, thẩm định hồ sơ',
            spec(),
            v.due,
          );
          break;
        case 5:
          add(t, 5, 'Yêu cầu công dân bổ sung giấy tờ', spec(), v.due);
          break;
        case 6:
          add(t, 6, 'Thông báo thực hiện nghĩa vụ tài chính', spec(), v.due);
          break;
        case 7:
          add(t, 7, 'Công dân rút hồ sơ', desk(v), v.due);
          break;
        case 8:
          add(t, 8, 'Dừng xử lý hồ sơ', spec(), v.due);
          break;
        case 9:
          add((v.finishedAt ?? v.at) - rng.int(30, 120) * MIN, 4, 'Trình lãnh đạo phê duyệt', spec(), v.due);
          add(v.finishedAt ?? t, 9, 'Phê duyệt, ký kết quả giải quyết', leader(rng), v.due);
          break;
        case 10:
          add(v.returnedAt ?? t, 10, 'Trả kết quả cho công dân', desk(v), v.due);
          break;
        default:
          break;
      }
    }
    return steps.filter((s) => s.at <= STREAM_END);
  }

  // --- messages --------------------------------------------------------------------------------

  private recordBody(d: Dossier, v: Version): Record<string, unknown> {
    const p = CATALOG[d.proc];
    const code = (n: number): number | string => (d.stringCodes ? String(n) : n);
    const flag = (b: boolean): number | string | boolean => [b ? 1 : 0, b ? '1' : '0', b][d.flagStyle];
    const body: Record<string, unknown> = {
      MaHoSo: d.code,
      MaTTHC: p.code,
      TenTTHC: p.name,
      MaLinhVuc: p.field,
      TenLinhVuc: p.fieldName,
      KenhThucHien: code(d.channel),
      ChuHoSo: d.applicant.name,
      SoGiayToChuHoSo: d.applicant.idNumber,
      SoDienThoai: d.applicant.phone,
      ...(d.applicant.email ? { Email: d.applicant.email } : {}),
      LoaiDoiTuong: 1,
      TrichYeuHoSo: `${p.summary} - ${d.applicant.name}`,
      DonViXuLy: `UBND phường Bình An - ${p.department}`,
      CoQuanTiepNhan: 'UBND phường Bình An, thành phố Dĩ An, tỉnh Bình Dương', // another DVCQG key
      NgayTiepNhan: toCompact(v.receivedAt),
      NgayHenTra: toCompact(v.due),
      TrangThaiHoSo: code(v.status),
      HinhThuc: d.returnByPost ? 1 : 0,
      DuocThanhToanTrucTuyen: flag(d.fee > 0),
      HoSoCoThanhPhanSoHoa: flag(d.channel === 2 || d.n % 3 === 0),
      NgayCapNhat: toCompact(v.at),
    };
    if (v.finishedAt !== null) body.NgayKetThucXuLy = toCompact(v.finishedAt);
    if (v.returnedAt !== null) body.NgayTra = toCompact(v.returnedAt);
    if (v.refusedAt !== null) body.NgayTuChoi = toCompact(v.refusedAt);
    if (d.fee > 0) body.DanhSachLePhi = feeLines(d.proc, d.qty);
    else if (d.freeFeeStyle === 1) body.DanhSachLePhi = [];
    else if (d.freeFeeStyle === 2) body.DanhSachLePhi = [{ TenPhiLePhi: 'Miễn lệ phí', MaPhiLePhi: 'MIEN', Gia: 0 }];
    if (v.supplements.length > 0) {
      body.DanhSachHoSoBoSung = v.supplements.map((s) => ({
        NgayYeuCauBoSung: toCompact(s.requestedAt),
        NgayBoSung: toCompact(s.suppliedAt),
        NgayHenTraTruoc: toCompact(s.previousDue),
        NgayHenTraMoi: toCompact(s.newDue),
        NoiDungBoSung: 'Bản sao giấy tờ chứng minh nơi cư trú',
      }));
    }
    if (v.note) body.GhiChu = v.note;
    const g = d.digital;
    if (g) {
      const n = (value: number): number | string => (d.stringCodes ? String(value) : value);
      body.TaiLieuNop = g.components.map((c) => ({
        MaThanhPhanHoSo: `${p.code}.${c.code}`,
        TenThanhPhanHoSo: 'Thành phần hồ sơ', // another DVCQG key
        DuocSoHoa: n(c.digitised ? 1 : 0),
        DuocTaiSuDung: n(c.reuse),
        DuocLayTuKhoDMQG: n(c.fromStore ? 1 : 0),
      }));
      if (v.status === 9 || v.status === 10) {
        body.DanhSachGiayToKetQua = [
          {
            MaGiayToKetQua: `KQ.${p.code}`,
            DuongDanTepTinKetQua: g.resultFile ? `https://dichvucong.binhduong.gov.vn/ketqua/${dossierKey(d.code)}.pdf` : '',
          },
        ];
      }
      if (g.vneid !== null) body.TaiKhoanDuocXacThucVoiVNeID = n(g.vneid ? 1 : 0);
    }
    return body;
  }

  private stepBody(d: Dossier, s: Step): Record<string, unknown> {
    return {
      MaHoSo: d.code,
      NguoiXuLy: s.staff.name,
      ChucDanh: s.staff.title,
      ThoiDiemXuLy: toCompact(s.at),
      PhongBanXuLy: s.staff.department,
      NoiDungXuLy: s.content,
      TrangThai: d.stringCodes ? String(s.status) : s.status,
      NgayBatDau: toCompact(d.receivedAt),
      NgayKetThucTheoQuyDinh: toCompact(s.due),
    };
  }

  private paymentMessage(d: Dossier, p: Payment): StreamMessage {
    if (p.provider === 'paygov') {
      const body: Record<string, string | number> = {
        LoaiBanTin: 'CONFIRM',
        MaLoi: p.resultCode,
        MaDoiTac: 'UBNDBINHAN',
        MaThamChieu: `dvc${dossierKey(d.code)}${toCompact(p.requestAt)}`,
        // The contract takes 16000 and "16000" alike; the checksum uses the text either way.
        SoTien: p.amountAsNumber ? p.amount : String(p.amount),
        MaTienTe: 'VND',
        MaGiaoDich: p.txId,
        MaNganHang: p.bank,
        ThoiGianGD: toCompact(p.at),
        ThongTinGiaoDich: `Thanh toán lệ phí hồ sơ ${d.code}`,
      };
      return { source: 'paygov', body };
    }
    const params: Record<string, string> = {
      vnp_Amount: String(p.amount * 100),
      vnp_BankCode: p.bank,
      // A cancelled attempt has no bank transaction: an empty value, left out of the hash.
      vnp_BankTranNo: p.success || p.resultCode !== '24' ? `VNP${14_000_000 + p.serial}` : '',
      vnp_CardType: p.bank === 'VNPAYQR' ? 'QRCODE' : 'ATM',
      vnp_OrderInfo: `Thanh toan le phi ho so ${d.code}`,
      vnp_PayDate: toCompact(p.at),
      vnp_ResponseCode: p.resultCode,
      vnp_TmnCode: 'BINHAN01',
      vnp_TransactionNo: String(14_000_000 + p.serial),
      vnp_TransactionStatus: p.success ? '00' : '02',
      vnp_TxnRef: p.txId,
    };
    return { source: 'vnpay', params };
  }

  private postalMessage(d: Dossier, e: PostalEvent): StreamMessage {
    const body: Record<string, string> = {
      eventId: e.eventId,
      trackingNumber: e.tracking,
      MaHoSo: d.code,
      type: e.type,
      occurredAt: e.zulu ? new Date(e.at).toISOString() : toVnIso(e.at),
      postOffice: e.office,
    };
    if (e.note) body.note = e.note;
    return { source: 'postal', body };
  }

  /** The next portal push at or after `ms` (+1 min), or the end of an outage it falls into. */
  private window(ms: number): number {
    const t = ms + MIN;
    let w = at(dayOf(t) + 1, SYNC_HOURS[0]);
    for (const h of SYNC_HOURS) {
      const c = at(dayOf(t), h);
      if (c >= t) {
        w = c;
        break;
      }
    }
    for (const [a, b] of OUTAGES) if (w >= a && w < b) return b;
    return w;
  }

  /** Repeats: the platforms and VNPost retry when they did not get (or did not trust) an answer. */
  private repeats(first: number, p2: number, p3: number): number[] {
    const rng = this.rng;
    const sends = [first];
    const u = rng.next();
    if (u < p2 + p3) sends.push(first + rng.int(30, 20 * 60) * 1000);
    if (u < p3) sends.push(sends[1] + rng.int(20, 6 * 60) * MIN);
    return sends;
  }

  messages(): StreamMessage[] {
    const rng = this.rng;
    const out: { at: number; seq: number; msg: StreamMessage }[] = [];
    let seq = 0;
    const send = (when: number, msg: StreamMessage): void => {
      out.push({ at: when, seq: seq++, msg });
    };
    // Portal: records and steps grouped by the push they go out with, 100 to a batch.
    const windows = new Map<number, { records: [Dossier, Version][]; steps: [Dossier, Step][] }>();
    const slot = (w: number) => {
      let s = windows.get(w);
      if (!s) {
        s = { records: [], steps: [] };
        windows.set(w, s);
      }
      return s;
    };
    for (const d of this.dossiers) {
      for (const v of d.versions) {
        let w = this.window(v.at);
        // Now and then a record misses its push and goes out later, after a newer version.
        if (rng.chance(0.01)) for (let k = rng.int(1, 4); k > 0; k--) w = this.window(w);
        slot(w).records.push([d, v]);
      }
      for (const s of d.steps) slot(this.window(s.at)).steps.push([d, s]);
    }
    const first = new Map<Dossier, Version>();
    for (const d of this.dossiers) if (d.versions.length) first.set(d, d.versions[0]);
    const inOutage = (w: number) => OUTAGES.some(([, b]) => b === w);
    for (const w of [...windows.keys()].sort((a, b) => a - b)) {
      const { records, steps } = windows.get(w)!;
      records.sort((a, b) => a[1].at - b[1].at || a[0].n - b[0].n);
      steps.sort((a, b) => a[1].at - b[1].at || a[0].n - b[0].n);
      let k = 0;
      const batch = (body: PortalBody): void => {
        const when = w + k++ * 2000;
        const msg: StreamMessage = { source: 'portal', body };
        send(when, msg);
        // The same batch delivered again: a retry after a timeout, or the backlog replayed.
        if (rng.chance(inOutage(w) ? 0.3 : 0.025)) send(when + rng.int(3, 5 * 60) * MIN, msg);
      };
      for (let i = 0; i < records.length; i += 100) {
        const chunk = records.slice(i, i + 100);
        batch({
          service: 'DongBoHoSoMC',
          isUpdating: chunk.every(([d, v]) => first.get(d) !== v),
          data: chunk.map(([d, v]) => this.recordBody(d, v)),
        });
      }
      for (let i = 0; i < steps.length; i += 100) {
        batch({ service: 'CapNhatTienDoHoSoMC', data: steps.slice(i, i + 100).map(([d, s]) => this.stepBody(d, s)) });
      }
    }
    // Payments and postal events go out in real time (seconds later), with repeats.
    for (const d of this.dossiers) {
      for (const p of d.payments) {
        const msg = this.paymentMessage(d, p);
        for (const t of this.repeats(p.at + rng.int(1, 20) * 1000, 0.08, 0.02)) send(t, msg);
      }
      for (const e of d.postal) {
        const msg = this.postalMessage(d, e);
        for (const t of this.repeats(e.at + rng.int(1, 90) * MIN, 0.05, 0.01)) send(t, msg);
      }
    }
    // Feedback items, pushed by the hotline-1022 and PAKN systems as they change.
    for (const d of feedbackDeliveries(this.feedback, this.seed)) send(d.at, { source: 'feedback', body: d.body });
    out.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return out.map((o) => o.msg);
  }

  // --- expected figures ----------------------------------------------------------------------

  expected(asOf: string): ExpectedFigures {
    return {
      asOf,
      whole: this.figures(PERIOD_FROM, PERIOD_TO, asOf),
      year2023: this.figures(TARGETS.y2023.from, TARGETS.y2023.to, asOf),
      q1Of2024: this.figures(TARGETS.q1.from, TARGETS.q1.to, asOf),
    };
  }

  /** The report of a period, from the ground truth: newest version, payments as delivered. */
  private figures(from: string, to: string, asOf: string): PeriodFigures {
    const asOfMs = Date.parse(asOf);
    const f: PeriodFigures = {
      period: { from, to },
      received: { total: 0, byChannel: { direct: 0, online: 0, postal: 0 } },
      payments: { dossiersWithFees: 0, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
      processing: { finishedEarly: 0, finishedOnTime: 0, finishedLate: 0, openOnTime: 0, openOverdue: 0, withdrawn: 0, onTimeRate: 0 },
      byField: [],
      feedback: feedbackFigures(this.feedback, from, to, asOf),
    };
    const fields = new Map<string, PeriodFigures['byField'][number]>();
    for (const d of this.dossiers) {
      const v = d.versions[d.versions.length - 1];
      if (!v || v.status === 1 || v.status === 3) continue;
      const day = isoOfDay(dayOf(v.receivedAt));
      if (day < from || day > to) continue;
      f.received.total++;
      f.received.byChannel[(['direct', 'online', 'postal'] as const)[d.channel - 1]]++;
      const p = CATALOG[d.proc];
      const field = fields.get(p.field) ?? { MaLinhVuc: p.field, TenLinhVuc: p.fieldName, received: 0, finishedLate: 0, openOverdue: 0 };
      fields.set(p.field, field);
      field.received++;
      if (d.fee > 0) {
        f.payments.dossiersWithFees++;
        const counted = new Set(d.payments.filter((x) => x.success && x.amount === d.fee).map((x) => `${x.provider}#${x.txId}`));
        if (counted.size > 0) f.payments.paidOnline++;
        f.payments.amountVnd += counted.size * d.fee;
      }
      if (v.status === 9 || v.status === 10) {
        const done = isoOfDay(dayOf(v.finishedAt!));
        const due = isoOfDay(dayOf(v.due));
        if (done < due) f.processing.finishedEarly++;
        else if (done === due) f.processing.finishedOnTime++;
        else {
          f.processing.finishedLate++;
          field.finishedLate++;
        }
      } else if (v.status === 7) f.processing.withdrawn++;
      else if ((v.status === 2 || v.status === 4) && asOfMs > v.due) {
        f.processing.openOverdue++;
        field.openOverdue++;
      } else f.processing.openOnTime++;
    }
    const pr = f.processing;
    const finished = pr.finishedEarly + pr.finishedOnTime + pr.finishedLate;
    pr.onTimeRate = finished ? round4((pr.finishedEarly + pr.finishedOnTime) / finished) : 0;
    f.payments.onlineRate = f.payments.dossiersWithFees ? round4(f.payments.paidOnline / f.payments.dossiersWithFees) : 0;
    f.byField = [...fields.values()].sort((a, b) => (a.MaLinhVuc < b.MaLinhVuc ? -1 : a.MaLinhVuc > b.MaLinhVuc ? 1 : 0));
    return f;
  }
}

/**
 * Fees of `n` paid dossiers summing to exactly `target` VND, drawn realistically:
 * 1. tilt the catalog's popularity weights by exp(λ·fee) with λ found by bisection, so the
 *    expected mean fee is target / n (2023 and Q1 2024 have different means);
 * 2. draw n options; while the gap is over 20,000 VND, redraw a random dossier and keep the redraw
 *    only when it shrinks the gap;
 * 3. close the last gap 1,000 VND at a time by adding or removing a page on certified-copy dossiers
 *    of at least two pages (from the third page a page costs 1,000 VND), spreading the changes.
 */
export function solvePaidFees(rng: Rng, options: FeeOption[], n: number, target: number): { proc: number; qty: number }[] {
  const mean = target / n;
  const tilted = (lambda: number) => options.map((o) => o.online * Math.exp((lambda * o.total) / 10_000));
  const meanOf = (w: number[]) => w.reduce((s, x, i) => s + x * options[i].total, 0) / w.reduce((s, x) => s + x, 0);
  let lo = -5;
  let hi = 5;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (meanOf(tilted(mid)) < mean) lo = mid;
    else hi = mid;
  }
  const table = new WeightedTable(tilted(lo));
  const picks = Array.from({ length: n }, () => options[table.draw(rng)]);
  let gap = target - picks.reduce((s, o) => s + o.total, 0);
  for (let guard = 0; Math.abs(gap) > 20_000 && guard < 2_000_000; guard++) {
    const i = rng.int(0, n - 1);
    const c = options[table.draw(rng)];
    const next = gap - (c.total - picks[i].total);
    if (Math.abs(next) < Math.abs(gap)) {
      picks[i] = c;
      gap = next;
    }
  }
  const result = picks.map((o) => ({ proc: o.proc, qty: o.qty }));
  const isPages = (proc: number) => CATALOG[proc].fee.kind === 'pages';
  const candidates = rng.shuffle(result.map((_, i) => i).filter((i) => isPages(result[i].proc) && result[i].qty >= 2));
  for (let k = 0; gap !== 0; k++) {
    if (candidates.length === 0 || k > candidates.length * MAX_PAGES) throw new Error(`cannot close a fee gap of ${gap} VND`);
    const r = result[candidates[k % candidates.length]];
    const step = gap > 0 ? 1 : -1;
    if (r.qty + step < 2 || r.qty + step > MAX_PAGES) continue;
    r.qty += step;
    gap -= step * 1000;
  }
  return result;
}
