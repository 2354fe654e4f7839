import { main, scorecardUrl, USAGE } from '../../functions/cli/scorecard';
import type { CliIo } from '../../functions/cli/report';
import type { StoredDossier } from '../../functions/core/ports';
import { type Scorecard, ScorecardTally } from '../../functions/core/scorecard';
import { renderScorecard } from '../../functions/core/scorecard-render';
import { record } from '../fixtures/records';

/** A scorecard of 4 dossiers, 3 online, one finished late, 25 received at the desk after the clock. */
function card(): Scorecard {
  const tally = new ScorecardTally({
    from: '2024-04-01',
    to: '2024-04-30',
    asOf: '2024-04-15T08:00:00+07:00',
    dueAt: (d) => d.record?.dueAt ?? null,
  });
  const stored = (n: number, over: Parameters<typeof record>[0]): StoredDossier => {
    const rec = record({ code: `000.00.12.H57-240401-${String(n).padStart(4, '0')}`, ...over });
    return { key: `K${n}`, code: rec.code, dueAt: rec.dueAt, record: rec, payments: [], postal: [], alerts: { overdue: null, soon: null } };
  };
  tally.add(stored(1, { status: 10, finishedAt: '2024-04-03T17:30:00+07:00', resultFile: true }));
  for (let n = 2; n <= 26; n++) tally.add(stored(n, { channel: 'direct', status: 4, dueAt: '2024-04-20T17:00:00+07:00' }));
  tally.settleForecast(null);
  return tally.scorecard('000.00.12.H57');
}

function io(answer: { status: number; body: string } | Error) {
  const out: string[] = [];
  const err: string[] = [];
  const urls: string[] = [];
  const fake: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    fetch: (async (url: string) => {
      urls.push(url);
      if (answer instanceof Error) throw answer;
      return new Response(answer.body, { status: answer.status });
    }) as unknown as typeof fetch,
  };
  return { fake, out, err, urls };
}

const ARGS = ['--from', '2024-04-01', '--to', '2024-04-30'];

describe('npm run scorecard', () => {
  it('prints the groups, every indicator, the why-lists, the forecast and what is not available, in Vietnamese', async () => {
    // Prepare
    const { fake, out, urls } = io({ status: 200, body: JSON.stringify(card()) });

    // Act
    const code = await main([...ARGS, '--ward', '000.00.12.h57', '--as-of', '2024-04-15T08:00:00+07:00'], {}, fake);

    // Assess
    const text = out.join('');
    expect(code).toBe(0);
    expect(urls).toEqual([
      'http://127.0.0.1:3000/reports/scorecard?from=2024-04-01&to=2024-04-30&asOf=2024-04-15T08%3A00%3A00%2B07%3A00&ward=000.00.12.H57',
    ]);
    for (const phrase of [
      'Tổng điểm tính được:',
      '/70 điểm',
      '| TDGQ | Tiến độ giải quyết | 19,23 | 20 |',
      '| TDGQ.1 | Hồ sơ giải quyết đúng hạn | 25 | 26 | 96,2% | 19,23 | 20 |',
      '| CLGQ.3 | Hồ sơ nộp trực tuyến | 1 | 26 | 3,8% | 0,46 | 6 |',
      '| MDHL.1 | Phản ánh, kiến nghị xử lý đúng hạn | 0 | 0 | — | 6,00 | 6 |',
      '## Vì sao mất điểm: TDGQ.1 – Hồ sơ giải quyết đúng hạn (mất 0,77 điểm)',
      '| 000.00.12.H57-240401-0001 | Giải quyết quá hạn | 1.001193 | HT | 03/04/2024 17:00 | 03/04/2024 17:30 | Bộ phận Tư pháp - Hộ tịch |',
      '… và 5 hồ sơ khác.',
      '## Hồ sơ có nguy cơ trễ hạn',
      '## Các chỉ số không tính được',
      '| CKMB | 18 |',
    ]) {
      expect(text).toContain(phrase);
    }
    expect(text).not.toMatch(/074190001234|0912345678|hong@example/);
  });

  it.each([['json'], ['html']])('prints --format %s', async (format) => {
    // Prepare
    const c = card();
    const { fake, out } = io({ status: 200, body: JSON.stringify(c) });

    // Act
    const code = await main([...ARGS, '--format', format], {}, fake);

    // Assess
    expect(code).toBe(0);
    if (format === 'json') expect(JSON.parse(out.join(''))).toEqual(c);
    else expect(out.join('')).toMatch(/^<!DOCTYPE html>[\s\S]*<td class="num">19,23<\/td>[\s\S]*<\/html>\n$/);
  });

  it.each<[string, string[], { status: number; body: string } | Error, number, RegExp]>([
    ['a bad date', ['--from', '2024-13-01', '--to', '2024-04-30'], { status: 200, body: '{}' }, 2, /--from/],
    ['--province', [...ARGS, '--province'], { status: 200, body: '{}' }, 2, /--province/],
    [
      'an unknown ward (404)',
      [...ARGS, '--ward', '000.00.99.H57'],
      { status: 404, body: '{"error":{"code":"unknown_ward","message":"No dossier of ward"}}' },
      1,
      /unknown_ward/,
    ],
    ['a stack that is not running', ARGS, Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 1, /npm start/],
    ['an answer that is not a scorecard', ARGS, { status: 200, body: '{"received":1}' }, 1, /không trả về bảng điểm/],
  ])('fails clearly on %s', async (_, argv, answer, exit, message) => {
    // Prepare
    const { fake, err } = io(answer);

    // Act
    const code = await main(argv, {}, fake);

    // Assess
    expect(code).toBe(exit);
    expect(err.join('')).toMatch(message);
  });

  it('prints its usage for --help, and builds the URL without the optional parameters', async () => {
    // Prepare
    const { fake, out } = io({ status: 200, body: '{}' });

    // Act
    const code = await main(['--help'], {}, fake);

    // Assess
    expect(code).toBe(0);
    expect(out.join('')).toBe(USAGE);
    expect(
      scorecardUrl({
        from: '2024-01-01',
        to: '2024-03-31',
        api: 'http://x',
        asOf: null,
        ward: null,
        token: 't',
        format: 'md',
        province: false,
      }),
    ).toBe('http://x/reports/scorecard?from=2024-01-01&to=2024-03-31');
    expect(renderScorecard(card(), 'md')).toContain('Bảng điểm');
  });
});
