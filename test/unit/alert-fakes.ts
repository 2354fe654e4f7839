/**
 * In-memory fakes of OUR alert ports (never of the AWS SDK), for the unit tests of the scan, the
 * delivery and the handlers. They keep the adapters' contracts: conditional marks keyed on version
 * and due date, idempotent ledger items, leases, once-only settled slots.
 */
import {
  alertIdentity,
  MAX_SEND_TRIES,
  MailRefusedError,
  type AlertLedger,
  type AlertLevel,
  type AlertMailer,
  type AlertMark,
  type AlertQueue,
  type AlertQueueMessage,
  type AlertRunState,
  type DueAlert,
  type FeedbackAlert,
  type OutgoingEmail,
  type RunAlert,
  type RunManifest,
  type SlotClaim,
  type SlotOutcome,
  type StoredDossier,
} from '../../functions/core/ports';
import type { ScanStep, ScanStore } from '../../functions/core/scan';
import { dossierKey, type DossierRecord } from '../../functions/core/types';

/** A portal record with everything filled in (shared with the other tests). */
export { record } from '../fixtures/records';

/** A due alert as the scan would queue it. */
export function alert(over: Partial<DueAlert> = {}): DueAlert {
  return {
    runId: '20240404090000-aaaaaaaa',
    level: 'overdue',
    code: '000.00.12.H57-240401-0003',
    procedureName: 'Thủ tục đăng ký khai sinh',
    fieldCode: 'HT',
    fieldName: 'Hộ tịch',
    dueAt: '2024-04-03T17:00:00+07:00',
    workingDaysOverdue: 1,
    unit: 'Bộ phận Tư pháp - Hộ tịch',
    receivedAt: '2024-04-01T08:15:00+07:00',
    ...over,
  };
}

type Place = 'due' | 'soon' | 'overdue' | null;

/** The dossier store as the scan and the digest see it: the due index with its three partitions. */
export class FakeStore implements ScanStore {
  readonly dossiers = new Map<string, { dossier: StoredDossier; place: Place }>();
  readonly calls: string[] = [];

  /** Offers a record as the real store does: newest wins; open with a due date → due partition. */
  put(rec: DossierRecord): void {
    const key = dossierKey(rec.code);
    const old = this.dossiers.get(key);
    if (old?.dossier.record && old.dossier.record.version >= rec.version) return;
    const open = rec.status === 2 || rec.status === 4;
    this.dossiers.set(key, {
      dossier: {
        key,
        code: rec.code,
        dueAt: rec.dueAt,
        record: rec,
        payments: [],
        postal: [],
        alerts: old?.dossier.alerts ?? { overdue: null, soon: null },
      },
      place: open && rec.dueAt ? 'due' : null,
    });
  }

  get(code: string) {
    return this.dossiers.get(dossierKey(code))!;
  }

  async *listDueBy(until: string, soonUntil: string = until): AsyncIterable<StoredDossier> {
    const list = [...this.dossiers.values()]
      .filter(
        (d) =>
          (d.place === 'due' && Date.parse(d.dossier.dueAt!) <= Date.parse(until)) ||
          (d.place === 'soon' && Date.parse(d.dossier.dueAt!) <= Date.parse(soonUntil)),
      )
      .sort((a, b) => Date.parse(a.dossier.dueAt!) - Date.parse(b.dossier.dueAt!));
    for (const d of list) yield structuredClone(d.dossier);
  }

  async *listAlertedOverdue(): AsyncIterable<StoredDossier> {
    for (const d of this.dossiers.values()) if (d.place === 'overdue') yield structuredClone(d.dossier);
  }

  async markAlerted(key: string, version: string, level: AlertLevel, mark: AlertMark): Promise<boolean> {
    this.calls.push(`mark ${level} ${key}`);
    const d = this.dossiers.get(key);
    if (!d || d.dossier.record?.version !== version || d.dossier.alerts[level]?.dueAt === mark.dueAt) return false;
    d.dossier.alerts[level] = { ...mark }; // stays where the scan read it until parked
    return true;
  }

  async takeOverAlerted(key: string, version: string, level: AlertLevel, fromRunId: string, mark: AlertMark): Promise<boolean> {
    this.calls.push(`take over ${level} ${key}`);
    const d = this.dossiers.get(key);
    const m = d?.dossier.alerts[level];
    if (!d || d.dossier.record?.version !== version || !m?.pending || m.runId !== fromRunId || m.dueAt !== mark.dueAt) return false;
    d.dossier.alerts[level] = { ...mark };
    return true;
  }

  async parkAlerted(key: string, version: string, level: AlertLevel, runId: string): Promise<void> {
    this.calls.push(`park ${level} ${key}`);
    const d = this.dossiers.get(key);
    const m = d?.dossier.alerts[level];
    if (!d || !m || m.runId !== runId) return;
    // Moved only while still the record it was claimed at and in the due index.
    if (d.dossier.record?.version === version && d.place) d.place = level;
    delete m.pending;
  }

