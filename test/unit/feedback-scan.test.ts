/**
 * The feedback part of the overdue scan (CONTRACT 6, last paragraph) through our own fakes: it
 * reads only what is past its deadline, flags each item once per deadline, keeps its run in the
 * ledger before the queue, and the notifier sends each ward's `default` recipients one email per
 * run with no citizen words or data. Also the scan handler and the digest wired with feedback.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import { feedbackAlertSubject } from '../../functions/core/alert-email';
import { feedbackDueAt, type FeedbackItem } from '../../functions/core/feedback';
import { feedbackRunId, runFeedbackScan, type FeedbackScanDeps } from '../../functions/core/feedback-scan';
import type { AlertQueueMessage } from '../../functions/core/ports';
import type { Recipients } from '../../functions/core/recipients';
import { AlertQueueError, CLAIM_LEASE_MS, type ScanStep } from '../../functions/core/scan';
import { toVnIso } from '../../functions/core/time';
import { logger } from '../../functions/adapters/logger';
import { encodeQueueMessage, parseQueueMessage } from '../../functions/adapters/sqs-alert-queue';
import { alertNotifier } from '../../functions/handlers/alert-notifier';
import { dailyDigest } from '../../functions/handlers/daily-digest';
import { overdueScan } from '../../functions/handlers/overdue-scan';
import { FakeLedger, FakeMailer, FakeQueue, FakeStore, MortalProcess } from './alert-fakes';
import { feedbackItem, MemoryFeedbackStore } from './feedback-fakes';

// Thursday 4 April 2024, 09:00: items received on Tuesday 12 March are due 2 April 17:00 (overdue).
const NOW = '2024-04-04T09:00:00+07:00';
const WALL = Date.parse('2024-04-04T09:00:05+07:00');
const H57 = '000.00.12.H57';
const H58 = '000.00.12.H58';
const RECIPIENTS: Recipients = {
  default: ['vanphong@tinh.local'],
  byField: { HT: ['tuphap@binhan.local'] },
  wards: { [H57]: { name: 'Phường Bình An', default: ['chutich@binhan.local', 'phochutich@binhan.local'], byField: {} } },
};
/** The citizen's words and data of every item below: none of them may reach an email or a queue message. */
const CITIZEN = [
  'Chậm trả kết quả hồ sơ',
  'Tôi nộp hồ sơ',
  '0912345678',
  'an.nguyen@gmail.com',
  '074190001234',
  'Nguyễn Văn An',
  'Đường số 5',
];

beforeAll(() => logger.setLogLevel('SILENT'));

const id = (n: number) => `1022.20240312.${String(n).padStart(4, '0')}`;

/** Offers one version of item `n`. */
async function put(store: MemoryFeedbackStore, n: number, over: Partial<FeedbackItem> = {}): Promise<void> {
  await store.offerFeedback([{ item: feedbackItem({ id: id(n), ...over }), raw: {} }]);
}

/** 10 answered items, 3 open not yet due, 1 refused past due, and 2 open overdue (one in H58, one naming a dossier). */
async function wards(): Promise<MemoryFeedbackStore> {
  const store = new MemoryFeedbackStore();
  for (let n = 1; n <= 10; n++) await put(store, n, { status: 5, answeredAt: '2024-03-20T10:00:00+07:00' });
  for (let n = 11; n <= 13; n++) await put(store, n, { status: 3, receivedAt: '2024-03-28T09:00:00+07:00' });
  await put(store, 14, { status: 6 });
  await put(store, 15, { status: 2, dossierCode: '000.00.12.H57-240401-0003' });
  await put(store, 16, { status: 3, ward: H58, source: 'DVCQG' });
  return store;
}

function deps(store: MemoryFeedbackStore, over: Partial<FeedbackScanDeps> = {}) {
  return {
    store,
    ledger: new FakeLedger(),
    queue: new FakeQueue(),
    now: NOW,
    runId: feedbackRunId('20240404090000-aaaaaaaa'),
    wallClock: () => WALL,
    ...over,
  } as FeedbackScanDeps & { ledger: FakeLedger; queue: FakeQueue };
}

