/**
 * The dashboard handler with fake ports: sign-in (the local token form; Cognito's code flow with a
 * fake token endpoint and verifier), the session on every route, the page's headers, bad queries
 * named, the downloads, the optional sources, the cache.
 */
import fc from 'fast-check';
import { CognitoAuth, TokenAuth } from '../../functions/adapters/dashboard-auth';
import { type DashboardPorts, FactCache } from '../../functions/adapters/dashboard-loader';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import type { StoredDossier } from '../../functions/core/ports';
import { vnDate } from '../../functions/core/time';
import { dashboard } from '../../functions/handlers/dashboard';
import { record } from '../fixtures/records';

const NOW = Date.parse('2024-04-15T08:00:00+07:00');
const WARD = '000.00.12.H57';

function stored(n: number, over: Parameters<typeof record>[0]): StoredDossier {
  const rec = record({ code: `${WARD}-240402-${String(n).padStart(4, '0')}`, ...over });
  return {
    key: rec.code.replace(/[^A-Z0-9]/gi, ''),
    code: rec.code,
    dueAt: rec.dueAt,
    record: rec,
    payments: [],
    postal: [],
    alerts: { overdue: null, soon: null },
  };
}

const DOSSIERS = [
  stored(1, { receivedAt: '2024-04-02T09:00:00+07:00', status: 10, finishedAt: '2024-04-03T09:00:00+07:00' }),
  stored(2, { receivedAt: '2024-04-02T09:00:00+07:00', status: 4, dueAt: '2024-04-05T17:00:00+07:00' }),
  stored(3, { receivedAt: '2024-03-02T09:00:00+07:00', status: 2, dueAt: '2024-03-05T17:00:00+07:00' }),
];

function fakePorts(over: Partial<DashboardPorts> = {}): DashboardPorts & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    store: {
      async *listReceived(from: string, to: string, ward?: string) {
        reads.push(`${ward}|${from.slice(0, 7)}`);
        for (const d of DOSSIERS) {
          const day = vnDate(d.record!.receivedAt);
          if (day >= from && day <= to) yield d;
        }
      },
      listWards: async () => [WARD],
      async *listDueBy() {
        for (const d of DOSSIERS) if (d.record!.status === 2 || d.record!.status === 4) yield d;
      },
      async *listAlertedOverdue() {},
    },
    wardNames: async () => ({ [WARD]: 'Phường Bình An' }),
    sources: {},
    ...over,
  };
}

function event(routeKey: string, over: Partial<HttpEvent> = {}): HttpEvent {
  const [method, path] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { host: '127.0.0.1:3000' },
    requestContext: { http: { method, path } } as HttpEvent['requestContext'],
    isBase64Encoded: false,
    ...over,
  } as HttpEvent;
}

const tokenAuth = () => new TokenAuth('secret-token', 'session-key', false);

async function signedIn(handle: (e: HttpEvent) => Promise<HttpResult>): Promise<string> {
  const res = await handle(
    event('POST /dashboard/sign-in', {
      body: 'token=secret-token&next=%2Fdashboard',
      headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' },
    }),
  );
  return res.cookies![0].split(';')[0];
}

