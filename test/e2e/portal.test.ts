/**
 * The portal path end to end: signed webhooks into the local stack over HTTP, dossiers read back
 * through the API, as the portal and the ward's staff would.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { bodyLimit, jsonErrors, type HttpEvent, type HttpResult } from '../../functions/adapters/http';
import { portalWebhook } from '../../functions/handlers/portal-webhook';
import { adminGet, LOCAL_SECRETS, nowSeconds, request, signature, signedPost, startStack, type Stack } from './harness';
import { portalBatches, prng, shuffle, type PortalDelivery } from './portal-batches';

const SECRET = LOCAL_SECRETS.PORTAL_SECRET;

/** Sends deliveries one after the other and checks each is answered 200. */
async function deliver(api: string, deliveries: PortalDelivery[]) {
  const answers = [];
  for (const d of deliveries) {
    const res = await signedPost(api, '/webhooks/portal', d, SECRET);
    if (res.status !== 200) throw new Error(`portal delivery answered ${res.status}: ${res.text}`);
    answers.push(res.body as { received: number; applied: number; duplicate: number; stale: number });
  }
  return answers;
}

/** Every dossier's state as the API shows it, minus what depends on the reading time. */
async function states(api: string, codes: string[]) {
  const out: Record<string, unknown> = {};
  for (const code of codes) {
    const res = await adminGet(api, `/dossiers/${encodeURIComponent(code)}`);
    expect(res.status).toBe(200);
    const { overdue, ...rest } = res.body;
    out[code] = { ...rest, isOverdue: overdue.isOverdue, alertedAt: overdue.alertedAt };
  }
  return out;
}

/** The same records and steps, cut into batches again after a shuffle. */
function reshuffled(deliveries: PortalDelivery[], seed: number): PortalDelivery[] {
  const random = prng(seed);
  const flat = deliveries.flatMap((d) => d.data.map((item) => ({ service: d.service, item })));
  const mixed = shuffle(flat, random);
  const out: PortalDelivery[] = [];
  for (let i = 0; i < mixed.length; ) {
    const size = 1 + Math.floor(random() * 25);
    const chunk = mixed.slice(i, i + size);
    i += size;
    for (const service of ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'] as const) {
      const data = chunk.filter((c) => c.service === service).map((c) => c.item);
      if (data.length) out.push({ service, data });
    }
  }
  return out;
}

describe('one batch set delivered three ways', () => {
  const { deliveries, codes } = portalBatches(11, 40);
  const stacks: Stack[] = [];
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.stop()));
  });

  it('gives identical dossier states in order, every message twice, and shuffled', async () => {
    // Prepare
    const [inOrder, twice, shuffled] = await Promise.all([startStack(), startStack(), startStack()]);
    stacks.push(inOrder, twice, shuffled);

    // Act
    const first = await deliver(inOrder.api, deliveries);
    const doubled = await deliver(
      twice.api,
      deliveries.flatMap((d) => [d, d]),
    );
    await deliver(shuffled.api, reshuffled(deliveries, 2024));

    // Assess
    const records = deliveries.filter((d) => d.service === 'DongBoHoSoMC').reduce((n, d) => n + d.data.length, 0);
    expect(first.reduce((n, a) => n + a.applied, 0)).toBe(
      records + deliveries.filter((d) => d.service !== 'DongBoHoSoMC').reduce((n, d) => n + d.data.length, 0),
    );
    const repeats = doubled.filter((_, i) => i % 2 === 1);
    expect(repeats.every((a) => a.applied === 0 && a.duplicate === a.received)).toBe(true);
    const expected = await states(inOrder.api, codes);
    expect(await states(twice.api, codes)).toEqual(expected);
    expect(await states(shuffled.api, codes)).toEqual(expected);
    // The states really went through their stories (not all stuck at the first version).
    const statuses = new Set(Object.values(expected).map((s) => (s as { status: number }).status));
    expect([...statuses].sort((a, b) => a - b)).toEqual(expect.arrayContaining([2, 3, 4, 5, 7, 10]));
  });
});

