/**
 * The alert queue on SQS, and the wire form of its messages.
 *
 * One message per newly flagged dossier (`"type":"alert"`), carrying what its email needs in the
 * portal's own field names (what an operator reading the dead-letter queue recognises), and no
 * citizen data; one per feedback item newly flagged overdue (`"type":"feedback"`), in the feedback
 * senders' names, with no citizen words or data; or a nudge to deliver a run (`"type":"flush"`).
 * Version `v` 1.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import type { AlertQueue, AlertQueueMessage, DueAlert, FeedbackAlert } from '../core/ports';
import { normaliseIso } from '../core/time';

/** SendMessageBatch takes at most 10 entries. */
const BATCH_MAX = 10;

/** The wire form of an alert message. */
export interface AlertWire {
  v: 1;
  type: 'alert';
  runId: string;
  level: 'overdue' | 'soon';
  MaHoSo: string;
  TenTTHC: string;
  MaLinhVuc: string;
  TenLinhVuc: string;
  dueAt: string;
  workingDaysOverdue: number;
  DonViXuLy: string | null;
  receivedAt: string;
}

/** The wire form of a feedback alert message. */
export interface FeedbackAlertWire {
  v: 1;
  type: 'feedback';
  runId: string;
  MaPhanAnh: string;
  NguonTiepNhan: '1022' | 'DVCQG';
  MaDonVi: string;
  NgayTiepNhan: string; // ISO
  dueAt: string;
  workingDaysOverdue: number;
  MaHoSo: string | null;
}

/** The JSON body of a queue message. */
export function encodeQueueMessage(message: AlertQueueMessage): string {
  if (message.kind === 'flush') return JSON.stringify({ v: 1, type: 'flush', runId: message.runId, force: message.force });
  if (message.kind === 'feedback') {
    const a = message.alert;
    const wire: FeedbackAlertWire = {
      v: 1,
      type: 'feedback',
      runId: a.runId,
      MaPhanAnh: a.id,
      NguonTiepNhan: a.source,
      MaDonVi: a.ward,
      NgayTiepNhan: a.receivedAt,
      dueAt: a.dueAt,
      workingDaysOverdue: a.workingDaysOverdue,
      MaHoSo: a.dossierCode,
    };
    return JSON.stringify(wire);
  }
  const a = message.alert;
  const wire: AlertWire = {
    v: 1,
    type: 'alert',
    runId: a.runId,
    level: a.level,
    MaHoSo: a.code,
    TenTTHC: a.procedureName,
    MaLinhVuc: a.fieldCode,
    TenLinhVuc: a.fieldName,
    dueAt: a.dueAt,
    workingDaysOverdue: a.workingDaysOverdue,
    DonViXuLy: a.unit,
    receivedAt: a.receivedAt,
  };
  return JSON.stringify(wire);
}

const text = z.string().check(z.trim(), z.minLength(1));
const instant = z.string().check(z.refine((v) => normaliseIso(v) !== null, { error: 'expected an ISO 8601 instant with an offset' }));
const runId = z.string().check(z.regex(/^[A-Za-z0-9._-]{1,100}$/, { error: 'expected a run id' }));

const alertWire = z.object({
  v: z.literal(1),
  type: z.literal('alert'),
  runId,
  level: z.enum(['overdue', 'soon']),
  MaHoSo: text,
  TenTTHC: text,
  MaLinhVuc: text,
  TenLinhVuc: text,
  dueAt: instant,
  workingDaysOverdue: z.int().check(z.nonnegative()),
  DonViXuLy: z.nullable(z.string()),
  receivedAt: instant,
});
const feedbackWire = z.object({
  v: z.literal(1),
  type: z.literal('feedback'),
  runId,
  MaPhanAnh: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/)),
  NguonTiepNhan: z.enum(['1022', 'DVCQG']),
  MaDonVi: text,
  NgayTiepNhan: instant,
  dueAt: instant,
  workingDaysOverdue: z.int().check(z.nonnegative()),
  MaHoSo: z.nullable(text),
});
const flushWire = z.object({ v: z.literal(1), type: z.literal('flush'), runId, force: z.boolean() });
const queueWire = z.discriminatedUnion('type', [alertWire, feedbackWire, flushWire]);

