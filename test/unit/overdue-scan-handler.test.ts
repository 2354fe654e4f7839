import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../../functions/adapters/logger';
import { dailyDigest } from '../../functions/handlers/daily-digest';
import { isScheduledEvent, overdueScan, scanClock } from '../../functions/handlers/overdue-scan';
import { FakeLedger, FakeMailer, FakeQueue, FakeStore, record } from './alert-fakes';

beforeAll(() => logger.setLogLevel('SILENT'));

const REAL_NOW = Date.parse('2024-04-04T09:00:00+07:00');

function post(body?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /admin/overdue-scan',
    rawPath: '/admin/overdue-scan',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { requestId: 'r1' } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
  };
}

function ward(): FakeStore {
  const store = new FakeStore();
  store.put(record({ code: '000.00.12.H57-240401-0001', dueAt: '2024-04-03T17:00:00+07:00' }));
  store.put(record({ code: '000.00.12.H57-240401-0002', dueAt: '2024-04-05T10:00:00+07:00' }));
  store.put(record({ code: '000.00.12.H57-240401-0003', dueAt: '2024-04-20T10:00:00+07:00' }));
  return store;
}

describe('scan clock of POST /admin/overdue-scan', () => {
  it.each([
    ['no body', undefined, '2024-04-04T09:00:00+07:00'],
    ['an empty body', '', '2024-04-04T09:00:00+07:00'],
    ['an empty object', '{}', '2024-04-04T09:00:00+07:00'],
    ['now with +07:00', '{"now":"2024-04-10T08:30:00+07:00"}', '2024-04-10T08:30:00+07:00'],
    ['now in UTC', '{"now":"2024-04-10T01:30:00Z"}', '2024-04-10T08:30:00+07:00'],
  ])('with %s reads %s', (_what, body, expected) => {
    // Act
    const now = scanClock(post(body), REAL_NOW);

    // Assess
    expect(now).toBe(expected);
  });

  it.each([
    ['a date without time', '{"now":"2024-04-10"}', 'now'],
    ['no offset', '{"now":"2024-04-10T08:30:00"}', 'now'],
    ['a number', '{"now":1712710200}', 'now'],
    ['not a date', '{"now":"tomorrow"}', 'now'],
    ['not JSON', '{now:', ''],
    ['an array', '[]', ''],
  ])('rejects %s with 400 invalid_payload naming "%s"', async (_what, body, path) => {
    // Prepare
    const handler = overdueScan(
      () => ({ store: ward(), ledger: new FakeLedger(), queue: new FakeQueue() }),
      () => REAL_NOW,
    );

    // Act
    const res = (await handler(post(body))) as { statusCode: number; body: string };

    // Assess
    expect(res.statusCode).toBe(400);
    const error = JSON.parse(res.body).error;
    expect(error.code).toBe('invalid_payload');
    expect(error.details[0].path).toBe(path);
  });
});

describe('overdue-scan handler', () => {
  it('answers 200 with scanned, flagged and alertsQueued, and 0 flagged on a repeat', async () => {
    // Prepare
    const store = ward();
    const ledger = new FakeLedger();
    const queue = new FakeQueue();
    const handler = overdueScan(
      () => ({ store, ledger, queue }),
      () => REAL_NOW,
    );

    // Act
    const first = (await handler(post('{"now":"2024-04-04T09:00:00+07:00"}'))) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    const second = (await handler(post('{"now":"2024-04-04T09:00:00+07:00"}'))) as { statusCode: number; body: string };

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(first.body)).toEqual({ scanned: 2, flagged: 2, alertsQueued: 2 });
    // The due-soon dossier waits in its own partition: the repeat reads nothing.
    expect(JSON.parse(second.body)).toEqual({ scanned: 0, flagged: 0, alertsQueued: 0 });
  });

  it('answers 503 when the alert queue is down, the run and its alerts kept in the ledger', async () => {
    // Prepare
    const store = ward();
    const queue = new FakeQueue();
    queue.failAfter = 0;
    const ledger = new FakeLedger();
    const handler = overdueScan(
      () => ({ store, ledger, queue }),
      () => REAL_NOW,
    );

    // Act
    const res = (await handler(post())) as { statusCode: number; body: string };

    // Assess
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'queue_unavailable',
      message: expect.stringContaining('took 0 of the alert messages'),
    });
    const [open] = await ledger.listOpenRuns();
    expect((await ledger.loadRun(open.runId)).alerts.map((a) => a.code)).toContain('000.00.12.H57-240401-0001');
    expect(store.get('000.00.12.H57-240401-0001').dossier.alerts.overdue).not.toBeNull();
  });

  it.each([
    ['EventBridge', { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2024-04-04T02:00:00Z', detail: {} }],
    ['EventBridge Scheduler', { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '2024-04-04T02:00:00Z', detail: {} }],
  ])('runs on a %s scheduled event at its time and answers the counts', async (_what, event) => {
    // Prepare
    const queue = new FakeQueue();
    const handler = overdueScan(
      () => ({ store: ward(), ledger: new FakeLedger(), queue }),
      () => Date.parse('2030-01-01T00:00:00Z'),
    );

    // Act
    const out = await handler(event);

    // Assess
    expect(isScheduledEvent(event)).toBe(true);
    expect(out).toEqual({ scanned: 2, flagged: 2, alertsQueued: 2 });
    expect(queue.alerts().map((a) => a.runId.slice(0, 14))).toEqual(['20240404090000', '20240404090000']);
  });

  it('throws on a scheduled run that cannot queue, so the schedule retries and alarms', async () => {
    // Prepare
    const queue = new FakeQueue();
    queue.failAfter = 0;
    const handler = overdueScan(
      () => ({ store: ward(), ledger: new FakeLedger(), queue }),
      () => REAL_NOW,
    );

    // Act
    const attempt = handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2024-04-04T02:00:00Z' });

    // Assess
    await expect(attempt).rejects.toThrow(/queued 0 of 2/);
  });

  it('does not take an HTTP request for a scheduled event', () => {
    // Assess
    expect(isScheduledEvent(post('{}'))).toBe(false);
  });
});

