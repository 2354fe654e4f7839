/**
 * The scan's writes on an item that carries alert marks (`core/scan.ts`), as conditional
 * UpdateItem parts shared by the dossier store (a mark per level: `alOverdue`, `alSoon`) and the
 * feedback store (one mark: `alFeedback`), so that both kinds keep one claim protocol. Each is a
 * single-item conditional write on the item's state, safe to repeat; the item's place in the
 * `byDue` index is `g1pk` (the partition: where the scan reads it, or where it is parked) and
 * `g1sk`, present while the item is in the index at all.
 */
import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AlertMark } from '../core/ports';

/** What a mark write sets on the item's UpdateItem. */
export type MarkWrite = Required<
  Pick<UpdateItemCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>
>;

/** Applies a write to the item; false when its condition failed. */
export type ApplyMarkWrite = (write: MarkWrite) => Promise<boolean>;

/**
 * A claim (`mark` pending, naming its run) for `mark.dueAt`, provided the item is still at
 * `version` and not marked for that due date yet. The item stays where the scan read it until
 * the park: a scan after a crash finds the claim.
 */
export function claimMark(attr: string, version: string, mark: AlertMark): MarkWrite {
  return {
    UpdateExpression: 'SET #m = :m',
    ConditionExpression: '#v = :ver AND (attribute_not_exists(#m) OR #m.#d <> :due)',
    ExpressionAttributeNames: { '#m': attr, '#v': 'ver', '#d': 'dueAt' },
    ExpressionAttributeValues: marshall({ ':m': mark, ':ver': version, ':due': mark.dueAt }, { removeUndefinedValues: true }),
  };
}

/** Replaces the pending mark of run `fromRunId` (same due date, item still at `version`) by `mark`. */
export function takeOverMark(attr: string, version: string, fromRunId: string, mark: AlertMark): MarkWrite {
  return {
    UpdateExpression: 'SET #m = :m',
    ConditionExpression: '#v = :ver AND #m.#d = :due AND #m.#r = :from AND #m.#p = :true',
    ExpressionAttributeNames: { '#m': attr, '#v': 'ver', '#d': 'dueAt', '#r': 'runId', '#p': 'pending' },
    ExpressionAttributeValues: marshall(
      { ':m': mark, ':ver': version, ':due': mark.dueAt, ':from': fromRunId, ':true': true },
      { removeUndefinedValues: true },
    ),
  };
}

/**
 * Settles the pending mark of `runId` once its run is committed, and parks the item in
 * `parkedPk` (out of the scan's reach) in the same write. Still the version it was claimed at
 * (open, in the partition it was read from): both. Else a newer version came since and indexed the
 * item itself (a new due date, closed, or the same due date, which the next scan parks again by
 * `keepParked`): only the mark settles. A mark that is another run's is left alone.
 */
export async function parkMark(apply: ApplyMarkWrite, attr: string, version: string, runId: string, parkedPk: string): Promise<void> {
  const names = { '#m': attr, '#r': 'runId', '#p': 'pending' };
  const parked = await apply({
    UpdateExpression: 'SET g1pk = :park REMOVE #m.#p',
    ConditionExpression: '#v = :ver AND #m.#r = :run AND attribute_exists(g1sk)',
    ExpressionAttributeNames: { ...names, '#v': 'ver' },
    ExpressionAttributeValues: marshall({ ':ver': version, ':run': runId, ':park': parkedPk }),
  });
  if (parked) return;
  await apply({
    UpdateExpression: 'REMOVE #m.#p',
    ConditionExpression: '#m.#r = :run',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: marshall({ ':run': runId }),
  });
}

/**
 * Takes back `mark` (its run could not commit). A failed condition means the mark is not this
 * run's any more: left alone. The claim did not move the item, so it is still where the scan reads
 * it (or where a newer version put it).
 */
export function unmarkMark(attr: string, mark: AlertMark): MarkWrite {
  return {
    UpdateExpression: 'REMOVE #m',
    ConditionExpression: '#m.#d = :due AND #m.#r = :run',
    ExpressionAttributeNames: { '#m': attr, '#d': 'dueAt', '#r': 'runId' },
    ExpressionAttributeValues: marshall({ ':due': mark.dueAt, ':run': mark.runId ?? '' }),
  };
}

/** Parks again in `parkedPk` an item already alerted that a newer version (still `version`) put back where the scan reads it. */
export function keepParked(version: string, parkedPk: string): MarkWrite {
  return {
    UpdateExpression: 'SET g1pk = :park',
    ConditionExpression: '#v = :ver AND attribute_exists(g1sk)',
    ExpressionAttributeNames: { '#v': 'ver' },
    ExpressionAttributeValues: { ':ver': { S: version }, ':park': { S: parkedPk } },
  };
}

/** Takes an item that can no longer be alerted out of the due index, if still at `version`. */
export function unindex(version: string): MarkWrite {
  return {
    UpdateExpression: 'REMOVE g1pk, g1sk',
    ConditionExpression: '#v = :ver',
    ExpressionAttributeNames: { '#v': 'ver' },
    ExpressionAttributeValues: { ':ver': { S: version } },
  };
}
