import { main, parseArgs, reportUrl, USAGE, type CliIo } from '../../functions/cli/report';
import type { SupervisionReport } from '../../functions/core/report';

const BASE = ['--from', '2023-01-01', '--to', '2024-03-31'];

const REPORT: SupervisionReport = {
  period: { from: '2023-01-01', to: '2024-03-31' },
  received: { total: 11_701, byChannel: { direct: 2_722, online: 8_979, postal: 0 } },
  payments: { dossiersWithFees: 4_709, paidOnline: 3_557, onlineRate: 0.7554, amountVnd: 67_170_000 },
  processing: {
    finishedEarly: 1,
    finishedOnTime: 1,
    finishedLate: 0,
    openOnTime: 0,
    openOverdue: 0,
    withdrawn: 0,
    onTimeRate: 1,
  },
  byField: [],
  feedback: {
    received: 22,
    answered: 22,
    answeredOnTime: 21,
    answeredLate: 1,
    open: 0,
    openOverdue: 0,
    refused: 0,
    aboutProcedures: 15,
    aboutConduct: 0,
    dissatisfied: 1,
  },
};

describe('parseArgs', () => {
  it('applies the defaults of CONTRACT 5', () => {
    // Act
    const parsed = parseArgs(BASE, {});

    // Assess
    expect(parsed).toEqual({
      kind: 'run',
      command: {
        from: '2023-01-01',
        to: '2024-03-31',
        format: 'md',
        api: 'http://127.0.0.1:3000',
        asOf: null,
        token: 'local-admin-token',
        ward: null,
        province: false,
      },
    });
  });

  it.each([
    {
      case: 'PORT and ADMIN_TOKEN from the environment',
      argv: BASE,
      env: { PORT: '4100', ADMIN_TOKEN: 't0k' },
      expected: { api: 'http://127.0.0.1:4100', token: 't0k' },
    },
    { case: '--format json', argv: [...BASE, '--format', 'json'], env: {}, expected: { format: 'json' } },
    { case: '--format=html', argv: [...BASE, '--format=html'], env: {}, expected: { format: 'html' } },
    {
      case: '--api wins over PORT, trailing slash dropped',
      argv: [...BASE, '--api', 'https://api.example.vn/prod/'],
      env: { PORT: '4100' },
      expected: { api: 'https://api.example.vn/prod' },
    },
    {
      case: '--as-of kept as given',
      argv: [...BASE, '--as-of', '2024-03-31T17:00:00+07:00'],
      env: {},
      expected: { asOf: '2024-03-31T17:00:00+07:00' },
    },
    {
      case: 'flags in any order',
      argv: ['--to', '2024-03-31', '--format', 'json', '--from', '2023-01-01'],
      env: {},
      expected: { format: 'json' },
    },
    {
      case: 'a one-day period',
      argv: ['--from', '2024-02-29', '--to', '2024-02-29'],
      env: {},
      expected: { from: '2024-02-29', to: '2024-02-29' },
    },
    {
      case: '--ward, upper-cased',
      argv: [...BASE, '--ward', '000.00.12.h57'],
      env: {},
      expected: { ward: '000.00.12.H57', province: false },
    },
    { case: '--province', argv: [...BASE, '--province'], env: {}, expected: { ward: null, province: true } },
  ])('$case', ({ argv, env, expected }) => {
    // Act
    const parsed = parseArgs(argv, env);

    // Assess
    expect(parsed.kind).toBe('run');
    expect(parsed.kind === 'run' && parsed.command).toMatchObject(expected);
  });

  it.each([['--help'], ['-h'], [...BASE, '--help'], ['--from', 'bad', '--help']])('%p asks for help', (...argv) => {
    // Act
    const parsed = parseArgs(argv, {});

    // Assess
    expect(parsed).toEqual({ kind: 'help' });
  });

  it.each([
    { case: 'no arguments', argv: [], names: '--from' },
    { case: 'missing --to', argv: ['--from', '2023-01-01'], names: '--to' },
    { case: 'missing --from', argv: ['--to', '2023-01-01'], names: '--from' },
    { case: 'not a date', argv: ['--from', '01/01/2023', '--to', '2024-03-31'], names: '--from' },
    { case: 'no such day', argv: ['--from', '2023-01-01', '--to', '2023-02-29'], names: '--to' },
    { case: 'month 13', argv: ['--from', '2023-13-01', '--to', '2024-03-31'], names: '--from' },
    { case: 'from after to', argv: ['--from', '2024-04-01', '--to', '2024-03-31'], names: '--from' },
    { case: 'value forgotten before the next flag', argv: ['--from', '--to', '2024-03-31'], names: '--from' },
    { case: 'value forgotten at the end', argv: [...BASE, '--format'], names: '--format' },
    { case: 'empty value', argv: [...BASE, '--format='], names: '--format' },
    { case: 'unknown format', argv: [...BASE, '--format', 'pdf'], names: '--format' },
    { case: 'unknown flag', argv: [...BASE, '--form', 'md'], names: '--form' },
    { case: 'stray argument', argv: [...BASE, 'md'], names: '"md"' },
    { case: 'flag twice', argv: [...BASE, '--from', '2023-02-01'], names: '--from' },
    { case: 'api not a URL', argv: [...BASE, '--api', 'localhost:3000'], names: '--api' },
    { case: 'api not http', argv: [...BASE, '--api', 'ftp://127.0.0.1/'], names: '--api' },
    { case: 'as-of without an offset', argv: [...BASE, '--as-of', '2024-03-31T17:00:00'], names: '--as-of' },
    { case: 'as-of a date only', argv: [...BASE, '--as-of', '2024-03-31'], names: '--as-of' },
    { case: 'ward not an agency code', argv: [...BASE, '--ward', 'H57/1'], names: '--ward' },
    { case: 'both ward and province', argv: [...BASE, '--ward', '000.00.12.H57', '--province'], names: '--province' },
  ])('rejects $case, naming $names in Vietnamese and English', ({ argv, names }) => {
    // Act
    const parsed = parseArgs(argv, {});

    // Assess
    expect(parsed.kind).toBe('error');
    const message = parsed.kind === 'error' ? parsed.message : '';
    const [vi, en] = message.split('\n');
    expect(vi).toMatch(/^Lỗi: /);
    expect(vi).toContain(names);
    expect(en).toMatch(/^Error: /);
    expect(en).toContain(names);
  });

  it('rejects a bad PORT when no --api is given, naming PORT', () => {
    // Act
    const parsed = parseArgs(BASE, { PORT: 'abc' });

    // Assess
    expect(parsed.kind === 'error' && parsed.message).toContain('PORT');
  });
});