describe('daily digest', () => {
  it('mails every overdue open dossier, alerted or not yet, to each default recipient once a day', async () => {
    // Prepare
    const store = ward();
    store.put(record({ code: '000.00.12.H57-240401-0004', dueAt: '2024-04-02T17:00:00+07:00', fieldName: 'Đất đai', unit: null }));
    store.put(record({ code: '000.00.12.H57-240401-0005', dueAt: '2024-04-01T17:00:00+07:00', status: 9 })); // finished
    const ledger = new FakeLedger();
    const alerted = store.get('000.00.12.H57-240401-0001');
    await store.markAlerted(alerted.dossier.key, alerted.dossier.record!.version, 'overdue', {
      dueAt: alerted.dossier.dueAt!,
      at: '2024-04-04T08:00:00+07:00',
    });
    const mailer = new FakeMailer();
    const recipients = {
      default: ['chutich@binhan.local', 'phochutich@binhan.local', 'CHUTICH@binhan.local'],
      byField: { HT: ['tuphap@binhan.local'] },
    };
    const digest = dailyDigest(
      () => ({ store, ledger, mailer, recipients }),
      () => Date.parse('2024-04-05T07:30:00+07:00'),
    );
    const tick = { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '2024-04-05T00:30:00Z' };

    // Act
    const out = await digest(tick);
    const again = await digest(tick);

    // Assess
    expect(out).toEqual({ overdue: 2, recipients: 2, sent: 2 });
    expect(again).toEqual({ overdue: 2, recipients: 2, sent: 0 });
    expect(mailer.sent.map((e) => e.to)).toEqual(['chutich@binhan.local', 'phochutich@binhan.local']);
    const email = mailer.sent[0];
    expect(email.subject).toBe('[Một cửa] Báo cáo hồ sơ quá hạn ngày 05/04/2024');
    expect(email.text).toContain('000.00.12.H57-240401-0001');
    expect(email.text).toContain('000.00.12.H57-240401-0004');
    expect(email.text).not.toContain('000.00.12.H57-240401-0005');
    expect(email.text).toContain('- Hộ tịch: 1 hồ sơ');
    expect(email.text).toContain('- Đất đai: 1 hồ sơ');
    expect(email.text).not.toContain('074190001234');
    expect(email.text).not.toContain('0912345678');
  });

  it("sends a day's digest to a recipient at most twice when the ledger loses SES's answers, then settles it unconfirmed", async () => {
    // Prepare
    const store = ward();
    const ledger = new FakeLedger();
    let now = Date.parse('2024-04-05T07:30:00+07:00');
    ledger.clock = () => now;
    const settle = ledger.settleSlot.bind(ledger);
    ledger.settleSlot = async (runId, slot, outcome) => {
      if (outcome.outcome === 'sent') throw new Error('ledger down');
      return settle(runId, slot, outcome);
    };
    const mailer = new FakeMailer();
    const recipients = { default: ['chutich@binhan.local'], byField: {} };
    const digest = dailyDigest(
      () => ({ store, ledger, mailer, recipients }),
      () => now,
    );
    const tick = { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '2024-04-05T00:30:00Z' };
    const errors = jest.spyOn(logger, 'error');

    // Act: the schedule retries the failed tick; the lease of a silent try runs a minute
    const outcomes: string[] = [];
    for (const wait of [0, 10_000, 2 * 60_000, 2 * 60_000, 2 * 60_000]) {
      now += wait;
      outcomes.push(
        await digest(tick).then(
          (r) => `sent ${r.sent}`,
          (err: Error) => err.message,
        ),
      );
    }

    // Assess
    expect(outcomes).toEqual(['ledger down', 'sent 0', 'ledger down', 'sent 0', 'sent 0']);
    expect(mailer.sent.map((e) => e.to)).toEqual(['chutich@binhan.local', 'chutich@binhan.local']);
    expect(ledger.runs.get('digest-2024-04-05')!.settled.get('digest#chutich@binhan.local')).toMatchObject({ outcome: 'unconfirmed' });
    expect(errors.mock.calls.filter(([m]) => String(m).startsWith('digest email unconfirmed'))).toHaveLength(1);
    errors.mockRestore();
  });
});