describe('runFeedbackScan', () => {
  it('flags the open items past their deadline, and only them, reading only what is due', async () => {
    // Prepare
    const store = await wards();
    const d = deps(store);

    // Act
    const result = await runFeedbackScan(d);

    // Assess
    expect(result).toEqual({ scanned: 2, flagged: 2, alertsQueued: 2, takenOver: 0, unparked: 0, parkError: null });
    expect(store.dueReads).toBe(2);
    expect(
      d.queue
        .feedbackAlerts()
        .map((a) => a.id)
        .sort(),
    ).toEqual([id(15), id(16)]);
    expect(d.queue.alerts()).toEqual([]);
    // Claimed pending, then parked once the run was committed: out of the scan's reach, the mark settled.
    expect(store.index.get(id(15))).toEqual({
      place: 'alerted',
      alert: { dueAt: '2024-04-02T17:00:00+07:00', at: NOW, runId: d.runId, claimedAt: toVnIso(WALL) },
    });
    const run = await d.ledger.loadRun(d.runId);
    expect(run.manifest?.counts).toEqual({ overdue: 0, soon: 0, feedback: 2 });
    expect(run.feedback?.map((a) => a.id).sort()).toEqual([id(15), id(16)]);
  });

  it('queues identifiers and dates only: MaPhanAnh, source, ward, receipt, deadline, working days, MaHoSo', async () => {
    // Prepare
    const d = deps(await wards());

    // Act
    await runFeedbackScan(d);

    // Assess
    const alert = d.queue.feedbackAlerts().find((a) => a.id === id(15));
    expect(alert).toEqual({
      runId: d.runId,
      level: 'feedback',
      id: id(15),
      source: '1022',
      ward: H57,
      receivedAt: '2024-03-12T09:15:00+07:00',
      dueAt: '2024-04-02T17:00:00+07:00',
      workingDaysOverdue: 2,
      dossierCode: '000.00.12.H57-240401-0003',
    });
    const wire = d.queue.sent.map((m) => encodeQueueMessage(m)).join('\n');
    for (const secret of CITIZEN) expect(wire).not.toContain(secret);
    // The wire form reads back as the same alert (the notifier's side).
    expect(d.queue.sent.map((m) => parseQueueMessage(encodeQueueMessage(m)))).toEqual(
      d.queue.sent.map((message) => ({ ok: true, message })),
    );
  });

  it('flags nothing at a second scan at the same clock, and reads nothing', async () => {
    // Prepare
    const store = await wards();
    await runFeedbackScan(deps(store));
    store.dueReads = 0;
    const again = deps(store, { runId: feedbackRunId('20240404090000-bbbbbbbb') });

    // Act
    const result = await runFeedbackScan(again);

    // Assess
    expect(result).toMatchObject({ scanned: 0, flagged: 0, alertsQueued: 0 });
    expect(again.queue.sent).toEqual([]);
    expect(again.ledger.runs.size).toBe(0);
  });

  it('does not flag again for a newer version with the same deadline, but does for a new HanXuLy once it passes', async () => {
    // Prepare
    const store = await wards();
    await runFeedbackScan(deps(store));
    await put(store, 15, { status: 3, version: '20240403100000', dossierCode: '000.00.12.H57-240401-0003' }); // same deadline
    await put(store, 16, { status: 3, ward: H58, source: 'DVCQG', version: '20240403100000', deadline: '2024-04-08T17:00:00+07:00' });

    // Act
    const sameClock = await runFeedbackScan(deps(store, { runId: 'r2-fb' }));
    const later = deps(store, { now: '2024-04-09T08:00:00+07:00', runId: 'r3-fb' });
    const afterNewDeadline = await runFeedbackScan(later);

    // Assess
    expect(sameClock).toMatchObject({ flagged: 0 });
    expect(store.index.get(id(15))?.place).toBe('alerted'); // parked again, out of the scan's reach
    expect(afterNewDeadline).toMatchObject({ flagged: 1 });
    expect(later.queue.feedbackAlerts().map((a) => [a.id, a.dueAt, a.workingDaysOverdue])).toEqual([
      [id(16), '2024-04-08T17:00:00+07:00', 1],
    ]);
  });

  it('never flags an item answered or refused since it was read, and takes it out of the due index', async () => {
    // Prepare
    const store = await wards();
    await put(store, 15, { status: 4, version: '20240403100000', answeredAt: '2024-04-03T10:00:00+07:00' });
    store.index.get(id(15))!.place = 'due'; // an index entry the clean-up has not reached

    // Act
    const result = await runFeedbackScan(deps(store));

    // Assess
    expect(result).toMatchObject({ scanned: 2, flagged: 1 });
    expect(store.index.get(id(15))?.place).toBeNull();
  });

  it('gives every claim back when the ledger cannot take the run: the next scan flags them', async () => {
    // Prepare
    const store = await wards();
    const failing = deps(store);
    failing.ledger.failRecord = true;

    // Act
    const attempt = runFeedbackScan(failing);

    // Assess
    await expect(attempt).rejects.toThrow('ledger down');
    expect(failing.queue.sent).toEqual([]);
    expect(store.index.get(id(15))).toEqual({ place: 'due', alert: null });
    expect(await runFeedbackScan(deps(store, { runId: 'r2-fb' }))).toMatchObject({ flagged: 2 });
  });

  it('keeps the claims when the queue takes part of the run: the ledger holds it all', async () => {
    // Prepare
    const store = await wards();
    const d = deps(store);
    d.queue.failAfter = 1;

    // Act
    const attempt = runFeedbackScan(d);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(AlertQueueError);
    await expect(attempt).rejects.toMatchObject({ queued: 1 });
    expect((await d.ledger.loadRun(d.runId)).feedback).toHaveLength(2);
    expect(await runFeedbackScan(deps(store, { runId: 'r2-fb' }))).toMatchObject({ flagged: 0 });
  });
});

