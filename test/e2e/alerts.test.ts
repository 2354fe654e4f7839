/**
 * Overdue alerts end to end (CONTRACT 4 `POST /admin/overdue-scan`, CONTRACT 6).
 *
 * On the spawned local stack: dossiers arrive through signed portal webhooks, an admin scan at a
 * fixed clock queues alerts, the stack's SQS consumer runs the notifier, and the SES emulator's
 * `/store` must hold exactly the expected emails; a repeat sends nothing; a moved due date is
 * alerted again; a malformed message ends in the DLQ.
 *
 * In this process, on the same emulators: an SES outage loses no alert, whether SES comes back
 * while the queue still retries the messages or only after they died in the DLQ; messages lost
 * from the queue lose no alert either; and the daily digest finds every overdue open dossier
 * through the due index.
 */
import { GetQueueUrlCommand, PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SESClient } from '@aws-sdk/client-ses';
import type { Message } from '@aws-sdk/client-sqs';
import { DynamoAlertLedger } from '../../functions/adapters/dynamodb-alert-ledger';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { logger } from '../../functions/adapters/logger';
import { SesMailer } from '../../functions/adapters/ses-mailer';
import { releaseNow, SqsAlertQueue } from '../../functions/adapters/sqs-alert-queue';
import type { Recipients } from '../../functions/core/recipients';
import { newRunId, runOverdueScan } from '../../functions/core/scan';
import { alertNotifier } from '../../functions/handlers/alert-notifier';
import { dailyDigest } from '../../functions/handlers/daily-digest';
import { deliver } from '../../infra/local/consumers';
import {
  CREDENTIALS,
  sqsClient,
  startDynamo,
  startSes,
  startSqs,
  type DynamoEmulator,
  type SesEmulator,
  type SqsEmulator,
} from '../../infra/local/emulators';
import type { LambdaHandler } from '../../infra/local/lambda';
import type { Log } from '../../infra/local/log';
import { ensureTable } from '../../infra/local/table';
import { record } from '../unit/alert-fakes';
import { adminGet, adminPost, LOCAL_SECRETS, poll, sesStore, signedPost, startStack, type SesEmail, type Stack } from './harness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SLOW_MS = 180_000;
/** Thursday 4 April 2024, 09:00 Hà Nội: due soon means due by Friday 5 April, 17:00. */
const NOW = '2024-04-04T09:00:00+07:00';
const APOLOGY = 'Phiếu xin lỗi và hẹn lại ngày trả kết quả';
// config/recipients.local.json, the stack's default RECIPIENTS_FILE.
const CHUTICH = 'chutich@binhan.local';
const PHOCHUTICH = 'phochutich@binhan.local';
const TUPHAP = 'tuphap@binhan.local';
const DIACHINH = 'diachinh@binhan.local';

const FIELDS = {
  HT: { MaLinhVuc: 'HT', TenLinhVuc: 'Hộ tịch', MaTTHC: '1.001193', TenTTHC: 'Thủ tục đăng ký khai sinh' },
  DD: { MaLinhVuc: 'DD', TenLinhVuc: 'Đất đai', MaTTHC: '1.003003', TenTTHC: 'Thủ tục hòa giải tranh chấp đất đai' },
  CT: { MaLinhVuc: 'CT', TenLinhVuc: 'Chứng thực', MaTTHC: '2.000815', TenTTHC: 'Thủ tục chứng thực bản sao từ bản chính' },
  XD: { MaLinhVuc: 'XD', TenLinhVuc: 'Xây dựng', MaTTHC: '1.009994', TenTTHC: 'Thủ tục cấp giấy phép xây dựng' },
  // A field with no recipients of its own.
  KT: { MaLinhVuc: 'KT', TenLinhVuc: 'Kinh tế', MaTTHC: '2.000720', TenTTHC: 'Thủ tục đăng ký hộ kinh doanh' },
} as const;

const code = (n: number) => `000.00.12.H57-240401-${String(n).padStart(4, '0')}`;

