import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import type { AlertQueueMessage, DueAlert } from '../../functions/core/ports';
import { groupAlerts, type Recipients } from '../../functions/core/recipients';
import { newRunId, runOverdueScan } from '../../functions/core/scan';
import { logger } from '../../functions/adapters/logger';
import { encodeQueueMessage } from '../../functions/adapters/sqs-alert-queue';
import { alertNotifier } from '../../functions/handlers/alert-notifier';
import { FakeLedger, FakeMailer, FakeQueue, FakeStore, record } from './alert-fakes';

const NOW = '2024-04-04T09:00:00+07:00';
const RECIPIENTS: Recipients = {
  default: ['chutich@binhan.local', 'phochutich@binhan.local'],
  byField: { HT: ['tuphap@binhan.local'], DD: ['diachinh@binhan.local'] },
};
const code = (n: number) => `000.00.12.H57-240401-${String(n).padStart(4, '0')}`;

/** A ward with 4 overdue and 3 due-soon dossiers over three fields (KT has no list of its own). */
function ward(): FakeStore {
  const store = new FakeStore();
  const add = (n: number, fieldCode: string, dueAt: string) => store.put(record({ code: code(n), fieldCode, fieldName: fieldCode, dueAt }));
  add(1, 'HT', '2024-04-03T17:00:00+07:00');
  add(2, 'HT', '2024-04-02T17:00:00+07:00');
  add(3, 'DD', '2024-04-01T17:00:00+07:00');
  add(4, 'KT', '2024-04-03T10:00:00+07:00');
  add(5, 'HT', '2024-04-05T10:00:00+07:00');
  add(6, 'DD', '2024-04-05T17:00:00+07:00');
  add(7, 'KT', '2024-04-04T16:00:00+07:00');
  return store;
}

// The handler logs every run; the assertions say what matters.
beforeAll(() => logger.setLogLevel('SILENT'));

let nextId = 0;
/** An SQS record as the event source mapping hands it over. */
function sqsRecord(message: AlertQueueMessage | string, receiveCount = 1): SQSRecord {
  const id = `msg-${++nextId}`;
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: typeof message === 'string' ? message : encodeQueueMessage(message),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:motcua-alerts',
    awsRegion: 'ap-southeast-1',
  };
}

const context = (id = 'req') => ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;

/** The queued messages of one scan of `store`, with the ledger that scan wrote its manifest and alerts to. */
async function scan(store = ward()) {
  const ledger = new FakeLedger();
  const queue = new FakeQueue();
  const runId = newRunId(NOW);
  await runOverdueScan({ store, ledger, queue, now: NOW, runId, wallClock: () => Date.parse(NOW) });
  return { ledger, runId, messages: queue.drain() };
}

/**
 * The same, with a ledger holding only the run's manifest: the alerts reach the notifier through
 * their messages alone (a run opened by a scan of an earlier version, which did not record them).
 */
async function scanManifestOnly(store = ward()) {
  const { ledger: full, runId, messages } = await scan(store);
  const ledger = new FakeLedger();
  await ledger.commitRun((await full.loadRun(runId)).manifest!);
  return { ledger, runId, messages };
}

/** The emails of a run as `level recipient: codes`, sorted. */
function expectedEmails(alerts: DueAlert[]): string[] {
  return groupAlerts(alerts, RECIPIENTS)
    .map(
      (g) =>
        `${g.level === 'overdue' ? 'quá hạn' : 'sắp đến hạn'} ${g.recipient}: ${g.alerts
          .map((a) => a.code)
          .sort()
          .join(',')}`,
    )
    .sort();
}

function sentEmails(mailer: FakeMailer): string[] {
  return mailer.sent
    .map((e) => {
      const level = e.subject.endsWith('quá hạn') ? 'quá hạn' : 'sắp đến hạn';
      const codes = [...e.text.matchAll(/^\d+\. (\S+) \|/gm)].map((m) => m[1]).sort();
      return `${level} ${e.to}: ${codes.join(',')}`;
    })
    .sort();
}