describe('the dashboard handler, local sign-in', () => {
  it('sends a visitor without a session to the sign-in form, keeping where they were going', async () => {
    // Prepare
    const handle = dashboard({ ports: fakePorts(), auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });

    // Act
    const res = await handle(event('GET /dashboard', { rawQueryString: 'period=year&year=2023' }));

    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers!.location).toBe('/dashboard/sign-in?next=%2Fdashboard%3Fperiod%3Dyear%26year%3D2023');
  });

  it.each([
    ['a wrong token', 'token=nope', 'http://127.0.0.1:3000', 401],
    ['another origin', 'token=secret-token', 'https://evil.example', 403],
  ])('refuses %s', async (_, body, origin, status) => {
    // Prepare
    const handle = dashboard({ ports: fakePorts(), auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });

    // Act
    const res = await handle(event('POST /dashboard/sign-in', { body, headers: { host: '127.0.0.1:3000', origin } }));

    // Assess
    expect(res.statusCode).toBe(status);
    expect(res.cookies).toBeUndefined();
  });

  it('signs in with the token: an HttpOnly, SameSite=Strict, 8-hour cookie, and back to a page of the dashboard only', async () => {
    // Prepare
    const handle = dashboard({ ports: fakePorts(), auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });

    // Act
    const res = await handle(
      event('POST /dashboard/sign-in', {
        body: 'token=secret-token&next=https%3A%2F%2Fevil.example',
        headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' },
      }),
    );

    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers!.location).toBe('/dashboard');
    expect(res.cookies![0]).toMatch(/^motcua_session=[\w-]+\.[\w-]+; Path=\/dashboard; Max-Age=28800; HttpOnly; SameSite=Strict$/);
  });

  it('answers the page with the security headers, in Vietnamese, from the months it read', async () => {
    // Prepare
    const ports = fakePorts();
    const handle = dashboard({ ports, auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });
    const cookie = await signedIn(handle);

    // Act
    const res = await handle(event('GET /dashboard', { cookies: [cookie], queryStringParameters: { period: 'month', month: '2024-04' } }));

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.headers!['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers!['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(res.headers!['x-frame-options']).toBe('DENY');
    expect(res.headers!['cache-control']).toBe('no-store');
    expect(res.body).toContain('Phường Bình An (000.00.12.H57)');
    expect(res.body).toContain('Hồ sơ quá hạn hiện tại (2)');
    expect(ports.reads).toContain(`${WARD}|2024-04`);
    expect(ports.reads).toContain(`${WARD}|2022-04`); // the 24 months' look-back
  });

  it('reads each ward-month once while the cache is fresh', async () => {
    // Prepare
    const ports = fakePorts();
    const handle = dashboard({ ports, auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });
    const cookie = await signedIn(handle);
    await handle(event('GET /dashboard', { cookies: [cookie] }));
    const first = ports.reads.length;

    // Act
    await handle(event('GET /dashboard', { cookies: [cookie] }));

    // Assess
    expect(first).toBeGreaterThan(0);
    expect(ports.reads).toHaveLength(first);
  });

  it.each([
    [{ period: 'month', month: '2024-13' }, 400, 'month:'],
    [{ asOf: 'yesterday' }, 400, 'asOf:'],
    [{ ward: 'not a code!' }, 400, 'ward:'],
    [{ ward: '000.00.99.X99' }, 404, 'ward:'],
  ])('names the bad parameter of %j', async (query, status, field) => {
    // Prepare
    const handle = dashboard({ ports: fakePorts(), auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });
    const cookie = await signedIn(handle);

    // Act
    const res = await handle(event('GET /dashboard', { cookies: [cookie], queryStringParameters: query as Record<string, string> }));

    // Assess
    expect(res.statusCode).toBe(status);
    expect(res.body).toContain(field);
  });

  it('answers any query with a page or a named 400/404, never a 500 (fuzzed)', async () => {
    // Prepare
    const handle = dashboard({ ports: fakePorts(), auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });
    const cookie = await signedIn(handle);
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('2024-03', '2024-Q1', '2023', '2024-02-29', '000.00.12.H57', '', '9999-12-31'),
    );
    const query = fc.dictionary(fc.constantFrom('period', 'month', 'quarter', 'year', 'from', 'to', 'ward', 'asOf', 'table'), value);

    // Act, Assess
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('GET /dashboard', 'GET /dashboard/export.csv'), async (q, route) => {
        const res = await handle(event(route, { cookies: [cookie], queryStringParameters: q }));
        expect([200, 400, 404]).toContain(res.statusCode);
      }),
      { numRuns: 150 },
    );
  });

  it('downloads a table as CSV with a BOM and the workbook as .xlsx', async () => {
    // Prepare
    const handle = dashboard({ ports: fakePorts(), auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });
    const cookie = await signedIn(handle);

    // Act
    const csv = await handle(event('GET /dashboard/export.csv', { cookies: [cookie], queryStringParameters: { table: 'overdue' } }));
    const xlsx = await handle(event('GET /dashboard/export.xlsx', { cookies: [cookie] }));
    const noTable = await handle(event('GET /dashboard/export.csv', { cookies: [cookie] }));

    // Assess
    expect(csv.headers!['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers!['content-disposition']).toMatch(/^attachment; filename="motcua-overdue-2024-04-01-2024-04-15-0000012H57\.csv"$/);
    expect((csv.body as string).startsWith('\uFEFFMã hồ sơ,Thủ tục,Lĩnh vực')).toBe(true);
    expect(csv.body).toContain('000.00.12.H57-240402-0003');
    expect(xlsx.isBase64Encoded).toBe(true);
    expect(
      Buffer.from(xlsx.body as string, 'base64')
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect(noTable.statusCode).toBe(400);
  });

  it('shows a source that answers, and says so when one fails, without breaking the page', async () => {
    // Prepare
    const ports = fakePorts({
      sources: {
        feedback: async () => ({
          received: 22,
          answered: 22,
          answeredOnTime: 21,
          answeredLate: 1,
          open: 0,
          openOverdue: 0,
          refused: 0,
          aboutProcedures: 5,
          aboutConduct: 0,
          dissatisfied: 1,
        }),
        atRisk: async () => {
          throw new Error('down');
        },
      },
    });
    const handle = dashboard({ ports, auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });
    const cookie = await signedIn(handle);

    // Act
    const res = await handle(event('GET /dashboard', { cookies: [cookie] }));

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('21/22 phản ánh, kiến nghị đã trả lời');
    expect(res.body).toContain('Không đọc được dự báo hồ sơ có nguy cơ trễ hạn lúc này');
  });

  it('ends the session on sign-out', async () => {
    // Prepare
    const handle = dashboard({ ports: fakePorts(), auth: tokenAuth(), cache: new FactCache(60_000), now: () => NOW });

    // Act
    const res = await handle(event('POST /dashboard/sign-out'));

    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers!.location).toBe('/dashboard/sign-in');
    expect(res.cookies![0]).toMatch(/^motcua_session=; .*Max-Age=0/);
  });
});