describe('runFeedbackScan after a scan that died', () => {
  /** A feedback scan of `store` that dies at its first `step` checkpoint; resolves with its run once it is gone. */
  async function dieAt(step: ScanStep, store: MemoryFeedbackStore, ledger: FakeLedger, queue: FakeQueue): Promise<string> {
    const process = new MortalProcess(step);
    const d = deps(store, { ledger, queue, checkpoint: process.checkpoint });
    const scan = runFeedbackScan({ ...d, store: process.wrap(store), ledger: process.wrap(ledger), queue: process.wrap(queue) });
    await Promise.race([scan, process.gone()]);
    expect(process.dead).toBe(true);
    return d.runId;
  }

  /** The next scan, `afterMs` of wall clock after the one that died. */
  function next(store: MemoryFeedbackStore, ledger: FakeLedger, queue: FakeQueue, afterMs: number) {
    return runFeedbackScan(
      deps(store, { ledger, queue, now: '2024-04-04T09:15:00+07:00', runId: 'next-fb', wallClock: () => WALL + afterMs }),
    );
  }

  it('leaves alone, without asking the ledger, the claims of a run that may still be running', async () => {
    // Prepare
    const [store, ledger, queue] = [await wards(), new FakeLedger(), new FakeQueue()];
    const dead = await dieAt('ledger:alerts', store, ledger, queue);
    ledger.isCommitted = async () => {
      throw new Error('asked the ledger');
    };

    // Act
    const result = await next(store, ledger, queue, CLAIM_LEASE_MS - 1);

    // Assess
    expect(result).toMatchObject({ scanned: 2, flagged: 0, alertsQueued: 0, takenOver: 0 });
    expect(queue.sent).toEqual([]);
    expect(store.index.get(id(15))).toMatchObject({ place: 'due', alert: { runId: dead, pending: true } });
  });

  it('takes over, once the lease is past, the claims of a run that died before its commit point, and alerts them', async () => {
    // Prepare
    const [store, ledger, queue] = [await wards(), new FakeLedger(), new FakeQueue()];
    const dead = await dieAt('ledger:manifest', store, ledger, queue);

    // Act
    const result = await next(store, ledger, queue, CLAIM_LEASE_MS + 1);

    // Assess
    expect(result).toMatchObject({ flagged: 2, alertsQueued: 2, takenOver: 2 });
    expect(
      queue
        .feedbackAlerts()
        .map((a) => [a.id, a.runId])
        .sort(),
    ).toEqual([
      [id(15), 'next-fb'],
      [id(16), 'next-fb'],
    ]);
    expect(store.index.get(id(15))).toMatchObject({ place: 'alerted', alert: { runId: 'next-fb' } });
    expect(store.index.get(id(15))?.alert).not.toHaveProperty('pending');
    expect(await ledger.isCommitted(dead)).toBe(false);
    expect((await ledger.loadRun('next-fb')).manifest?.counts).toEqual({ overdue: 0, soon: 0, feedback: 2 });
  });

  it('only parks, once the lease is past, the claims of a run that died after its commit point: its ledger delivers them', async () => {
    // Prepare
    const [store, ledger, queue] = [await wards(), new FakeLedger(), new FakeQueue()];
    const dead = await dieAt('ledger:open', store, ledger, queue);

    // Act
    const result = await next(store, ledger, queue, CLAIM_LEASE_MS + 1);

    // Assess
    expect(result).toMatchObject({ scanned: 2, flagged: 0, alertsQueued: 0, takenOver: 0 });
    expect(queue.sent).toEqual([]);
    expect(ledger.runs.has('next-fb')).toBe(false);
    expect(await ledger.isCommitted(dead)).toBe(true);
    expect((await ledger.loadRun(dead)).feedback?.map((a) => a.id).sort()).toEqual([id(15), id(16)]);
    for (const n of [15, 16]) {
      expect(store.index.get(id(n))).toMatchObject({ place: 'alerted', alert: { runId: dead } });
      expect(store.index.get(id(n))?.alert).not.toHaveProperty('pending');
    }
  });

  it('treats a mark of the previous release (no run, not pending) as settled: parked again, not alerted', async () => {
    // Prepare: the old claim parked the item itself; a newer version with the same deadline put it back
    const store = await wards();
    store.index.get(id(15))!.alert = { dueAt: '2024-04-02T17:00:00+07:00', at: '2024-04-03T08:00:00+07:00' };
    const d = deps(store);

    // Act
    const result = await runFeedbackScan(d);

    // Assess
    expect(result).toMatchObject({ scanned: 2, flagged: 1, takenOver: 0 });
    expect(d.queue.feedbackAlerts().map((a) => a.id)).toEqual([id(16)]);
    expect(store.index.get(id(15))).toEqual({
      place: 'alerted',
      alert: { dueAt: '2024-04-02T17:00:00+07:00', at: '2024-04-03T08:00:00+07:00' },
    });
  });

  it('does not fail the scan when the parks fail: the run is committed, and a scan after the lease parks them', async () => {
    // Prepare
    const store = await wards();
    const d = deps(store);
    const park = store.parkFeedbackAlerted.bind(store);
    store.parkFeedbackAlerted = async () => {
      throw new Error('store unavailable');
    };

    // Act
    const result = await runFeedbackScan(d);
    store.parkFeedbackAlerted = park;
    const later = await next(store, d.ledger, new FakeQueue(), CLAIM_LEASE_MS + 1);

    // Assess
    expect(result).toMatchObject({ flagged: 2, alertsQueued: 2, unparked: 2 });
    expect((result.parkError as Error).message).toBe('store unavailable');
    expect(later).toMatchObject({ flagged: 0, takenOver: 0 });
    expect(store.index.get(id(15))?.place).toBe('alerted');
    expect(store.index.get(id(15))?.alert).not.toHaveProperty('pending');
  });
});