describe('alert notifier', () => {
  it('sends one email per recipient and level as soon as the first message arrives: the scan recorded the whole run', async () => {
    // Prepare
    const { ledger, messages } = await scan();
    const mailer = new FakeMailer();
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));
    const alerts = messages.flatMap((m) => (m.kind === 'alert' ? [m.alert] : []));

    // Act
    const first = await notify({ Records: messages.slice(0, 1).map((m) => sqsRecord(m)) }, context());
    const sentAfterFirst = mailer.sent.length;
    const rest = await notify({ Records: messages.slice(1).map((m) => sqsRecord(m)) }, context());

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(rest.batchItemFailures).toEqual([]);
    expect(sentAfterFirst).toBe(mailer.sent.length);
    expect(sentEmails(mailer)).toEqual(expectedEmails(alerts));
  });

  it('sends nothing until the run is complete, then one email per recipient and level', async () => {
    // Prepare
    const { ledger, messages } = await scanManifestOnly();
    const mailer = new FakeMailer();
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));
    const alerts = messages.flatMap((m) => (m.kind === 'alert' ? [m.alert] : []));

    // Act
    const first = await notify({ Records: messages.slice(0, 4).map((m) => sqsRecord(m)) }, context());
    const sentAfterFirst = mailer.sent.length;
    const second = await notify({ Records: messages.slice(4).map((m) => sqsRecord(m)) }, context());

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(sentAfterFirst).toBe(0);
    expect(sentEmails(mailer)).toEqual(expectedEmails(alerts));
    expect(sentEmails(mailer)).toEqual([
      'quá hạn chutich@binhan.local: 000.00.12.H57-240401-0001,000.00.12.H57-240401-0002,000.00.12.H57-240401-0003,000.00.12.H57-240401-0004',
      'quá hạn diachinh@binhan.local: 000.00.12.H57-240401-0003',
      'quá hạn phochutich@binhan.local: 000.00.12.H57-240401-0001,000.00.12.H57-240401-0002,000.00.12.H57-240401-0003,000.00.12.H57-240401-0004',
      'quá hạn tuphap@binhan.local: 000.00.12.H57-240401-0001,000.00.12.H57-240401-0002',
      'sắp đến hạn chutich@binhan.local: 000.00.12.H57-240401-0007',
      'sắp đến hạn diachinh@binhan.local: 000.00.12.H57-240401-0006',
      'sắp đến hạn phochutich@binhan.local: 000.00.12.H57-240401-0007',
      'sắp đến hạn tuphap@binhan.local: 000.00.12.H57-240401-0005',
    ]);
    expect(mailer.sent.find((e) => e.to === 'chutich@binhan.local' && e.subject.includes('quá hạn'))?.subject).toBe(
      '[Một cửa] 4 hồ sơ quá hạn',
    );
  });

  it('sends every expected email exactly once, however the messages are batched, ordered, repeated or SES fails', async () => {
    const { ledger: template, runId, messages } = await scan();
    const alerts = messages.flatMap((m) => (m.kind === 'alert' ? [m.alert] : []));
    const expected = expectedEmails(alerts);
    const manifest = (await template.loadRun(runId)).manifest!;

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 1000 }), { minLength: messages.length, maxLength: messages.length }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.boolean(), { maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 12 }),
        async (keys, sizes, repeats, sesFailures) => {
          // Prepare
          const ledger = new FakeLedger();
          await ledger.commitRun(manifest);
          const mailer = new FakeMailer();
          const send = mailer.send.bind(mailer);
          mailer.send = async (email) => {
            if (sesFailures.shift()) throw new Error('SES unreachable');
            return send(email);
          };
          const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));
          const pending = messages
            .map((m, i) => ({ m, key: keys[i] }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.m);

          // Act: a queue that redelivers failures and sometimes delivers a success again
          for (let round = 0; pending.length > 0 && round < 1000; round++) {
            const batch = pending.splice(0, sizes[round % sizes.length]).map((m) => ({ m, rec: sqsRecord(m) }));
            const out = await notify({ Records: batch.map((b) => b.rec) }, context(`r${round}`));
            const failed = new Set(out.batchItemFailures.map((f) => f.itemIdentifier));
            for (const b of batch) if (failed.has(b.rec.messageId) || repeats.shift()) pending.push(b.m);
          }

          // Assess
          expect(pending).toEqual([]);
          expect(sentEmails(mailer)).toEqual(expected);
          expect(ledger.open.has(runId)).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('loses no alert through an SES outage: the failed messages come back and each email goes once', async () => {
    // Prepare
    const { ledger, messages } = await scan();
    const mailer = new FakeMailer();
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));
    const records = messages.map((m) => sqsRecord(m));
    mailer.down = true;

    // Act
    const duringOutage = await notify({ Records: records }, context('a'));
    mailer.down = false;
    const retried = await notify(
      { Records: records.filter((r) => duringOutage.batchItemFailures.some((f) => f.itemIdentifier === r.messageId)) },
      context('b'),
    );
    const redelivered = await notify({ Records: records }, context('c'));

    // Assess
    expect(duringOutage.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(records.map((r) => r.messageId).sort());
    expect(retried.batchItemFailures).toEqual([]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(mailer.sent).toHaveLength(8);
  });

  it('after SES fails part-way, sends only the emails that did not go out', async () => {
    // Prepare
    const { ledger, messages } = await scan();
    const mailer = new FakeMailer();
    let calls = 0;
    const send = mailer.send.bind(mailer);
    mailer.send = async (email) => {
      if (++calls === 3) throw new Error('Throttling');
      return send(email);
    };
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));
    const records = messages.map((m) => sqsRecord(m));

    // Act
    const first = await notify({ Records: records }, context('a'));
    const sentBefore = mailer.sent.map((e) => `${e.subject} ${e.to}`);
    const second = await notify({ Records: records }, context('b'));

    // Assess
    expect(first.batchItemFailures).toHaveLength(records.length);
    expect(sentBefore).toHaveLength(2);
    expect(second.batchItemFailures).toEqual([]);
    const all = mailer.sent.map((e) => `${e.subject} ${e.to}`);
    expect(all).toHaveLength(8);
    expect(new Set(all).size).toBe(8);
  });

  it('fails a malformed message alone (it goes to the DLQ after its retries) and delivers the rest', async () => {
    // Prepare
    const { ledger, messages } = await scan();
    const mailer = new FakeMailer();
    const released: string[][] = [];
    const releaseNow = async (_arn: string, handles: string[]) => {
      released.push(handles);
    };
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS, releaseNow }));
    const poison = [
      sqsRecord('not json', 3),
      sqsRecord('{"v":1,"type":"alert","runId":"x"}'),
      sqsRecord('{"v":2,"type":"flush","runId":"x","force":true}'),
    ];

    // Act
    const out = await notify({ Records: [...poison, ...messages.map((m) => sqsRecord(m))] }, context());

    // Assess
    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(poison.map((p) => p.messageId));
    expect(released).toEqual([poison.map((p) => p.receiptHandle)]);
    expect(mailer.sent).toHaveLength(8);
  });

  it('fails the whole batch when the ledger cannot record it', async () => {
    // Prepare
    const { ledger, messages } = await scan();
    ledger.failRecord = true;
    const mailer = new FakeMailer();
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));
    const records = messages.map((m) => sqsRecord(m));

    // Act
    const out = await notify({ Records: records }, context());

    // Assess
    expect(out.batchItemFailures).toHaveLength(records.length);
    expect(mailer.sent).toEqual([]);
  });

  it('settles a refused address for good and still serves everyone else', async () => {
    // Prepare
    const { ledger, runId, messages } = await scan();
    const mailer = new FakeMailer();
    mailer.refuse.add('diachinh@binhan.local');
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));

    // Act
    const out = await notify({ Records: messages.map((m) => sqsRecord(m)) }, context());

    // Assess
    expect(out.batchItemFailures).toEqual([]);
    expect(mailer.sent).toHaveLength(6);
    expect(ledger.runs.get(runId)!.settled.get('overdue#diachinh@binhan.local')).toMatchObject({ outcome: 'refused' });
    expect(ledger.open.has(runId)).toBe(false);
  });

  it('leaves an email another invocation is sending to it, and keeps the run open', async () => {
    // Prepare
    const { ledger, runId, messages } = await scan();
    await ledger.claimSlot(runId, 'overdue#chutich@binhan.local', 'someone-else', Date.now() + 60_000);
    const mailer = new FakeMailer();
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));

    // Act
    const out = await notify({ Records: messages.map((m) => sqsRecord(m)) }, context());

    // Assess
    expect(out.batchItemFailures).toEqual([]);
    expect(mailer.sent.map((e) => e.to + e.subject)).not.toContain('chutich@binhan.local[Một cửa] 4 hồ sơ quá hạn');
    expect(mailer.sent).toHaveLength(7);
    expect(ledger.open.has(runId)).toBe(true);
  });

  it('delivers a run whose messages died in the DLQ during a long outage when the next scan nudges it', async () => {
    // Prepare: every delivery fails until SQS gives up on the messages (maxReceiveCount 5)
    const store = ward();
    const { ledger, runId, messages } = await scan(store);
    const mailer = new FakeMailer();
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));
    mailer.down = true;
    for (let receive = 1; receive <= 5; receive++) await notify({ Records: messages.map((m) => sqsRecord(m, receive)) }, context());
    mailer.down = false;
    const queue = new FakeQueue();

    // Act: SES is back; the next scheduled scan finds the run still open
    await runOverdueScan({
      store,
      ledger,
      queue,
      now: '2024-04-04T09:15:00+07:00',
      runId: newRunId(NOW),
      wallClock: () => Date.parse('2024-04-04T09:15:00+07:00'),
    });
    const nudge = queue.drain();
    const out = await notify({ Records: nudge.map((m) => sqsRecord(m)) }, context());

    // Assess
    expect(nudge).toEqual([{ kind: 'flush', runId, force: false }]);
    expect(out.batchItemFailures).toEqual([]);
    expect(sentEmails(mailer)).toEqual(expectedEmails(messages.flatMap((m) => (m.kind === 'alert' ? [m.alert] : []))));
    expect(ledger.open.has(runId)).toBe(false);
  });

  it('delivers what the ledger holds when a forced flush finds messages missing', async () => {
    // Prepare
    const { ledger, runId, messages } = await scanManifestOnly();
    const mailer = new FakeMailer();
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));
    await notify({ Records: messages.slice(0, 1).map((m) => sqsRecord(m)) }, context());
    const waiting = mailer.sent.length;

    // Act
    const out = await notify({ Records: [sqsRecord({ kind: 'flush', runId, force: true })] }, context());

    // Assess
    expect(waiting).toBe(0);
    expect(out.batchItemFailures).toEqual([]);
    expect(mailer.sent.length).toBeGreaterThan(0);
    expect(ledger.open.has(runId)).toBe(false);
  });
});