/** A DongBoHoSoMC record as the portal sends it, with the applicant's identifiers filled in. */
function portalRecord(n: number, field: keyof typeof FIELDS, status: number, due: string, version = '20240401083000') {
  return {
    MaHoSo: code(n),
    ...FIELDS[field],
    KenhThucHien: 2,
    ChuHoSo: 'Nguyễn Thị Hồng',
    SoGiayToChuHoSo: '079212345612',
    SoDienThoai: '0912345678',
    Email: 'hong.nguyen@example.vn',
    NgayTiepNhan: '20240401083000',
    NgayHenTra: due,
    TrangThaiHoSo: status,
    NgayCapNhat: version,
    DonViXuLy: `Bộ phận ${FIELDS[field].TenLinhVuc}`,
  };
}

/** Emails as `<to> <subject>: <codes>`, sorted: what is compared with what is expected. */
function summary(emails: SesEmail[]): string[] {
  return emails
    .map((e) => {
      const codes = [...(e.body.text ?? '').matchAll(/^\d+\. (\S+) \|/gm)].map((m) => m[1].slice(-4)).sort();
      return `${e.destination.to.join(',')} ${e.subject}: ${codes.join(',')}`;
    })
    .sort();
}

async function pushRecords(stack: Stack, data: unknown[]) {
  const res = await signedPost(
    stack.api,
    '/webhooks/portal',
    { service: 'DongBoHoSoMC', isUpdating: false, data },
    LOCAL_SECRETS.PORTAL_SECRET,
  );
  expect(res.status).toBe(200);
  return res.body;
}

async function scanAt(stack: Stack, now: string) {
  const res = await adminPost(stack.api, '/admin/overdue-scan', { now });
  expect(res.status).toBe(200);
  return res.body as { scanned: number; flagged: number; alertsQueued: number };
}

/** Waits until the SES store holds `count` emails (a few more would show up too: checked by the caller). */
function emailsReach(stack: Stack, count: number) {
  return poll(
    async () => {
      const emails = await sesStore(stack.ses);
      return emails.length >= count ? emails : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `${count} emails in the SES store` },
  );
}