/** A queue message body parsed, or why it is not one (a poison message). */
export type ParsedQueueMessage = { ok: true; message: AlertQueueMessage } | { ok: false; problems: string[] };

/** Parses a message body; never throws. */
export function parseQueueMessage(body: string): ParsedQueueMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problems: ['the body is not JSON'] };
  }
  const parsed = queueWire.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) };
  }
  const w = parsed.data;
  if (w.type === 'flush') return { ok: true, message: { kind: 'flush', runId: w.runId, force: w.force } };
  if (w.type === 'feedback') {
    const feedback: FeedbackAlert = {
      runId: w.runId,
      level: 'feedback',
      id: w.MaPhanAnh,
      source: w.NguonTiepNhan,
      ward: w.MaDonVi,
      receivedAt: normaliseIso(w.NgayTiepNhan)!,
      dueAt: normaliseIso(w.dueAt)!,
      workingDaysOverdue: w.workingDaysOverdue,
      dossierCode: w.MaHoSo,
    };
    return { ok: true, message: { kind: 'feedback', alert: feedback } };
  }
  const alert: DueAlert = {
    runId: w.runId,
    level: w.level,
    code: w.MaHoSo,
    procedureName: w.TenTTHC,
    fieldCode: w.MaLinhVuc,
    fieldName: w.TenLinhVuc,
    dueAt: normaliseIso(w.dueAt)!,
    workingDaysOverdue: w.workingDaysOverdue,
    unit: w.DonViXuLy?.trim() ? w.DonViXuLy.trim() : null,
    receivedAt: normaliseIso(w.receivedAt)!,
  };
  return { ok: true, message: { kind: 'alert', alert } };
}

/** The SQS `AlertQueue`. */
export class SqsAlertQueue implements AlertQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: AlertQueueMessage[]): Promise<{ unsent: AlertQueueMessage[]; error: unknown }> {
    const unsent: AlertQueueMessage[] = [];
    let error: unknown = null;
    for (let i = 0; i < messages.length; i += BATCH_MAX) {
      const chunk = messages.slice(i, i + BATCH_MAX);
      if (error) {
        // The queue failed outright: do not hammer it, report the rest as not queued.
        unsent.push(...chunk);
        continue;
      }
      try {
        const failed = await this.sendBatch(chunk);
        if (failed.length > 0) {
          // A second try for entries SQS failed on its side (throttling, internal errors).
          const again = await this.sendBatch(failed.map((f) => f.message));
          if (again.length > 0) {
            unsent.push(...again.map((f) => f.message));
            error ??= new Error(`SQS refused ${again.length} message(s): ${again.map((f) => f.reason).join('; ')}`);
          }
        }
      } catch (err) {
        unsent.push(...chunk);
        error = err;
      }
    }
    return { unsent, error };
  }

  /** One SendMessageBatch; resolves with the entries SQS reported as failed. */
  private async sendBatch(chunk: AlertQueueMessage[]): Promise<{ message: AlertQueueMessage; reason: string }[]> {
    const entries: SendMessageBatchRequestEntry[] = chunk.map((m, i) => ({ Id: String(i), MessageBody: encodeQueueMessage(m) }));
    const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
    return (out.Failed ?? []).map((f) => ({ message: chunk[Number(f.Id)], reason: `${f.Code ?? 'error'}: ${f.Message ?? ''}`.trim() }));
  }
}

/** The queue URL of an SQS queue ARN (`arn:aws:sqs:<region>:<account>:<name>`), as on AWS. */
export function queueUrlFromArn(arn: string): string {
  const [, partition, , region, account, name] = arn.split(':');
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/**
 * Makes received messages visible again at once. For a malformed (poison) message, which no retry
 * can fix: it reaches the dead-letter queue after its maxReceiveCount receives in seconds, instead
 * of holding a slot for 5 visibility timeouts.
 */
export async function releaseNow(client: SQSClient, queueUrl: string, receiptHandles: string[]): Promise<void> {
  for (let i = 0; i < receiptHandles.length; i += BATCH_MAX) {
    const chunk = receiptHandles.slice(i, i + BATCH_MAX);
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
}