describe('daily digest: the forecast', () => {
  it('recomputes each ward’s statistics, stores them, and lists the open dossiers at risk under "Hồ sơ có nguy cơ trễ hạn"', async () => {
    // Prepare: 20 finished dossiers of P9 took 3 working days each; two open P9 dossiers, due in 2 and in 15 days
    const store = new FakeStore();
    const finished = Array.from({ length: 20 }, (_, i) =>
      record({
        code: `000.00.12.H57-240301-${String(100 + i)}`,
        procedureCode: 'P9',
        status: 10,
        receivedAt: '2024-03-04T07:00:00+07:00',
        finishedAt: '2024-03-06T17:00:00+07:00',
        dueAt: '2024-03-08T17:00:00+07:00',
      }),
    );
    const risky = record({
      code: '000.00.12.H57-240401-0007',
      procedureCode: 'P9',
      receivedAt: '2024-04-04T07:00:00+07:00',
      dueAt: '2024-04-05T17:00:00+07:00',
    });
    const calm = record({
      code: '000.00.12.H57-240401-0008',
      procedureCode: 'P9',
      receivedAt: '2024-04-04T07:00:00+07:00',
      dueAt: '2024-04-25T17:00:00+07:00',
    });
    for (const r of [...finished, risky, calm]) store.put(r);
    const kept: unknown[] = [];
    const reader = {
      listWards: async () => ['000.00.12.H57'],
      async *listReceived(from: string, to: string) {
        for (const { dossier } of store.dossiers.values()) {
          const day = dossier.record!.receivedAt.slice(0, 10);
          if (day >= from && day <= to) yield dossier;
        }
      },
    };
    const stats = { getStats: async () => null, putStats: async (s: unknown) => void kept.push(s) };
    const mailer = new FakeMailer();
    const digest = dailyDigest(
      () => ({
        store,
        ledger: new FakeLedger(),
        mailer,
        recipients: { default: ['chutich@binhan.local'], byField: {} },
        forecast: { reader, stats },
      }),
      () => Date.parse('2024-04-05T07:30:00+07:00'),
    );

    // Act
    const out = await digest({ 'detail-type': 'Scheduled Event', time: '2024-04-05T00:30:00Z' });

    // Assess
    expect(out).toMatchObject({ overdue: 0, atRisk: 1, sent: 1 });
    expect(kept).toEqual([
      expect.objectContaining({
        ward: '000.00.12.H57',
        computedAt: '2024-04-05T07:30:00+07:00',
        window: { from: '2023-04-07', to: '2024-04-05' },
      }),
    ]);
    const email = mailer.sent[0];
    expect(email.text).toContain('Hồ sơ có nguy cơ trễ hạn:');
    expect(email.text).toContain('000.00.12.H57-240401-0007');
    expect(email.text).not.toContain('000.00.12.H57-240401-0008');
    expect(email.text).toContain('đã dùng 8,5 giờ, còn 7,5 giờ làm việc, P90 24,0 giờ');
    expect(email.html).toContain('<h3 style="margin:16px 0 4px">Hồ sơ có nguy cơ trễ hạn</h3>');
  });
});

describe('daily digest: a forecast that fails', () => {
  it('still sends the overdue digest, with an empty at-risk section', async () => {
    // Prepare
    const store = ward();
    const mailer = new FakeMailer();
    const reader = {
      listWards: async () => ['000.00.12.H57'],
      // biome-ignore lint/correctness/useYield: a read that fails before yielding anything
      async *listReceived(): AsyncIterable<never> {
        throw new Error('DynamoDB read failed: throttled');
      },
    };
    const digest = dailyDigest(
      () => ({
        store,
        ledger: new FakeLedger(),
        mailer,
        recipients: { default: ['chutich@binhan.local'], byField: {} },
        forecast: { reader, stats: { getStats: async () => null, putStats: async () => undefined } },
      }),
      () => Date.parse('2024-04-05T07:30:00+07:00'),
    );

    // Act
    const out = await digest({ 'detail-type': 'Scheduled Event', time: '2024-04-05T00:30:00Z' });

    // Assess
    expect(out).toMatchObject({ overdue: 1, atRisk: 0, sent: 1 });
    expect(mailer.sent[0].text).toContain('000.00.12.H57-240401-0001');
    expect(mailer.sent[0].text).toContain('Không có hồ sơ nào có nguy cơ trễ hạn.');
  });
});