describe('overdue alerts on the local stack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await pushRecords(stack, [
      portalRecord(1, 'HT', 2, '20240403170000'), // overdue
      portalRecord(2, 'DD', 4, '20240402100000'), // overdue
      portalRecord(3, 'KT', 2, '20240403080000'), // overdue, field without recipients
      portalRecord(4, 'HT', 4, '20240405100000'), // due soon
      portalRecord(5, 'KT', 2, '20240405170000'), // due soon (at the horizon), field without recipients
      portalRecord(6, 'CT', 9, '20240402170000'), // finished
      portalRecord(7, 'HT', 5, '20240401170000'), // paused (waiting for a supplement)
      portalRecord(8, 'DD', 2, '20240410170000'), // not due yet
      portalRecord(9, 'XD', 7, '20240402170000'), // withdrawn
      portalRecord(10, 'XD', 1, '20240402170000'), // registered only
    ]);
  }, SLOW_MS);
  afterAll(async () => {
    await stack?.stop();
  }, SLOW_MS);

  it('mails each recipient one overdue and one due-soon email listing exactly their dossiers', async () => {
    // Act
    const answer = await scanAt(stack, NOW);
    const emails = await emailsReach(stack, 7);

    // Assess
    expect(answer).toEqual({ scanned: 5, flagged: 5, alertsQueued: 5 });
    expect(summary(emails)).toEqual([
      `${CHUTICH} [Một cửa] 1 hồ sơ sắp đến hạn: 0005`,
      `${CHUTICH} [Một cửa] 3 hồ sơ quá hạn: 0001,0002,0003`,
      `${DIACHINH} [Một cửa] 1 hồ sơ quá hạn: 0002`,
      `${PHOCHUTICH} [Một cửa] 1 hồ sơ sắp đến hạn: 0005`,
      `${PHOCHUTICH} [Một cửa] 3 hồ sơ quá hạn: 0001,0002,0003`,
      `${TUPHAP} [Một cửa] 1 hồ sơ quá hạn: 0001`,
      `${TUPHAP} [Một cửa] 1 hồ sơ sắp đến hạn: 0004`,
    ]);
    for (const e of emails) {
      expect(e.from).toBe('motcua@binhan.local');
      expect(e.body.html).toContain('<!DOCTYPE html>');
      for (const secret of ['079212345612', '0912345678', 'hong.nguyen@example.vn']) {
        expect(e.body.text).not.toContain(secret);
        expect(e.body.html).not.toContain(secret);
      }
      expect(e.body.text!.includes(APOLOGY)).toBe(e.subject.endsWith('quá hạn'));
    }
    const toChutich = emails.find((e) => e.destination.to[0] === CHUTICH && e.subject.endsWith('quá hạn'))!;
    // One row per dossier (due Tuesday 10:00, now Thursday 09:00), the apology letter said once above.
    expect(toChutich.body.text).toMatch(
      /^1\. 000\.00\.12\.H57-240401-0002 \| Thủ tục hòa giải tranh chấp đất đai \| Đất đai \| hạn trả 02\/04\/2024 10:00 \| quá hạn 2 ngày làm việc \| Bộ phận Đất đai$/m,
    );
    expect(toChutich.body.text!.split(APOLOGY).length - 1).toBe(1);
    // The dashboard's link (the local stack's DASHBOARD_URL: its API's address).
    expect(toChutich.body.text).toMatch(/Xem chi tiết trên trang điều hành: http:\/\/127\.0\.0\.1:\d+\/dashboard/);
  });

  it('shows the alert on the dossier', async () => {
    // Act
    const overdue = await adminGet(stack.api, `/dossiers/${code(1)}`);
    const soon = await adminGet(stack.api, `/dossiers/${code(4)}`);

    // Assess
    expect(overdue.status).toBe(200);
    expect(overdue.body.overdue).toMatchObject({ isOverdue: true, alertedAt: NOW });
    // Overdue by now at the real time, but only a due-soon alert went out for it.
    expect(soon.body.overdue).toMatchObject({ isOverdue: true, alertedAt: null });
  });

  it('flags and queues nothing, and mails nothing, when the scan runs again at the same clock', async () => {
    // Act
    const answer = await scanAt(stack, NOW);
    // The next scan's emails show the queue has been worked through past this one.
    const later = await scanAt(stack, '2024-04-08T09:00:00+07:00');
    const emails = await emailsReach(stack, 10);

    // Assess
    expect(answer).toMatchObject({ flagged: 0, alertsQueued: 0 });
    expect(later).toMatchObject({ flagged: 2, alertsQueued: 2 });
    const since = summary(emails.slice(7));
    expect(emails).toHaveLength(10);
    expect(since).toEqual([
      `${CHUTICH} [Một cửa] 2 hồ sơ quá hạn: 0004,0005`,
      `${PHOCHUTICH} [Một cửa] 2 hồ sơ quá hạn: 0004,0005`,
      `${TUPHAP} [Một cửa] 1 hồ sơ quá hạn: 0004`,
    ]);
  });

  it('alerts again a dossier whose due date an apology letter moved, once the new date passes', async () => {
    // Prepare: the leader signed the apology letter; the portal sends the new appointment
    const moved = portalRecord(1, 'HT', 4, '20240410170000', '20240405100000');
    expect(await pushRecords(stack, [moved])).toMatchObject({ applied: 1 });

    // Act
    const before = await scanAt(stack, '2024-04-09T09:00:00+07:00');
    const after = await scanAt(stack, '2024-04-11T09:00:00+07:00');
    const emails = await emailsReach(stack, 16);
    const view = await adminGet(stack.api, `/dossiers/${code(1)}`);

    // Assess
    // 9 April: 0001 (due 10 April 17:00) and 0008 (due 10 April 17:00) are due soon.
    expect(before).toMatchObject({ flagged: 2 });
    expect(after).toMatchObject({ flagged: 2 });
    expect(summary(emails.slice(10))).toEqual([
      `${CHUTICH} [Một cửa] 2 hồ sơ quá hạn: 0001,0008`,
      `${DIACHINH} [Một cửa] 1 hồ sơ quá hạn: 0008`,
      `${DIACHINH} [Một cửa] 1 hồ sơ sắp đến hạn: 0008`,
      `${PHOCHUTICH} [Một cửa] 2 hồ sơ quá hạn: 0001,0008`,
      `${TUPHAP} [Một cửa] 1 hồ sơ quá hạn: 0001`,
      `${TUPHAP} [Một cửa] 1 hồ sơ sắp đến hạn: 0001`,
    ]);
    expect(emails).toHaveLength(16);
    expect(view.body.dueAt).toBe('2024-04-10T17:00:00+07:00');
    expect(view.body.overdue).toMatchObject({ isOverdue: true, alertedAt: '2024-04-11T09:00:00+07:00' });
  });

  it(
    'moves a malformed message to the dead-letter queue after its 5 receives',
    async () => {
      // Prepare
      const sqs = sqsClient(stack.sqs);
      const url = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
      const alerts = await url('motcua-alerts');
      const dlq = await url('motcua-alerts-dlq');

      // Act
      await sqs.send(new SendMessageCommand({ QueueUrl: alerts, MessageBody: '{"v":1,"type":"alert","MaHoSo":"garbage"}' }));
      const dead = await poll(
        async () => {
          const out = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
          );
          return out.Messages?.[0];
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'the malformed message in the DLQ' },
      );

      // Assess
      expect(dead.Body).toBe('{"v":1,"type":"alert","MaHoSo":"garbage"}');
      expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(5);
      expect(stack.logs()).toContain('malformed alert message');
      sqs.destroy();
    },
    SLOW_MS,
  );
});

