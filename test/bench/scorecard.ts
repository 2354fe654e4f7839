/**
 * Scorecard bench: the seed stream (15 months of phường Bình An) loaded into dynalite through the
 * store, then `GET /reports/scorecard` timed with its reads counted (items read / dossiers of the
 * period), and the forecast's back-test on the same dossiers.
 *
 * The back-test replays the daily job: for every received dossier that finished, at the instant one
 * working day before its due date (the same wall clock on the previous working day: when the
 * apology letter would have to go out), was it still open, and did the forecast flag it with the
 * statistics the 07:30 job of that day would have had (the ward's dossiers received in the year
 * before and finished by then)? Recall: of the dossiers that finished late (after their due
 * instant), the share flagged then. Precision: of those flagged, the share that finished late.
 * What it does not measure: the dossier's state at that instant is taken from its final record
 * (status running, the supplements requested by then); a pause for payment or a stop (6, 8) is
 * not known; the due date is the final one (the scorecard's). The generated stream has lateness
 * per procedure (events/generator/ward-stream.ts, `lateShare`), which is what the forecast can
 * learn; a real ward's history may carry more or less signal.
 */
import { performance } from 'node:perf_hooks';
import { packMonths } from '../../functions/adapters/month-packer';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { previousWorkingDay } from '../../functions/core/calendar';
import {
  assessRisk,
  type Distribution,
  distributionOf,
  finishingInstant,
  type ForecastStats,
  processingWorkingHours,
  statsWindow,
} from '../../functions/core/forecast';
import { effectiveDueAt } from '../../functions/core/overdue';
import type { StoredDossier } from '../../functions/core/ports';
import { isReceived } from '../../functions/core/report';
import { NO_FEEDBACK } from '../../functions/core/scorecard';
import { instantMs, toVnIso, vnDate } from '../../functions/core/time';
import { scorecardReport } from '../../functions/handlers/scorecard-report';
import { EXPECTED_AS_OF, generateWardStream } from '../../events/generator/ward-stream';
import { ensureTable, startDynamo } from '../../infra/local/emulators';
import { offerMessage } from './report';

const WARD = '000.00.12.H57';

/** What the back-test found. */
export interface BackTest {
  evaluated: number;
  late: number;
  flagged: number;
  flaggedLate: number;
  lateNotOpen: number;
}

/** The back-test (see the header) over a ward's dossiers. */
export function backTest(dossiers: readonly StoredDossier[], ward: string): BackTest {
  const finished = dossiers
    .filter((d) => d.record && (d.record.status === 9 || d.record.status === 10) && isReceived(d.record.status))
    .map((d) => {
      const done = finishingInstant(d);
      return { d, doneMs: done ? instantMs(done) : NaN, hours: processingWorkingHours(d) };
    })
    .filter((x) => !Number.isNaN(x.doneMs) && x.hours !== null);

  // The statistics of the daily job of `day` (07:30), computed once per day.
  const statsOf = new Map<string, ForecastStats>();
  const statsAt = (day: string): ForecastStats => {
    let s = statsOf.get(day);
    if (s) return s;
    const clock = `${day}T07:30:00+07:00`;
    const clockMs = instantMs(clock);
    const window = statsWindow(clock);
    const byProcedure = new Map<string, number[]>();
    const byField = new Map<string, number[]>();
    for (const x of finished) {
      const r = x.d.record!;
      const received = vnDate(r.receivedAt);
      if (x.doneMs > clockMs || received < window.from || received > window.to) continue;
      (byProcedure.get(r.procedureCode) ?? byProcedure.set(r.procedureCode, []).get(r.procedureCode)!).push(x.hours!);
      (byField.get(r.fieldCode) ?? byField.set(r.fieldCode, []).get(r.fieldCode)!).push(x.hours!);
    }
    const toRecord = (m: Map<string, number[]>) => Object.fromEntries([...m].map(([k, v]) => [k, distributionOf(v) as Distribution]));
    s = { ward, computedAt: clock, window, byProcedure: toRecord(byProcedure), byField: toRecord(byField) };
    statsOf.set(day, s);
    return s;
  };

  const out: BackTest = { evaluated: 0, late: 0, flagged: 0, flaggedLate: 0, lateNotOpen: 0 };
  for (const { d, doneMs } of finished) {
    const r = d.record!;
    const due = d.dueAt ?? r.dueAt;
    if (!due || Number.isNaN(instantMs(due))) continue;
    const late = doneMs > instantMs(due);
    // One working day before the due date: the same wall clock on the previous working day.
    const at = `${previousWorkingDay(vnDate(due))}${toVnIso(instantMs(due)).slice(10)}`;
    const atMs = instantMs(at);
    if (instantMs(r.receivedAt) > atMs || doneMs <= atMs) {
      if (late) out.lateNotOpen++;
      continue;
    }
    out.evaluated++;
    if (late) out.late++;
    // The dossier as it stood then: running, with the supplement requests made by then.
    const then: StoredDossier = {
      ...d,
      record: {
        ...r,
        status: 4,
        finishedAt: null,
        supplements: r.supplements.filter((s) => s.requestedAt && instantMs(s.requestedAt) < atMs),
      },
    };
    const statsDay = vnDate(atMs - 7.5 * 3600e3);
    const risk = assessRisk(then, statsAt(statsDay), at);
    if (risk?.atRisk) {
      out.flagged++;
      if (late) out.flaggedLate++;
    }
  }
  return out;
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '—');

