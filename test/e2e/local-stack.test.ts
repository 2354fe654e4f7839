/**
 * The local stack itself (CONTRACT section 2), spawned as `npm start` runs it: startup lines,
 * the API Gateway behaviour it plays (routing, bearer token, payload limit), the SES viewer,
 * clean stops, and data that survives a kill -9 and is wiped by --fresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';

import { startConsumer } from '../../infra/local/consumers';
import { type SqsEmulator, startDynamo, startSes, startSqs } from '../../infra/local/emulators';
import { createHttpApi } from '../../infra/local/http-api';
import type { LambdaHandler } from '../../infra/local/lambda';
import type { Log } from '../../infra/local/log';
import { nextDigestAt, startScheduler } from '../../infra/local/scheduler';
import { ROUTES } from '../../infra/routes';
import { ADMIN_TOKEN, adminGet, adminPost, clearSes, poll, request, sesStore, type Stack, startStack } from './harness';

const TABLE = 'motcua-local';
const SLOW_TEST_MS = 180_000;

function dynamo(stack: Stack): DynamoDBClient {
  return new DynamoDBClient({
    region: 'ap-southeast-1',
    endpoint: stack.dynamodb,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
}

const marker = (id: string) => ({ pk: { S: `TEST#${id}` }, sk: { S: 'A' }, note: { S: 'Hồ sơ thử nghiệm' } });

describe('local stack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  }, SLOW_TEST_MS);
  afterAll(async () => {
    await stack?.stop();
  }, SLOW_TEST_MS);

  it('prints its URLs, all on 127.0.0.1, then ready', () => {
    // Prepare: startStack resolved only after the `ready` line
    const urls = [stack.api, stack.ses, stack.dynamodb, stack.sqs];

    // Act
    const hosts = urls.map((u) => new URL(u));

    // Assess
    for (const u of hosts) {
      expect(u.hostname).toBe('127.0.0.1');
      expect(Number(u.port)).toBeGreaterThan(0);
    }
    expect(new Set(hosts.map((u) => u.port)).size).toBe(4);
  });

  it('answers 404 JSON for an unknown route', async () => {
    // Act
    const res = await request(`${stack.api}/no/such/route`);

    // Assess
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers 405 JSON for a known path with another method', async () => {
    // Act
    const res = await request(`${stack.api}/webhooks/portal`, { method: 'GET' });

    // Assess
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${ADMIN_TOKEN}x`],
    ['a token of another length', 'Bearer x'],
    ['another scheme', `Basic ${ADMIN_TOKEN}`],
  ])('answers 401 on an admin route with %s', async (_, authorization) => {
    // Prepare
    const headers: Record<string, string> = authorization ? { authorization } : {};

    // Act
    const res = await request(`${stack.api}/dossiers/000.00.12.H57-240401-0003`, { headers });

    // Assess
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.text).not.toContain(ADMIN_TOKEN);
  });

  it('lets the right token through to the handlers', async () => {
    // Act
    const get = await adminGet(stack.api, '/reports/supervision?from=2024-01-01&to=2024-01-31');
    const post = await adminPost(stack.api, '/admin/overdue-scan', { now: '2024-04-01T08:00:00+07:00' });

    // Assess: whatever the handler answers, the authorizer did not stop it
    expect(get.status).not.toBe(401);
    expect(post.status).not.toBe(401);
    expect(get.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 413 JSON to a body over 10 MiB', async () => {
    // Prepare
    const body = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);

    // Act
    const res = await request(`${stack.api}/webhooks/portal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    // Assess
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('serves the SES emulator: viewer, store and clear-store', async () => {
    // Act
    const viewer = await request(`${stack.ses}/`);
    const emails = await sesStore(stack.ses);
    await clearSes(stack.ses);

    // Assess
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toContain('text/html');
    expect(emails).toEqual([]);
  });

  it('runs no scan with SCAN_INTERVAL_S=0, not even at start', () => {
    // Act
    const logs = stack.logs();

    // Assess
    expect(logs).toContain('"scanIntervalS":0');
    expect(logs).not.toContain('scheduled run');
  });
});

describe('local stack data', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-data-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it(
    'keeps what was written before a kill -9 of the whole process tree',
    async () => {
      // Prepare
      const dataDir = tempDir();
      const first = await startStack({ dataDir });
      const client1 = dynamo(first);
      await client1.send(new PutItemCommand({ TableName: TABLE, Item: marker('kill') }));
      client1.destroy();

      // Act
      const killed = await first.kill();
      const second = await startStack({ dataDir });
      const client2 = dynamo(second);
      const table = await client2.send(new DescribeTableCommand({ TableName: TABLE }));
      const item = await client2.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'TEST#kill' }, sk: { S: 'A' } } }));
      client2.destroy();
      const stopped = await second.stop();

      // Assess
      expect(killed.signal).toBe('SIGKILL');
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byDueDate', 'byReceiptMonth']);
      expect(item.Item?.note).toEqual({ S: 'Hồ sơ thử nghiệm' });
      expect(stopped).toEqual({ code: 0, signal: null });
    },
    SLOW_TEST_MS,
  );

  it(
    'stops with exit 0 on SIGINT, keeps the data over a restart, and wipes it with --fresh',
    async () => {
      // Prepare
      const dataDir = tempDir();
      const first = await startStack({ dataDir });
      const client1 = dynamo(first);
      await client1.send(new PutItemCommand({ TableName: TABLE, Item: marker('fresh') }));
      client1.destroy();
      const key = { pk: { S: 'TEST#fresh' }, sk: { S: 'A' } };

      // Act
      first.child.kill('SIGINT');
      const interrupted = await first.exited;
      const second = await startStack({ dataDir });
      const client2 = dynamo(second);
      const kept = await client2.send(new GetItemCommand({ TableName: TABLE, Key: key }));
      client2.destroy();
      await second.stop();
      const third = await startStack({ dataDir, fresh: true });
      const client3 = dynamo(third);
      const table = await client3.send(new DescribeTableCommand({ TableName: TABLE }));
      const wiped = await client3.send(new GetItemCommand({ TableName: TABLE, Key: key }));
      client3.destroy();
      await third.stop();

      // Assess
      expect(interrupted).toEqual({ code: 0, signal: null });
      expect(kept.Item).toBeDefined();
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      expect(wiped.Item).toBeUndefined();
    },
    SLOW_TEST_MS,
  );
});

const quiet: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('HTTP API (API Gateway payload 2.0, in process)', () => {
  let server: http.Server;
  let api: string;
  const events: APIGatewayProxyEventV2[] = [];
  let answer: (event: APIGatewayProxyEventV2) => unknown = () => ({ statusCode: 200, body: '{}' });

  beforeAll(async () => {
    const record: LambdaHandler = async (event) => {
      events.push(event as APIGatewayProxyEventV2);
      return answer(event as APIGatewayProxyEventV2);
    };
    const handlers = new Map(ROUTES.map((r) => [r.handler, record]));
    server = createHttpApi({ routes: ROUTES, handlers, adminToken: ADMIN_TOKEN, log: quiet });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    events.length = 0;
    answer = () => ({ statusCode: 200, body: '{}' });
  });

  it('decodes the path parameter and keeps the raw path', async () => {
    // Act
    await adminGet(api, '/dossiers/000.00.12.H57-240401-0003%20%C4%91');

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      version: '2.0',
      routeKey: 'GET /dossiers/{MaHoSo}',
      rawPath: '/dossiers/000.00.12.H57-240401-0003%20%C4%91',
      pathParameters: { MaHoSo: '000.00.12.H57-240401-0003 đ' },
      requestContext: {
        http: { method: 'GET', path: '/dossiers/000.00.12.H57-240401-0003%20%C4%91', sourceIp: '127.0.0.1' },
        stage: '$default',
      },
    });
    expect(events[0].requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events[0].headers.authorization).toBe(`Bearer ${ADMIN_TOKEN}`);
  });

  it('decodes query parameters as a form (+ is a space), joins repeats, keeps the raw query', async () => {
    // Prepare
    const raw = 'vnp_OrderInfo=Thanh+toan+h%E1%BB%93+s%C6%A1&vnp_Amount=1600000&x=1&x=2';

    // Act
    await request(`${api}/payments/vnpay/ipn?${raw}`);

    // Assess
    expect(events[0].rawQueryString).toBe(raw);
    expect(events[0].queryStringParameters).toEqual({ vnp_OrderInfo: 'Thanh toan hồ sơ', vnp_Amount: '1600000', x: '1,2' });
    expect(events[0].body).toBeUndefined();
  });

  it.each([
    ['UTF-8 text as is', Buffer.from('{"TenTTHC":"Đăng ký khai sinh"}', 'utf8'), false],
    ['other bytes in base64', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), true],
  ])('passes a body of %s', async (_, bytes, base64) => {
    // Act
    await request(`${api}/webhooks/portal`, { method: 'POST', headers: { 'X-Motcua-Signature': 't=1,v1=ab' }, body: bytes });

    // Assess
    expect(events[0].isBase64Encoded).toBe(base64);
    expect(Buffer.from(events[0].body!, base64 ? 'base64' : 'utf8')).toEqual(bytes);
    expect(events[0].headers['x-motcua-signature']).toBe('t=1,v1=ab');
  });

  it('answers 413 above 10 MiB without calling the handler', async () => {
    // Act
    const res = await request(`${api}/webhooks/portal`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20) });

    // Assess
    expect(res.status).toBe(413);
    expect(events).toHaveLength(0);
  });

  it('answers 401 on an admin route without calling the handler', async () => {
    // Act
    const res = await request(`${api}/admin/overdue-scan`, { method: 'POST', headers: { authorization: 'Bearer nope' } });

    // Assess
    expect(res.status).toBe(401);
    expect(events).toHaveLength(0);
  });

  it('hides a handler crash behind a generic 500', async () => {
    // Prepare
    answer = () => {
      throw new Error('secret detail at /work/main/functions/x.ts:1');
    };

    // Act
    const res = await request(`${api}/payments/paygov/confirm`, { method: 'POST', body: '{}' });

    // Assess
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(res.text).not.toContain('secret detail');
  });

  it.each([
    [
      'sets JSON when the handler gives no content type',
      { statusCode: 202, body: '{"a":1}' },
      202,
      'application/json; charset=utf-8',
      '{"a":1}',
    ],
    [
      'keeps the content type the handler set',
      { statusCode: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' },
      200,
      'text/plain',
      'ok',
    ],
    [
      'decodes a base64 body',
      { statusCode: 200, body: Buffer.from('hồ sơ').toString('base64'), isBase64Encoded: true },
      200,
      'application/json; charset=utf-8',
      'hồ sơ',
    ],
    [
      'treats a result without statusCode as a JSON body',
      { RspCode: '00', Message: 'Confirm Success' },
      200,
      'application/json; charset=utf-8',
      '{"RspCode":"00","Message":"Confirm Success"}',
    ],
  ])('%s', async (_, result, status, type, text) => {
    // Prepare
    answer = () => result;

    // Act
    const res = await request(`${api}/payments/vnpay/ipn?vnp_TxnRef=1`);

    // Assess
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.text).toBe(text);
  });
});

describe('SQS consumer (as a Lambda event source mapping)', () => {
  let sqs: SqsEmulator;

  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(async () => {
    await sqs?.stop();
  });
  beforeEach(async () => {
    await sqs.purge();
  });

  const counts = async () => {
    const out = await sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: sqs.alerts.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(out.Attributes!.ApproximateNumberOfMessages),
      inFlight: Number(out.Attributes!.ApproximateNumberOfMessagesNotVisible),
    };
  };
  const send = (bodies: string[]) =>
    sqs.client.send(
      new SendMessageBatchCommand({ QueueUrl: sqs.alerts.url, Entries: bodies.map((b, i) => ({ Id: String(i), MessageBody: b })) }),
    );

  it('creates the alert queue with a redrive to its DLQ after 5 receives and a 60 s visibility', async () => {
    // Act
    const out = await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: sqs.alerts.url, AttributeNames: ['All'] }));

    // Assess
    expect(JSON.parse(out.Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: sqs.alertsDlq.arn, maxReceiveCount: 5 });
    expect(out.Attributes!.VisibilityTimeout).toBe('60');
    expect(sqs.alerts.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/000000000000\/motcua-alerts$/);
  });

  it('deletes the messages the handler did not report as failed', async () => {
    // Prepare
    const batches: SQSEvent[] = [];
    const handler: LambdaHandler = async (event) => {
      const e = event as SQSEvent;
      batches.push(e);
      const failed = e.Records.find((r) => r.body === 'b');
      return { batchItemFailures: failed ? [{ itemIdentifier: failed.messageId }] : [] };
    };
    await send(['a', 'b', 'c']);

    // Act
    const consumer = startConsumer({
      client: sqs.client,
      queue: sqs.alerts,
      handler,
      name: 'alert-notifier',
      log: quiet,
      waitTimeSeconds: 1,
    });
    const left = await poll(
      async () => {
        const c = await counts();
        return c.visible === 0 && c.inFlight === 1 && c;
      },
      { what: 'two of three messages deleted' },
    );
    await consumer.stop();

    // Assess
    expect(left).toEqual({ visible: 0, inFlight: 1 });
    const records = batches.flatMap((b) => b.Records);
    expect(records.map((r) => r.body).sort()).toEqual(['a', 'b', 'c']);
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: sqs.alerts.arn,
      awsRegion: 'ap-southeast-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
  });

  it('deletes nothing when the handler throws', async () => {
    // Prepare
    let calls = 0;
    const handler: LambdaHandler = async () => {
      calls += 1;
      throw new Error('SES down');
    };
    await send(['a', 'b']);

    // Act
    const consumer = startConsumer({
      client: sqs.client,
      queue: sqs.alerts,
      handler,
      name: 'alert-notifier',
      log: quiet,
      waitTimeSeconds: 1,
    });
    await poll(() => calls > 0, { what: 'the handler to be called' });
    await consumer.stop();

    // Assess
    expect(await counts()).toEqual({ visible: 0, inFlight: 2 });
  });
});

describe('schedules', () => {
  it.each([
    ['before 07:30 Vietnam time: today', '2024-04-01T00:29:59Z', '2024-04-01T00:30:00.000Z'],
    ['at 07:30: tomorrow', '2024-04-01T00:30:00Z', '2024-04-02T00:30:00.000Z'],
    ['at 03:00 Vietnam time (still the previous UTC day)', '2024-03-31T20:00:00Z', '2024-04-01T00:30:00.000Z'],
    ['at 23:59 Vietnam time on 31/12', '2024-12-31T16:59:00Z', '2025-01-01T00:30:00.000Z'],
  ])('puts the next digest %s', (_, now, expected) => {
    // Act
    const at = nextDigestAt(new Date(now));

    // Assess
    expect(at.toISOString()).toBe(expected);
  });

  it.each([
    [0, 0],
    [3600, 1],
  ])('with SCAN_INTERVAL_S=%i runs %i scan(s) at start', async (interval, expected) => {
    // Prepare
    const events: unknown[] = [];
    const handler: LambdaHandler = async (event) => {
      events.push(event);
      return { scanned: 0, flagged: 0, alertsQueued: 0 };
    };

    // Act
    const scheduler = startScheduler({ scanIntervalS: interval, scan: { name: 'overdue-scan', handler }, digest: null, log: quiet });
    await scheduler.stop();

    // Assess
    expect(events).toHaveLength(expected);
    for (const e of events) expect(e).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });
  });
});

describe('emulators for adapter tests', () => {
  it('starts dynalite in memory with the table and its indexes', async () => {
    // Act
    const dynamo = await startDynamo();
    const out = await dynamo.client.send(new DescribeTableCommand({ TableName: dynamo.tableName }));
    await dynamo.stop();

    // Assess
    expect(dynamo.tableName).toBe('motcua-local');
    expect(out.Table?.TableStatus).toBe('ACTIVE');
    expect(out.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(out.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType]).sort()).toEqual([
      ['byDueDate', 'INCLUDE'],
      ['byReceiptMonth', 'KEYS_ONLY'],
    ]);
  });

  it('keeps dynalite data on disk across a stop and a start', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-dynalite-'));
    const first = await startDynamo({ path: dir });
    await first.client.send(new PutItemCommand({ TableName: first.tableName, Item: marker('disk') }));
    await first.stop();

    // Act
    const second = await startDynamo({ path: dir });
    const got = await second.client.send(
      new GetItemCommand({ TableName: second.tableName, Key: { pk: { S: 'TEST#disk' }, sk: { S: 'A' } } }),
    );
    await second.stop();
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(got.Item?.note).toEqual({ S: 'Hồ sơ thử nghiệm' });
  });

  it('starts the SES emulator on 127.0.0.1', async () => {
    // Act
    const ses = await startSes();
    const emails = await sesStore(ses.endpoint);
    await ses.stop();

    // Assess
    expect(ses.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emails).toEqual([]);
  });
});