// ---------------------------------------------------------------------------------------------

const RECIPIENTS: Recipients = { default: [CHUTICH], byField: { HT: [TUPHAP] } };
const silent: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('in process on the emulators: an SES outage loses no alert; the daily digest', () => {
  let dynamo: DynamoEmulator;
  let sqs: SqsEmulator;
  let ses: SesEmulator;
  let sesUp: SESClient;
  let sesDown: SESClient;
  let tableNo = 0;

  beforeAll(async () => {
    logger.setLogLevel(process.env.E2E_LOG ? 'DEBUG' : 'SILENT');
    [dynamo, sqs, ses] = await Promise.all([startDynamo({ tableName: 'outage-0' }), startSqs(), startSes({ port: 0 })]);
    sesUp = new SESClient({ region: 'ap-southeast-1', endpoint: ses.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    // A closed port: every send fails at once, as when SES is unreachable.
    sesDown = new SESClient({ region: 'ap-southeast-1', endpoint: 'http://127.0.0.1:9', credentials: CREDENTIALS, maxAttempts: 1 });
  }, SLOW_MS);
  beforeEach(async () => {
    await sqs.purge();
    await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
  });
  afterAll(async () => {
    sesUp?.destroy();
    sesDown?.destroy();
    await Promise.all([dynamo?.stop(), sqs?.stop(), ses?.stop()]);
  }, SLOW_MS);

  /** A ward on a fresh table: 2 overdue (HT, KT) and 1 due soon (HT), scanned at NOW. */
  async function scannedWard() {
    const tableName = `outage-${++tableNo}`;
    await ensureTable(dynamo.client, tableName);
    const store = new DynamoDossierStore({ client: dynamo.client, tableName, dueAt: (r) => r.dueAt });
    await store.offerRecords([
      { record: record({ code: code(1), fieldCode: 'HT', dueAt: '2024-04-03T17:00:00+07:00' }), raw: {} },
      { record: record({ code: code(2), fieldCode: 'KT', fieldName: 'Kinh tế', dueAt: '2024-04-02T17:00:00+07:00' }), raw: {} },
      { record: record({ code: code(3), fieldCode: 'HT', dueAt: '2024-04-05T10:00:00+07:00' }), raw: {} },
    ]);
    const added = (n: number, dueAt: string, status: 2 | 9 = 2) =>
      store.offerRecords([
        { record: record({ code: code(n), dueAt, status, fieldCode: 'XD', fieldName: 'Xây dựng', unit: null }), raw: {} },
      ]);
    const ledger = new DynamoAlertLedger(dynamo.client, tableName);
    const queue = new SqsAlertQueue(sqs.client, sqs.alerts.url);
    const scan = (now: string) => runOverdueScan({ store, ledger, queue, now, runId: newRunId(now) });
    const result = await scan(NOW);
    expect(result).toMatchObject({ flagged: 3, alertsQueued: 3 });
    return { ledger, scan, store, added };
  }

  /** The stack's consumer step: one receive, the handler, the successes deleted. Visibility 1 s. */
  async function consumeOnce(client: SQSClient, handler: LambdaHandler): Promise<Message[]> {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: sqs.alerts.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length > 0) await deliver({ client, queue: sqs.alerts, handler, name: 'alert-notifier', log: silent }, messages);
    return messages;
  }

  // Due soon in HT goes to HT's list only; overdue to the default list too.
  const expected = [
    `${CHUTICH} [Một cửa] 2 hồ sơ quá hạn: 0001,0002`,
    `${TUPHAP} [Một cửa] 1 hồ sơ quá hạn: 0001`,
    `${TUPHAP} [Một cửa] 1 hồ sơ sắp đến hạn: 0003`,
  ];

  it(
    'sends every email exactly once when SES comes back while SQS still retries',
    async () => {
      // Prepare
      const { ledger } = await scannedWard();
      const during = alertNotifier(() => ({
        ledger,
        mailer: new SesMailer(sesDown, 'motcua@binhan.local'),
        recipients: RECIPIENTS,
      })) as LambdaHandler;
      const after = alertNotifier(() => ({
        ledger,
        mailer: new SesMailer(sesUp, 'motcua@binhan.local'),
        recipients: RECIPIENTS,
      })) as LambdaHandler;

      // Act: SES is down for the first deliveries…
      const failedOnce = await poll(
        async () => {
          await consumeOnce(sqs.client, during);
          const stored = await sesStore(ses.endpoint);
          expect(stored).toEqual([]);
          return (await ledger.loadRun((await ledger.listOpenRuns())[0].runId)).alerts.length === 3 ? true : undefined;
        },
        { timeoutMs: 30_000, what: 'every alert received during the outage' },
      );
      // …then back: the messages SQS hands out again are delivered.
      const emails = await poll(
        async () => {
          await consumeOnce(sqs.client, after);
          const stored = await sesStore(ses.endpoint);
          return stored.length >= expected.length && (await ledger.listOpenRuns()).length === 0 ? stored : undefined;
        },
        { timeoutMs: 30_000, what: 'the emails after the outage' },
      );
      // Any copy still on the queue or redelivered later changes nothing.
      const leftover = await consumeOnce(sqs.client, after);

      // Assess
      expect(failedOnce).toBe(true);
      expect(summary(emails)).toEqual(expected);
      expect(leftover).toEqual([]);
      expect(summary(await sesStore(ses.endpoint))).toEqual(expected);
    },
    SLOW_MS,
  );

  it(
    'sends every email exactly once when SES comes back only after the messages died in the DLQ',
    async () => {
      // Prepare: the outage outlasts the retries; the messages leave the queue (to the DLQ)
      const { ledger, scan } = await scannedWard();
      const during = alertNotifier(() => ({
        ledger,
        mailer: new SesMailer(sesDown, 'motcua@binhan.local'),
        recipients: RECIPIENTS,
      })) as LambdaHandler;
      await poll(
        async () => {
          await consumeOnce(sqs.client, during);
          const open = await ledger.listOpenRuns();
          return open.length === 1 && (await ledger.loadRun(open[0].runId)).alerts.length === 3 ? true : undefined;
        },
        { timeoutMs: 30_000, what: 'every alert received during the outage' },
      );
      await sqs.client.send(new PurgeQueueCommand({ QueueUrl: sqs.alerts.url }));
      const after = alertNotifier(() => ({
        ledger,
        mailer: new SesMailer(sesUp, 'motcua@binhan.local'),
        recipients: RECIPIENTS,
        releaseNow: (_arn: string, handles: string[]) => releaseNow(sqs.client, sqs.alerts.url, handles),
      })) as LambdaHandler;

      // Act: SES is back; the next scheduled scan nudges the run still open
      const next = await scan('2024-04-04T09:15:00+07:00');
      const emails = await poll(
        async () => {
          await consumeOnce(sqs.client, after);
          const stored = await sesStore(ses.endpoint);
          return stored.length >= expected.length && (await ledger.listOpenRuns()).length === 0 ? stored : undefined;
        },
        { timeoutMs: 30_000, what: 'the emails after the outage' },
      );
      const again = await scan('2024-04-04T09:30:00+07:00');
      const leftover = await consumeOnce(sqs.client, after);

      // Assess
      expect(next).toMatchObject({ flagged: 0, alertsQueued: 0, runsNudged: 1 });
      expect(summary(emails)).toEqual(expected);
      expect(again).toMatchObject({ flagged: 0, runsNudged: 0 });
      expect(leftover).toEqual([]);
      expect(summary(await sesStore(ses.endpoint))).toEqual(expected);
    },
    SLOW_MS,
  );

  it(
    'sends every email once when the queued messages are lost before any consumer saw them',
    async () => {
      // Prepare: the scan queued its 3 messages, then the queue lost them (fauxqs keeps messages in
      // memory: the local stack restarted; on AWS, a queue purged by mistake)
      const { ledger, scan } = await scannedWard();
      await sqs.client.send(new PurgeQueueCommand({ QueueUrl: sqs.alerts.url }));
      const notifier = alertNotifier(() => ({
        ledger,
        mailer: new SesMailer(sesUp, 'motcua@binhan.local'),
        recipients: RECIPIENTS,
      })) as LambdaHandler;

      // Act: the next scheduled scan flags nothing new and nudges the run, which the ledger holds whole
      const next = await scan('2024-04-04T09:15:00+07:00');
      const emails = await poll(
        async () => {
          await consumeOnce(sqs.client, notifier);
          const stored = await sesStore(ses.endpoint);
          return stored.length >= expected.length && (await ledger.listOpenRuns()).length === 0 ? stored : undefined;
        },
        { timeoutMs: 30_000, what: 'the emails of the lost run' },
      );

      // Assess
      expect(next).toMatchObject({ flagged: 0, alertsQueued: 0, runsNudged: 1 });
      expect(summary(emails)).toEqual(expected);
    },
    SLOW_MS,
  );

  it(
    'mails the daily digest of every overdue open dossier, alerted or not yet, once a day',
    async () => {
      // Prepare: 0001, 0002 alerted overdue at NOW; 0003 alerted due soon; 0004 due after the scan; 0005 finished
      const { ledger, store, added } = await scannedWard();
      await added(4, '2024-04-04T16:00:00+07:00');
      await added(5, '2024-04-01T17:00:00+07:00', 9);
      const digest = dailyDigest(() => ({ store, ledger, mailer: new SesMailer(sesUp, 'motcua@binhan.local'), recipients: RECIPIENTS }));
      const tick = { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '2024-04-05T00:30:00Z' };

      // Act
      const first = await digest(tick);
      const retried = await digest(tick);

      // Assess
      expect(first).toEqual({ overdue: 3, recipients: 1, sent: 1 });
      expect(retried).toEqual({ overdue: 3, recipients: 1, sent: 0 });
      const emails = await sesStore(ses.endpoint);
      expect(emails).toHaveLength(1);
      expect(emails[0].destination.to).toEqual([CHUTICH]);
      expect(emails[0].subject).toBe('[Một cửa] Báo cáo hồ sơ quá hạn ngày 05/04/2024');
      const text = emails[0].body.text!;
      for (const n of [1, 2, 4]) expect(text).toContain(code(n));
      for (const n of [3, 5]) expect(text).not.toContain(code(n));
      expect(text).toContain('- Xây dựng: 1 hồ sơ');
      expect(text).toContain('- (chưa có thông tin): 1 hồ sơ');
    },
    SLOW_MS,
  );
});
