import { buildDashboard, type DashboardData, type WardName } from '../core/dashboard/compute';
import { overdueOpenDossiers } from '../core/due-lists';
import { type DossierFact, toFact } from '../core/dashboard/facts';
import { monthBounds, monthsToRead, type PeriodChoice } from '../core/dashboard/period';
import type { DashboardSources, ScorecardLike, Sourced } from '../core/dashboard/sources';
import type { DossierStore, OverdueIndex, StoredDossier } from '../core/ports';
import { toVnIso, vnDate } from '../core/time';
import { reportDueAt } from '../core/report';
import { mapLimit } from './dynamodb-reads';

/** What the loader reads through. */
export interface DashboardPorts {
  store: Pick<DossierStore, 'listReceived' | 'listWards' | 'listDueBy'> & Pick<OverdueIndex, 'listAlertedOverdue'>;
  /** Ward names by agency code (may be empty). */
  wardNames: () => Promise<Record<string, string>>;
  sources: DashboardSources;
  /** The due instant the report uses (the stored one, else the record's). */
  dueAt?: (dossier: StoredDossier) => string | null;
  /** Called when an optional source fails (the section says so; the page still renders). */
  onSourceError?: (source: string, error: unknown) => void;
}

/** Ward-months read at once on a cold cache. */
const READS_AT_ONCE = 8;
/** Ward-months kept at most (a province of 100 wards over 25 months fits). */
const MAX_ENTRIES = 5000;

const defaultDueAt = reportDueAt;

interface Entry {
  facts: DossierFact[];
  readAtMs: number;
}

/** The facts of each ward-month, read once per `cacheMs`. */
export class FactCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  /** Ward-months read from the store since the cache was made (the bench reads it). */
  reads = 0;

  constructor(
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The facts of `ward`'s dossiers received in `month` (YYYY-MM). */
  async get(store: DashboardPorts['store'], ward: string, month: string, dueAt: (d: StoredDossier) => string | null): Promise<Entry> {
    const key = `${ward}|${month}`;
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.readAtMs < this.cacheMs) {
      // Most recently used last: the first entries are the ones to evict.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const running = this.pending.get(key);
    if (running) return running;
    const read = (async () => {
      const readAtMs = this.now();
      const { from, to } = monthBounds(month);
      const facts: DossierFact[] = [];
      for await (const d of store.listReceived(from, to, ward)) {
        const fact = toFact(d, dueAt(d));
        if (fact) facts.push(fact);
      }
      this.reads++;
      const entry = { facts, readAtMs };
      this.entries.delete(key);
      this.entries.set(key, entry);
      while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      return entry;
    })();
    this.pending.set(key, read);
    try {
      return await read;
    } finally {
      this.pending.delete(key);
    }
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.entries.clear();
  }
}

/** A source's answer as a section shows it. */
async function sourced<T>(
  name: string,
  call: (() => Promise<T | null>) | undefined,
  onError: DashboardPorts['onSourceError'],
): Promise<Sourced<T>> {
  if (!call) return { state: 'none' };
  try {
    const value = await call();
    return value === null ? { state: 'none' } : { state: 'ok', value };
  } catch (error) {
    onError?.(name, error);
    return { state: 'failed' };
  }
}

/** The wards of the deployment with their names, in code order. */
export async function wardList(ports: Pick<DashboardPorts, 'store' | 'wardNames'>): Promise<WardName[]> {
  const [codes, names] = await Promise.all([ports.store.listWards(), ports.wardNames()]);
  const upper = Object.fromEntries(Object.entries(names).map(([k, v]) => [k.toUpperCase(), v]));
  return codes.map((code) => ({ code, name: upper[code] ?? null }));
}

/** What one page asks for. */
export interface DashboardRequest {
  choice: PeriodChoice;
  asOf: string;
  /** One ward (must be among `wards`), or null for every ward. */
  ward: string | null;
  wards: WardName[];
}

/** Reads and counts one page's figures. */
export async function loadDashboard(ports: DashboardPorts, cache: FactCache, req: DashboardRequest): Promise<DashboardData> {
  const { choice, asOf, ward, wards } = req;
  const today = vnDate(asOf);
  const dueAt = ports.dueAt ?? defaultDueAt;
  const months = monthsToRead(choice, today);
  const scope = ward === null ? wards.map((w) => w.code) : [ward];
  const jobs = scope.flatMap((w) => months.map((m) => [w, m] as const));
  const { sources } = ports;
  const q = { from: choice.current.from, to: choice.current.to, asOf, ward: ward ?? undefined };
  const onError = ports.onSourceError;
  const [entries, overdueNow, scorecard, feedback, previousFeedback, overdueFeedback, atRisk, wardScores] = await Promise.all([
    mapLimit(jobs, READS_AT_ONCE, ([w, m]) => cache.get(ports.store, w, m, dueAt)),
    overdueOpenDossiers(ports.store, asOf).then((all) => (ward === null ? all : all.filter((d) => d.ward === ward))),
    sourced('scorecard', sources.scorecard && (() => sources.scorecard!(q)), onError),
    sourced('feedback', sources.feedback && (() => sources.feedback!(q)), onError),
    sourced(
      'feedback',
      sources.feedback && (() => sources.feedback!({ ...q, from: choice.previous.from, to: choice.previous.to })),
      onError,
    ),
    sourced('overdueFeedback', sources.overdueFeedback && (() => sources.overdueFeedback!({ asOf, ward: q.ward })), onError),
    sourced('atRisk', sources.atRisk && (() => sources.atRisk!({ asOf, ward: q.ward })), onError),
    ward === null && sources.scorecard
      ? sourced(
          'scorecard',
          async () => {
            const scores = await mapLimit(wards, READS_AT_ONCE, (w) => sources.scorecard!({ ...q, ward: w.code }));
            return new Map<string, ScorecardLike | null>(wards.map((w, i) => [w.code, scores[i]]));
          },
          onError,
        )
      : Promise.resolve<Sourced<Map<string, ScorecardLike | null>>>({ state: 'none' }),
  ]);
  const readAtMs = entries.length ? Math.min(...entries.map((e) => e.readAtMs)) : Date.parse(asOf);
  return buildDashboard({
    choice,
    asOf,
    today,
    ward,
    wards,
    facts: entries.flatMap((e) => e.facts),
    overdueNow,
    readAt: toVnIso(readAtMs),
    scorecard,
    feedback,
    previousFeedback,
    overdueFeedback,
    atRisk,
    wardScores,
  });
}