describe('reportUrl', () => {
  it.each([
    { asOf: null, url: 'http://127.0.0.1:3000/reports/supervision?from=2023-01-01&to=2024-03-31' },
    {
      asOf: '2024-03-31T17:00:00+07:00',
      url: 'http://127.0.0.1:3000/reports/supervision?from=2023-01-01&to=2024-03-31&asOf=2024-03-31T17%3A00%3A00%2B07%3A00',
    },
  ])('asOf $asOf → $url', ({ asOf, url }) => {
    // Prepare
    const command = {
      from: '2023-01-01',
      to: '2024-03-31',
      format: 'md' as const,
      api: 'http://127.0.0.1:3000',
      asOf,
      token: 't',
      ward: null,
      province: false,
    };

    // Act
    const result = reportUrl(command);

    // Assess
    expect(result).toBe(url);
  });
});

describe('main', () => {
  function fakeIo(answer: () => Promise<Response>) {
    const out: string[] = [];
    const err: string[] = [];
    const calls: Array<{ url: string; auth: string | null }> = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        calls.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
        return answer();
      }) as typeof fetch,
    };
    return { io, out, err, calls };
  }

  const json = (status: number, body: unknown) =>
    Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

  it('prints the rendered report and exits 0', async () => {
    // Prepare
    const { io, out, err, calls } = fakeIo(() => json(200, REPORT));

    // Act
    const code = await main([...BASE, '--as-of', '2024-03-31T17:00:00+07:00'], { ADMIN_TOKEN: 'secret-x' }, io);

    // Assess
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(calls).toEqual([
      {
        url: 'http://127.0.0.1:3000/reports/supervision?from=2023-01-01&to=2024-03-31&asOf=2024-03-31T17%3A00%3A00%2B07%3A00',
        auth: 'Bearer secret-x',
      },
    ]);
    expect(out.join('')).toContain('tiếp nhận 11.701 hồ sơ');
  });

  it.each([
    { status: 401, body: { error: { code: 'unauthorized', message: 'bad token' } }, shows: ['HTTP 401', 'bad token', 'ADMIN_TOKEN'] },
    {
      status: 400,
      body: { error: { code: 'invalid_query', message: 'from must be YYYY-MM-DD' } },
      shows: ['HTTP 400', 'from must be YYYY-MM-DD'],
    },
    { status: 501, body: { error: { code: 'not_implemented', message: 'not built yet' } }, shows: ['HTTP 501', 'not built yet'] },
  ])('on HTTP $status prints the status and message to stderr and exits 1', async ({ status, body, shows }) => {
    // Prepare
    const { io, out, err } = fakeIo(() => json(status, body));

    // Act
    const code = await main(BASE, {}, io);

    // Assess
    expect(code).toBe(1);
    expect(out).toEqual([]);
    for (const s of shows) expect(err.join('')).toContain(s);
  });

  it('prints the province report: the total and a row per ward, from GET /reports/province', async () => {
    // Prepare
    const province = {
      period: REPORT.period,
      asOf: '2024-03-31T17:00:00+07:00',
      total: REPORT,
      wards: [{ ward: '000.00.12.H57', name: 'Phường Bình An', report: REPORT }],
    };
    const { io, out, calls } = fakeIo(() => json(200, province));

    // Act
    const code = await main([...BASE, '--province'], {}, io);

    // Assess
    expect(code).toBe(0);
    expect(calls[0].url).toBe('http://127.0.0.1:3000/reports/province?from=2023-01-01&to=2024-03-31');
    expect(out.join('')).toContain('tiếp nhận 11.701 hồ sơ');
    expect(out.join('')).toMatch(/\| 000\.00\.12\.H57 \| Phường Bình An \| 11\.701 \| 8\.979 \|/);
  });

  it('asks for one ward with --ward', async () => {
    // Prepare
    const { io, calls } = fakeIo(() => json(200, { ward: '000.00.12.H57', ...REPORT }));

    // Act
    const code = await main([...BASE, '--ward', '000.00.12.h57'], {}, io);

    // Assess
    expect(code).toBe(0);
    expect(calls[0].url).toBe('http://127.0.0.1:3000/reports/supervision?from=2023-01-01&to=2024-03-31&ward=000.00.12.H57');
  });

  it('exits 1 when the answer is not a report', async () => {
    // Prepare
    const { io, err } = fakeIo(() => json(200, { hello: 'world' }));

    // Act
    const code = await main(BASE, {}, io);

    // Assess
    expect(code).toBe(1);
    expect(err.join('')).toContain('supervision report');
  });

  it('suggests npm start when the connection is refused', async () => {
    // Prepare: the shape undici gives a refused connection.
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' }),
    });
    const { io, err } = fakeIo(() => Promise.reject(refused));

    // Act
    const code = await main(BASE, {}, io);

    // Assess
    expect(code).toBe(1);
    expect(err.join('')).toContain('npm start');
    expect(err.join('')).toContain('http://127.0.0.1:3000');
  });

  it.each([
    { argv: [...BASE, '--format', 'pdf'], code: 2, stream: 'err', shows: '--format' },
    { argv: ['--help'], code: 0, stream: 'out', shows: USAGE },
  ])('exits $code for $argv without calling the API', async ({ argv, code, stream, shows }) => {
    // Prepare
    const { io, out, err, calls } = fakeIo(() => json(200, REPORT));

    // Act
    const exit = await main(argv, {}, io);

    // Assess
    expect(exit).toBe(code);
    expect(calls).toEqual([]);
    expect((stream === 'out' ? out : err).join('')).toContain(shows);
  });
});