  async dropFromDueIndex(key: string, version: string): Promise<void> {
    this.calls.push(`drop ${key}`);
    const d = this.dossiers.get(key);
    if (d && d.dossier.record?.version === version) d.place = null;
  }

  async unmarkAlerted(key: string, level: AlertLevel, mark: AlertMark): Promise<void> {
    this.calls.push(`unmark ${level} ${key}`);
    const d = this.dossiers.get(key);
    const m = d?.dossier.alerts[level];
    if (!d || !m || m.dueAt !== mark.dueAt || m.runId !== mark.runId) return;
    d.dossier.alerts[level] = null;
  }

  async keepAsAlerted(key: string, version: string, level: AlertLevel): Promise<void> {
    this.calls.push(`keep ${level} ${key}`);
    const d = this.dossiers.get(key);
    if (d && d.dossier.record?.version === version && d.place) d.place = level;
  }
}

/** The alert queue: keeps what it was given; `failAfter` makes it refuse from the n-th message on. */
export class FakeQueue implements AlertQueue {
  readonly sent: AlertQueueMessage[] = [];
  failAfter = Infinity;

  async send(messages: AlertQueueMessage[]): Promise<{ unsent: AlertQueueMessage[]; error: unknown }> {
    const unsent: AlertQueueMessage[] = [];
    for (const m of messages) {
      if (this.sent.length >= this.failAfter) unsent.push(m);
      else this.sent.push(m);
    }
    return { unsent, error: unsent.length ? new Error('queue down') : null };
  }

  /** The dossier alerts queued. */
  alerts(): DueAlert[] {
    return this.sent.flatMap((m) => (m.kind === 'alert' ? [m.alert] : []));
  }

  /** The feedback alerts queued. */
  feedbackAlerts(): FeedbackAlert[] {
    return this.sent.flatMap((m) => (m.kind === 'feedback' ? [m.alert] : []));
  }

  /** Takes everything queued so far (as a consumer would). */
  drain(): AlertQueueMessage[] {
    return this.sent.splice(0, this.sent.length);
  }
}

interface FakeRun {
  manifest: RunManifest | null;
  alerts: Map<string, RunAlert>;
  leases: Map<string, { owner: string; until: number; tries: number }>;
  settled: Map<string, SlotOutcome>;
  closedAt: string | null;
}

/** The ledger. */
export class FakeLedger implements AlertLedger {
  readonly runs = new Map<string, FakeRun>();
  readonly open = new Map<string, string>();
  failRecord = false;
  clock = () => Date.now();

  private run(runId: string): FakeRun {
    let r = this.runs.get(runId);
    if (!r) {
      r = { manifest: null, alerts: new Map(), leases: new Map(), settled: new Map(), closedAt: null };
      this.runs.set(runId, r);
    }
    return r;
  }

  async saveManifest(manifest: RunManifest): Promise<void> {
    this.run(manifest.runId).manifest = structuredClone(manifest);
  }

  async openRun(runId: string, startedAt: string): Promise<void> {
    this.open.set(runId, startedAt);
  }

  /** A scan's commit writes in one (the notifier tests set up runs this way). */
  async commitRun(manifest: RunManifest): Promise<void> {
    await this.saveManifest(manifest);
    await this.openRun(manifest.runId, manifest.startedAt);
  }

  async isCommitted(runId: string): Promise<boolean> {
    return this.open.has(runId) || (this.runs.get(runId)?.closedAt ?? null) !== null;
  }

  async abandonRun(runId: string): Promise<void> {
    this.open.delete(runId);
  }

  async recordAlerts(alerts: RunAlert[]): Promise<void> {
    if (this.failRecord) throw new Error('ledger down');
    for (const a of alerts) this.run(a.runId).alerts.set(alertIdentity(a), structuredClone(a));
  }

  async loadRun(runId: string): Promise<AlertRunState> {
    const r = this.run(runId);
    return {
      manifest: r.manifest ? structuredClone(r.manifest) : null,
      alerts: [...r.alerts.values()].flatMap((a) => (a.level === 'feedback' ? [] : [structuredClone(a)])),
      feedback: [...r.alerts.values()].flatMap((a) => (a.level === 'feedback' ? [structuredClone(a)] : [])),
      settled: new Set(r.settled.keys()),
      closed: r.closedAt !== null,
    };
  }

  async claimSlot(runId: string, slot: string, owner: string, untilMs: number): Promise<SlotClaim> {
    const r = this.run(runId);
    const lease = r.leases.get(slot);
    if (lease && lease.owner !== owner) {
      if (lease.until >= this.clock()) return 'busy';
      if (lease.tries >= MAX_SEND_TRIES) return 'exhausted';
    }
    // A new lease counts a try; its holder renewing it does not (it knows how its own try went).
    r.leases.set(slot, { owner, until: untilMs, tries: (lease?.tries ?? 0) + (lease?.owner === owner ? 0 : 1) });
    return 'claimed';
  }

