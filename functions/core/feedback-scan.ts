/**
 * The feedback part of the overdue scan (CONTRACT 6, last paragraph): feedback items as a kind of
 * the scan's one protocol (`runScan` in `scan.ts`: claim pending, commit to the ledger, queue,
 * park, and a later scan's recovery of a run that died), so its alerts have every guarantee the
 * dossiers' have. The scan handler runs it after the dossier scan, as a run of its own in the same
 * alert ledger and queue (`<runId>-fb`); the dossier scan's sweep nudges its open runs too.
 *
 * What is due: the open items whose deadline has passed, from the `FBDUE#` partitions of the due
 * index (never the whole table). One level, `feedback`, once per deadline: a new `HanXuLy` makes
 * an item claimable again; a newer version with the same deadline is parked again unalerted.
 * The notifier then sends each recipient of the items' wards' `default` lists one email for the run.
 */
import { overdueWorkingDays } from './calendar';
import { isFeedbackOverdue, isOpenFeedback } from './feedback';
import type { FeedbackAlert, FeedbackStore, StoredFeedback } from './ports';
import { runScan, type RunDeps, type RunResult, type ScanKind } from './scan';

/** What the feedback scan needs of the store. */
export type FeedbackScanStore = Pick<
  FeedbackStore,
  | 'listFeedbackDue'
  | 'markFeedbackAlerted'
  | 'takeOverFeedbackAlerted'
  | 'parkFeedbackAlerted'
  | 'unmarkFeedbackAlerted'
  | 'keepFeedbackAlerted'
  | 'dropFeedbackFromDue'
>;

/** The feedback scan's collaborators and clock (`runId`: see `feedbackRunId`). */
export interface FeedbackScanDeps extends RunDeps {
  store: FeedbackScanStore;
}

/** What a feedback scan did: items read from the due index, newly flagged, messages queued, and its recoveries. */
export type FeedbackScanResult = Omit<RunResult<'feedback'>, 'flaggedByLevel'>;

/** The ledger run of a scan's feedback alerts: the dossier run's id with `-fb` (a run of its own). */
export function feedbackRunId(scanRunId: string): string {
  return `${scanRunId}-fb`;
}

/** Feedback items as a scan kind (see the module comment). */
export function feedbackKind(store: FeedbackScanStore): ScanKind<StoredFeedback, 'feedback', FeedbackAlert> {
  return {
    noun: 'feedback',
    levels: ['feedback'],
    listDue: (now) => store.listFeedbackDue(now),
    examine({ item, dueAt, alert }, now) {
      if (!isOpenFeedback(item.status)) return { action: 'drop', id: item.id, version: item.version };
      // Due exactly now is not yet past its deadline (the index bound is inclusive).
      if (!isFeedbackOverdue(item, dueAt, now)) return { action: 'skip' };
      return { action: 'weigh', id: item.id, version: item.version, dueAt, level: 'feedback', marks: { feedback: alert } };
    },
    writes: {
      mark: (id, version, _level, mark) => store.markFeedbackAlerted(id, version, mark),
      takeOver: (id, version, _level, fromRunId, mark) => store.takeOverFeedbackAlerted(id, version, fromRunId, mark),
      park: (id, version, _level, runId) => store.parkFeedbackAlerted(id, version, runId),
      unmark: (id, _level, mark) => store.unmarkFeedbackAlerted(id, mark),
      keep: (id, version) => store.keepFeedbackAlerted(id, version),
      drop: (id, version) => store.dropFeedbackFromDue(id, version),
    },
    alert: ({ item }, { dueAt, now, runId }) => ({
      runId,
      level: 'feedback',
      id: item.id,
      source: item.source,
      ward: item.ward,
      receivedAt: item.receivedAt,
      dueAt,
      workingDaysOverdue: overdueWorkingDays(dueAt, now),
      dossierCode: item.dossierCode,
    }),
    message: (alert) => ({ kind: 'feedback', alert }),
  };
}

/** Runs the feedback part of one scan (see the module comment). */
export async function runFeedbackScan(deps: FeedbackScanDeps): Promise<FeedbackScanResult> {
  const { flaggedByLevel: _, ...result } = await runScan(feedbackKind(deps.store), deps);
  return result;
}