describe('an empty or unknown run', () => {
  it('acknowledges a flush for a run the ledger does not know', async () => {
    // Prepare
    const ledger = new FakeLedger();
    const mailer = new FakeMailer();
    const notify = alertNotifier(() => ({ ledger, mailer, recipients: RECIPIENTS }));

    // Act
    const out = await notify({ Records: [sqsRecord({ kind: 'flush', runId: 'nope', force: false })] } as SQSEvent, context());

    // Assess
    expect(out.batchItemFailures).toEqual([]);
    expect(mailer.sent).toEqual([]);
  });
});

describe('the window SES leaves open: an email accepted, then the ledger write failed', () => {
  const TO = 'chutich@binhan.local';
  const ONE: Recipients = { default: [TO], byField: {} };

  /** One overdue dossier for one recipient (one email slot), and a clock the leases follow. */
  async function oneSlot() {
    const store = new FakeStore();
    store.put(record({ code: code(1), dueAt: '2024-04-03T17:00:00+07:00' }));
    const run = await scan(store);
    const clock = { now: Date.parse('2024-04-04T09:01:00+07:00') };
    run.ledger.clock = () => clock.now;
    return { ...run, clock };
  }

  it('sends the email at most twice, then settles it unconfirmed and logs it for the IT staff', async () => {
    // Prepare
    const { ledger, runId, messages, clock } = await oneSlot();
    const settle = ledger.settleSlot.bind(ledger);
    ledger.settleSlot = async (id, slot, outcome) => {
      if (outcome.outcome === 'sent') throw new Error('ledger down');
      return settle(id, slot, outcome);
    };
    const mailer = new FakeMailer();
    const notify = alertNotifier(
      () => ({ ledger, mailer, recipients: ONE }),
      () => clock.now,
    );
    const errors = jest.spyOn(logger, 'error');

    // Act: SQS delivers the failed messages again after the visibility timeout, when the lease is over
    const failures: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const out = await notify({ Records: messages.map((m) => sqsRecord(m)) }, context(`attempt-${attempt}`));
      failures.push(out.batchItemFailures.length);
      clock.now += 2 * 60_000;
    }

    // Assess
    expect(mailer.sent.map((e) => e.to)).toEqual([TO, TO]);
    expect(failures).toEqual([1, 1, 0, 0]);
    expect(ledger.runs.get(runId)!.settled.get(`overdue#${TO}`)).toMatchObject({ outcome: 'unconfirmed', messageId: null, dossiers: 1 });
    expect(ledger.open.has(runId)).toBe(false);
    const unconfirmed = errors.mock.calls.filter(([message]) => String(message).startsWith('alert email unconfirmed'));
    expect(unconfirmed).toEqual([[expect.any(String), { runId, level: 'overdue', recipient: TO }]]);
    expect(JSON.stringify(unconfirmed)).not.toMatch(/074190001234|0912345678|hong@example\.vn/);
    errors.mockRestore();
  });

  it('does not send it again while the lease of the try that went silent runs', async () => {
    // Prepare
    const { ledger, messages, clock } = await oneSlot();
    const settle = ledger.settleSlot.bind(ledger);
    let ledgerDown = true;
    ledger.settleSlot = async (id, slot, outcome) => {
      if (ledgerDown) throw new Error('ledger down');
      return settle(id, slot, outcome);
    };
    const mailer = new FakeMailer();
    const notify = alertNotifier(
      () => ({ ledger, mailer, recipients: ONE }),
      () => clock.now,
    );

    // Act
    await notify({ Records: messages.map((m) => sqsRecord(m)) }, context('a'));
    ledgerDown = false;
    clock.now += 30_000;
    const during = await notify({ Records: messages.map((m) => sqsRecord(m)) }, context('b'));

    // Assess: another invocation may still be about to record it
    expect(during.batchItemFailures).toEqual([]);
    expect(mailer.sent).toHaveLength(1);
  });

  it('never uses up the tries in an SES outage: a definite failure gives its try back', async () => {
    // Prepare
    const { ledger, runId, messages, clock } = await oneSlot();
    const mailer = new FakeMailer();
    const notify = alertNotifier(
      () => ({ ledger, mailer, recipients: ONE }),
      () => clock.now,
    );
    mailer.down = true;

    // Act
    for (let attempt = 1; attempt <= 5; attempt++) {
      await notify({ Records: messages.map((m) => sqsRecord(m)) }, context(`down-${attempt}`));
      clock.now += 2 * 60_000;
    }
    mailer.down = false;
    const out = await notify({ Records: messages.map((m) => sqsRecord(m)) }, context('up'));

    // Assess
    expect(out.batchItemFailures).toEqual([]);
    expect(mailer.sent).toHaveLength(1);
    expect(ledger.runs.get(runId)!.settled.get(`overdue#${TO}`)).toMatchObject({ outcome: 'sent' });
  });
});