describe('bad input', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const sample = JSON.parse(readFileSync('events/portal/dossier-online-ho-tich.json', 'utf8'));
  const codes: string[] = sample.data.map((r: { MaHoSo: string }) => r.MaHoSo);
  const notStored = async () => {
    for (const code of codes) expect((await adminGet(stack.api, `/dossiers/${encodeURIComponent(code)}`)).status).toBe(404);
  };
  const post = (raw: string | Buffer, headers: Record<string, string>) =>
    request(`${stack.api}/webhooks/portal`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });

  it.each([
    ['no signature header', () => ({})],
    ['a signature made with another secret', (raw: string) => ({ 'x-motcua-signature': signature('not-the-secret', raw, nowSeconds()) })],
    ['a timestamp 301 s old', (raw: string) => ({ 'x-motcua-signature': signature(SECRET, raw, nowSeconds() - 301) })],
    ['a timestamp 301 s ahead', (raw: string) => ({ 'x-motcua-signature': signature(SECRET, raw, nowSeconds() + 301) })],
    ['a malformed header', () => ({ 'x-motcua-signature': 'v1=abc' })],
    ['a signature over other bytes', (raw: string) => ({ 'x-motcua-signature': signature(SECRET, `${raw} `, nowSeconds()) })],
  ])('answers 401 bad_signature for %s and stores nothing', async (_, headers) => {
    // Prepare
    const raw = JSON.stringify(sample);

    // Act
    const res = await post(raw, headers(raw));

    // Assess
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('bad_signature');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    await notStored();
  });

  it('answers 400 for malformed JSON', async () => {
    // Prepare
    const raw = '{"service":"DongBoHoSoMC","data":[';

    // Act
    const res = await signedPost(stack.api, '/webhooks/portal', raw, SECRET);

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_payload');
  });

  it('rejects a whole batch with one bad record, naming its path, and stores none of it', async () => {
    // Prepare
    const bad = structuredClone(sample);
    bad.data[1].NgayHenTra = '2024-13-45';

    // Act
    const res = await signedPost(stack.api, '/webhooks/portal', bad, SECRET);

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_payload');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'data[1].NgayHenTra' })]));
    await notStored();
  });

  it('answers 413 for 5 MiB + 1 byte, before looking at the signature', async () => {
    // Prepare
    const raw = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);

    // Act
    const signed = await signedPost(stack.api, '/webhooks/portal', raw, SECRET);
    const unsigned = await post(raw, {});

    // Assess
    expect(signed.status).toBe(413);
    expect(unsigned.status).toBe(413);
    expect(signed.body.error.code).toBe('payload_too_large');
  });

  it('takes a valid sample after all that, and answers a repeat as duplicates', async () => {
    // Act
    const first = await signedPost(stack.api, '/webhooks/portal', sample, SECRET);
    const again = await signedPost(stack.api, '/webhooks/portal', sample, SECRET);

    // Assess
    expect(first.body).toEqual({ received: codes.length, applied: codes.length, duplicate: 0, stale: 0 });
    expect(again.body).toEqual({ received: codes.length, applied: 0, duplicate: codes.length, stale: 0 });
  });
});

describe('reading a dossier', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('shows the contract fields, masks the citizen identifiers, and lists steps in time order', async () => {
    // Prepare
    const send = (file: string) => signedPost(stack.api, '/webhooks/portal', JSON.parse(readFileSync(file, 'utf8')), SECRET);
    await send('events/portal/dossier-online-ho-tich.json');
    await send('events/portal/dossier-update-processing.json');
    await send('events/portal/progress-steps.json');

    // Act
    const res = await adminGet(stack.api, `/dossiers/${encodeURIComponent('000.00.12.H57-240401-0003')}`);
    const noToken = await request(`${stack.api}/dossiers/${encodeURIComponent('000.00.12.H57-240401-0003')}`);
    const unknown = await adminGet(stack.api, '/dossiers/000.00.12.H57-990101-0001');

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      MaHoSo: '000.00.12.H57-240401-0003',
      MaTTHC: '1.001193',
      MaLinhVuc: 'HT',
      channel: 'online',
      receivedAt: '2024-04-01T08:15:00+07:00',
      fees: { total: 16000, paid: 0, paidOnline: false },
      postal: { trackingNumber: null, lastEvent: null },
      overdue: { alertedAt: null },
    });
    expect(typeof res.body.status).toBe('number');
    expect(res.text).not.toContain('074190001234');
    expect(res.text).not.toContain('0912345678');
    expect(res.text).not.toContain('hongnhung.nguyen@gmail.com');
    expect(res.body.applicant.idNumber).toBe('0741******34');
    const times = res.body.timeline.map((e: { at: string }) => Date.parse(e.at));
    expect(times.length).toBeGreaterThan(0);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(noToken.status).toBe(401);
    expect(unknown.status).toBe(404);
    expect(stack.logs()).not.toContain('074190001234');
  });
});

describe('durability', () => {
  it('keeps what was answered 200 across a kill -9 of the whole tree and a restart', async () => {
    // Prepare
    const first = await startStack();
    const sample = JSON.parse(readFileSync('events/portal/dossier-direct-chung-thuc.json', 'utf8'));
    const code = sample.data[0].MaHoSo as string;
    expect((await signedPost(first.api, '/webhooks/portal', sample, SECRET)).status).toBe(200);
    const before = await adminGet(first.api, `/dossiers/${encodeURIComponent(code)}`);

    // Act
    await first.kill();
    const second = await startStack({ dataDir: first.dataDir });
    const after = await adminGet(second.api, `/dossiers/${encodeURIComponent(code)}`);
    await second.stop();

    // Assess
    expect(before.status).toBe(200);
    expect(after.status).toBe(200);
    expect(after.body.MaHoSo).toBe(code);
    expect(after.body.status).toBe(before.body.status);
  });
});

describe('store failure', () => {
  it('answers 503 store_unavailable when the store cannot take the write', async () => {
    // Prepare: the real handler and store, against a DynamoDB endpoint that refuses connections.
    const dead = new DynamoDBClient({
      region: 'ap-southeast-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const store = new DynamoDossierStore({ client: dead, tableName: 'motcua-local', dueAt: (r) => r.dueAt });
    const handler = middy<HttpEvent, HttpResult>().use(jsonErrors()).use(bodyLimit()).handler(portalWebhook(store));
    const body = readFileSync('events/portal/dossier-online-ho-tich.json', 'utf8');
    const event = { body, isBase64Encoded: false, headers: {}, requestContext: { requestId: 'r1' } } as unknown as HttpEvent;

    // Act
    const res = (await handler(event, { awsRequestId: 'r1' } as Context)) as HttpResult;
    dead.destroy();

    // Assess
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body as string).error.code).toBe('store_unavailable');
  });
});