describe('feedback alert delivery (the notifier)', () => {
  let next = 0;
  const sqsRecord = (message: AlertQueueMessage): SQSRecord => {
    const messageId = `m-${++next}`;
    return {
      messageId,
      receiptHandle: `rh-${messageId}`,
      body: encodeQueueMessage(message),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:motcua-alerts',
      awsRegion: 'ap-southeast-1',
    };
  };
  const context = { awsRequestId: 'req', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

  it("sends each ward's default recipients one email per run, the wards kept apart, with no citizen words or data", async () => {
    // Prepare: a third overdue item in H57, so that its email lists two
    const store = await wards();
    await put(store, 17, { status: 1, source: 'DVCQG', receivedAt: '2024-03-11T14:00:00+07:00', version: '20240311140000' });
    const d = deps(store);
    await runFeedbackScan(d);
    const mailer = new FakeMailer();
    const notify = alertNotifier(
      () => ({ ledger: d.ledger, mailer, recipients: RECIPIENTS }),
      () => WALL,
    );
    const records = d.queue.drain().map(sqsRecord);

    // Act: the run's messages in two batches, the first delivered twice
    const first = await notify({ Records: records.slice(0, 1) }, context);
    const again = await notify({ Records: records.slice(0, 1) }, context);
    const rest = await notify({ Records: records.slice(1) }, context);

    // Assess
    expect([first, again, rest].map((r) => r.batchItemFailures)).toEqual([[], [], []]);
    expect(mailer.sent.map((e) => [e.to, e.subject]).sort()).toEqual([
      ['chutich@binhan.local', feedbackAlertSubject(2)],
      ['phochutich@binhan.local', feedbackAlertSubject(2)],
      ['vanphong@tinh.local', feedbackAlertSubject(1)], // H58 has no entry: the top-level default list
    ]);
    expect(feedbackAlertSubject(2)).toBe('[Một cửa] 2 phản ánh, kiến nghị quá hạn');
    const chutich = mailer.sent.find((e) => e.to === 'chutich@binhan.local')!;
    expect(chutich.text).toContain(id(15));
    expect(chutich.text).toContain(id(17));
    expect(chutich.text).not.toContain(id(16));
    // Longest overdue first: 17 (due 1 April) before 15 (due 2 April).
    expect(chutich.text.indexOf(id(17))).toBeLessThan(chutich.text.indexOf(id(15)));
    // One row per item, the columns named once.
    expect(chutich.text).toContain(
      'STT | Mã phản ánh | Nguồn tiếp nhận | Đơn vị xử lý | Ngày tiếp nhận | Hạn xử lý | Quá hạn | Hồ sơ liên quan',
    );
    for (const part of [
      'Cổng Dịch vụ công quốc gia (PAKN)',
      'Tổng đài 1022',
      'tiếp nhận 12/03/2024 09:15',
      'hạn 02/04/2024 17:00 | quá hạn 2 ngày làm việc',
      'hồ sơ 000.00.12.H57-240401-0003',
    ]) {
      expect(chutich.text).toContain(part);
    }
    expect(chutich.html).toContain('<html lang="vi">');
    expect(chutich.html).toContain(id(15));
    for (const email of mailer.sent) {
      for (const secret of CITIZEN) {
        expect(email.text).not.toContain(secret);
        expect(email.html).not.toContain(secret);
        expect(email.subject).not.toContain(secret);
      }
    }
    expect((await d.ledger.loadRun(d.runId)).closed).toBe(true);
  });
});

describe('the scan handler and the daily digest with feedback', () => {
  it('scans the feedback after the dossiers, in a run of its own; the HTTP answer stays the three dossier counts', async () => {
    // Prepare
    const feedback = await wards();
    const ledger = new FakeLedger();
    const queue = new FakeQueue();
    const scan = overdueScan(
      () => ({ store: new FakeStore(), ledger, queue, feedback }),
      () => WALL,
    );
    const body = JSON.stringify({ now: NOW });

    // Act
    const answer = (await scan({ body, headers: {}, isBase64Encoded: false } as never)) as { statusCode: number; body: string };
    const scheduled = await scan({ 'detail-type': 'Scheduled Event', time: '2024-04-04T02:00:00Z' });

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ scanned: 0, flagged: 0, alertsQueued: 0 });
    expect(queue.feedbackAlerts()).toHaveLength(2);
    const runs = [...ledger.runs.keys()];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^\d{14}-[0-9a-f]{8}-fb$/);
    expect(scheduled).toEqual({ scanned: 0, flagged: 0, alertsQueued: 0, feedback: { scanned: 0, flagged: 0, alertsQueued: 0 } });
  });

  it("lists the overdue feedback in a section of the digest, each recipient the items of their wards' default lists", async () => {
    // Prepare
    const feedback = await wards();
    await runFeedbackScan(deps(feedback)); // 15 and 16 alerted; the digest reads those and any not alerted yet
    await put(feedback, 17, { status: 1, receivedAt: '2024-03-11T14:00:00+07:00', version: '20240311140000' });
    const mailer = new FakeMailer();
    const digest = dailyDigest(
      () => ({ store: new FakeStore(), ledger: new FakeLedger(), mailer, recipients: RECIPIENTS, feedback }),
      () => WALL,
    );

    // Act
    const result = await digest({ time: '2024-04-05T00:30:00Z' });

    // Assess
    expect(result).toEqual({ overdue: 0, feedbackOverdue: 3, recipients: 3, sent: 3 });
    const chutich = mailer.sent.find((e) => e.to === 'chutich@binhan.local')!;
    const vanphong = mailer.sent.find((e) => e.to === 'vanphong@tinh.local')!;
    expect(chutich.text).toContain('Phản ánh, kiến nghị quá hạn:');
    expect(chutich.text).toContain('có 2 phản ánh, kiến nghị đang xử lý đã quá hạn');
    expect([id(15), id(17)].every((i) => chutich.text.includes(i))).toBe(true);
    expect(chutich.text).not.toContain(id(16));
    expect(vanphong.text).toContain(id(16));
    expect(chutich.html).toContain('Phản ánh, kiến nghị quá hạn');
    for (const email of mailer.sent) for (const secret of CITIZEN) expect(`${email.text}${email.html}`).not.toContain(secret);
  });

  it('says so when no feedback item is overdue', async () => {
    // Prepare
    const mailer = new FakeMailer();
    const feedback = new MemoryFeedbackStore();
    await feedback.offerFeedback([{ item: feedbackItem({ status: 5, answeredAt: '2024-03-20T10:00:00+07:00' }), raw: {} }]);
    const digest = dailyDigest(
      () => ({ store: new FakeStore(), ledger: new FakeLedger(), mailer, recipients: { default: ['a@b.local'], byField: {} }, feedback }),
      () => WALL,
    );

    // Act
    await digest({ time: '2024-04-05T00:30:00Z' });

    // Assess
    expect(mailer.sent[0].text).toContain('không có phản ánh, kiến nghị nào quá hạn xử lý');
    expect(feedbackDueAt(feedbackItem())).toBe('2024-04-02T17:00:00+07:00');
  });
});