describe('the dashboard handler, Cognito sign-in', () => {
  const settings = {
    userPoolId: 'ap-southeast-1_abc',
    clientId: 'client123',
    domain: 'https://motcua-1.auth.example',
    baseUrl: 'https://dash.example',
  };
  const verifier = {
    verify: async (token: string) => {
      if (token !== 'good-id-token') throw new Error('invalid');
      return { sub: 'leader-1', exp: Math.floor(NOW / 1000) + 8 * 3600 };
    },
  };

  it('redirects to the hosted page with state and a PKCE challenge, kept in a Lax cookie', async () => {
    // Prepare
    const handle = dashboard({ ports: fakePorts(), auth: new CognitoAuth(settings, verifier), cache: new FactCache(0), now: () => NOW });

    // Act
    const res = await handle(event('GET /dashboard/sign-in'));
    const location = new URL(res.headers!.location as string);

    // Assess
    expect(res.statusCode).toBe(303);
    expect(`${location.origin}${location.pathname}`).toBe('https://motcua-1.auth.example/oauth2/authorize');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: 'https://dash.example/dashboard/callback',
      code_challenge_method: 'S256',
    });
    expect(res.cookies![0]).toMatch(/^motcua_oauth=.+; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('exchanges the code, keeps the verified ID token as a Secure session cookie, and then serves the page', async () => {
    // Prepare
    const calls: { url: string; body: string }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: String(init.body) });
      return new Response(JSON.stringify({ id_token: 'good-id-token', access_token: 'x', expires_in: 28800 }), { status: 200 });
    }) as unknown as typeof fetch;
    const handle = dashboard({
      ports: fakePorts(),
      auth: new CognitoAuth(settings, verifier, fakeFetch),
      cache: new FactCache(0),
      now: () => NOW,
    });
    const start = await handle(event('GET /dashboard/sign-in'));
    const kept = start.cookies![0].split(';')[0];
    const state = new URL(start.headers!.location as string).searchParams.get('state')!;

    // Act
    const back = await handle(event('GET /dashboard/callback', { cookies: [kept], queryStringParameters: { code: 'the-code', state } }));
    const session = back.cookies![0].split(';')[0];
    const pageRes = await handle(event('GET /dashboard', { cookies: [session] }));
    const forged = await handle(event('GET /dashboard', { cookies: ['motcua_session=forged'] }));

    // Assess
    expect(calls[0].url).toBe('https://motcua-1.auth.example/oauth2/token');
    expect(calls[0].body).toContain('grant_type=authorization_code');
    expect(calls[0].body).toContain('code_verifier=');
    expect(back.statusCode).toBe(200);
    expect(back.cookies![0]).toBe('motcua_session=good-id-token; Path=/dashboard; Max-Age=28800; HttpOnly; SameSite=Strict; Secure');
    expect(back.body).toContain('http-equiv="refresh" content="0;url=/dashboard"');
    expect(pageRes.statusCode).toBe(200);
    expect(pageRes.headers!['strict-transport-security']).toBeDefined();
    expect(forged.statusCode).toBe(303);
  });

  it('refuses a callback whose state is not the one kept', async () => {
    // Prepare
    const handle = dashboard({
      ports: fakePorts(),
      auth: new CognitoAuth(settings, verifier, (async () => new Response('{}')) as unknown as typeof fetch),
      cache: new FactCache(0),
      now: () => NOW,
    });

    // Act
    const res = await handle(
      event('GET /dashboard/callback', {
        cookies: ['motcua_oauth=state1.verifier'],
        queryStringParameters: { code: 'c', state: 'state2' },
      }),
    );

    // Assess
    expect(res.statusCode).toBe(401);
    expect(res.cookies!.some((c) => c.startsWith('motcua_session='))).toBe(false);
  });
});