  async releaseSlot(runId: string, slot: string, owner: string): Promise<void> {
    const r = this.run(runId);
    if (r.leases.get(slot)?.owner === owner) r.leases.delete(slot);
  }

  async settleSlot(runId: string, slot: string, outcome: SlotOutcome): Promise<boolean> {
    const r = this.run(runId);
    if (r.settled.has(slot)) return false;
    r.settled.set(slot, outcome);
    return true;
  }

  async closeRun(runId: string, at: string): Promise<void> {
    this.run(runId).closedAt = at;
    this.open.delete(runId);
  }

  async listOpenRuns(): Promise<{ runId: string; startedAt: string }[]> {
    return [...this.open.entries()].map(([runId, startedAt]) => ({ runId, startedAt }));
  }
}

/** The mailer: records what it sent; `down` makes it fail like an unreachable SES. */
export class FakeMailer implements AlertMailer {
  readonly sent: OutgoingEmail[] = [];
  down = false;
  refuse = new Set<string>();

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
    if (this.refuse.has(email.to)) throw new MailRefusedError(`Email address is not verified: ${email.to}`);
    this.sent.push(email);
    return { messageId: `m-${this.sent.length}` };
  }
}

/**
 * A scan's process in a crash test. It dies at its `dieAt`-th checkpoint (see `ScanDeps.checkpoint`),
 * or just before its `dieAt`-th request through a port given to `wrap` (`mode: 'request'`, which
 * also stops a batch of concurrent writes part-way). From then on nothing of it runs: every later
 * checkpoint and request never returns (no catch, no finally), while the requests it had already
 * sent complete, as the store would apply them.
 */
export class MortalProcess {
  /** The checkpoints passed, in order. */
  readonly steps: ScanStep[] = [];
  /** Requests sent through wrapped ports (a query's pages not counted: reads change nothing). */
  readonly requests: string[] = [];
  dead = false;
  private inflight = 0;
  private idle: (() => void) | null = null;

  /** `dieAt`: a count, or the name of the step at whose first checkpoint it dies. */
  constructor(
    private readonly dieAt: number | ScanStep = Infinity,
    private readonly mode: 'checkpoint' | 'request' = 'checkpoint',
  ) {}

  /** The scan's `checkpoint`. */
  readonly checkpoint = (step: ScanStep): Promise<void> | undefined => {
    const due = typeof this.dieAt === 'string' ? step === this.dieAt : this.steps.length + 1 >= this.dieAt;
    if (!this.dead && this.mode === 'checkpoint' && due) this.die();
    if (this.dead) return new Promise<void>(() => undefined);
    this.steps.push(step);
    return undefined;
  };

  /** `port` as this process uses it: no request once it is dead. */
  wrap<T extends object>(port: T): T {
    return new Proxy(port, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        // A query's pages: read on the port itself.
        if (value.constructor.name === 'AsyncGeneratorFunction') return value.bind(target);
        return (...args: unknown[]) => {
          if (!this.dead && this.mode === 'request' && this.requests.length + 1 >= Number(this.dieAt)) this.die();
          if (this.dead) return new Promise(() => undefined);
          const out: unknown = value.apply(target, args);
          if (!(out instanceof Promise)) return out;
          this.requests.push(String(prop));
          this.inflight++;
          return out.finally(() => {
            this.inflight--;
            this.settleIfGone();
          });
        };
      },
    });
  }

  /** Resolves once the process is dead and every request it sent has completed. */
  gone(): Promise<void> {
    return new Promise((resolve) => {
      this.idle = resolve;
      this.settleIfGone();
    });
  }

  private die(): void {
    this.dead = true;
    this.settleIfGone();
  }

  private settleIfGone(): void {
    if (this.dead && this.inflight === 0 && this.idle) {
      this.idle();
      this.idle = null;
    }
  }
}

/**
 * The `<level> <MaHoSo>` lines of the alert emails `mailer` sent to `recipient`, and the
 * `feedback <MaPhanAnh>` lines of its feedback alert emails, sorted (repeats kept).
 */
export function emailLines(mailer: FakeMailer, recipient: string): string[] {
  return mailer.sent
    .filter((e) => e.to === recipient)
    .flatMap((e) => {
      if (e.subject.endsWith('phản ánh, kiến nghị quá hạn'))
        return [...e.text.matchAll(/^\d+\. (\S+) \|/gm)].map((m) => `feedback ${m[1]}`);
      const level = e.subject.endsWith('quá hạn') ? 'overdue' : 'soon';
      return [...e.text.matchAll(/^\d+\. (\S+) \|/gm)].map((m) => `${level} ${m[1]}`);
    })
    .sort();
}