/** Prints the scorecard bench and the back-test. */
export async function benchScorecard(): Promise<void> {
  console.log('\n## Scorecard and forecast (15 months of one ward: the seed stream)');
  const { messages } = generateWardStream();
  const dynamo = await startDynamo({ createTable: false });
  try {
    await ensureTable(dynamo.client, 'bench-scorecard');
    const store = new DynamoDossierStore({ client: dynamo.client, tableName: 'bench-scorecard', dueAt: (r) => effectiveDueAt(r) });
    const t0 = performance.now();
    for (const m of messages) await offerMessage(store, m);
    console.log(`stream loaded through the store in ${((performance.now() - t0) / 1000).toFixed(1)} s (${messages.length} messages)`);

    const handle = scorecardReport({ store, feedback: NO_FEEDBACK, forecast: { getStats: async () => null } });
    // The dossiers of a period, counted by a store of their own (its reads are not the scorecard's).
    const counter = new DynamoDossierStore({ client: dynamo.client, tableName: 'bench-scorecard', dueAt: (r) => effectiveDueAt(r) });
    const ask = async (from: string, to: string) => {
      const before = store.itemsRead;
      const started = performance.now();
      const res = await handle({ queryStringParameters: { from, to, asOf: EXPECTED_AS_OF, ward: WARD } } as never);
      const ms = performance.now() - started;
      const read = store.itemsRead - before;
      let inPeriod = 0;
      for await (const _ of counter.listReceived(from, to, WARD)) inPeriod++;
      return { ms, read, inPeriod, body: JSON.parse(res.body as string) };
    };
    const print = async (how: string) => {
      for (const [name, from, to] of [
        ['01/01/2023–31/03/2024', '2023-01-01', '2024-03-31'],
        ['Q1 2024', '2024-01-01', '2024-03-31'],
      ] as const) {
        const r = await ask(from, to);
        console.log(
          `scorecard ${name} ${how}: ${r.ms.toFixed(0)} ms, ${r.read} items read for ${r.inPeriod} dossiers of the period (ratio ${(r.read / r.inPeriod).toFixed(2)}); ` +
            `total ${r.body.total.score}/70; at risk at ${EXPECTED_AS_OF}: ${r.body.forecast.atRisk} (${r.body.forecast.pointsAtRisk} points)`,
        );
      }
    };
    await ask('2023-01-01', '2023-01-31'); // warm-up
    await print('through the index');
    // The store wrote at the real clock (its bumps are stamped so): the daily job two hours later.
    const later = Date.now() + 2 * 3_600_000;
    const packed = await packMonths({ store, client: dynamo.client, table: 'bench-scorecard', now: () => later });
    console.log(`  ${packed.packed} month packs built, as the daily job builds them`);
    await print('through month packs');

    const all: StoredDossier[] = [];
    for await (const d of store.listReceived('2022-12-01', '2024-04-30', WARD)) all.push(d);
    const started = performance.now();
    const b = backTest(all, WARD);
    console.log(
      `forecast back-test (${((performance.now() - started) / 1000).toFixed(1)} s): ${b.evaluated} finished dossiers still open one working day before their due date, ` +
        `${b.late} of them finished late; flagged ${b.flagged}, of which ${b.flaggedLate} late`,
    );
    console.log(
      `  recall ${pct(b.flaggedLate, b.late + b.lateNotOpen)} of the ${b.late + b.lateNotOpen} late dossiers (${pct(b.flaggedLate, b.late)} of those open then), precision ${pct(b.flaggedLate, b.flagged)} ` +
        `(flagged ones that were late; flagging every open one would give ${pct(b.late, b.evaluated)}); ` +
        `${b.lateNotOpen} late dossiers were not open then (received within the last day), so no flag could come in time`,
    );
  } finally {
    await dynamo.stop();
  }
}
