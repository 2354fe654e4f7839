/**
 * The council's figures, end to end: 15 months of phường Bình An (the generated stream, with
 * duplicates, disorder and payments before their dossiers) pushed through the local stack's HTTP
 * API as the portal, PayGov, VNPay, VNPost and the feedback systems (hotline 1022, the national
 * portal's PAKN) would send it (once per run, into the shared seeded stack: see seeded-stack.ts);
 * the report route and `npm run report` must then read exactly the notice
 * (seed/000_73e8d45149186de7.txt), its 22 feedback items included.
 */
import { main as reportCli } from '../../functions/cli/report';
import { EXPECTED_AS_OF, generateWardStream } from '../../events/generator/ward-stream';
import { adminGet } from './harness';
import { seededStack } from './seeded-stack';

jest.setTimeout(15 * 60 * 1000);

let stack: { api: string };
const { expected } = generateWardStream();

beforeAll(async () => {
  stack = await seededStack();
});

const report = async (from: string, to: string) => {
  const res = await adminGet(stack.api, `/reports/supervision?from=${from}&to=${to}&asOf=${encodeURIComponent(EXPECTED_AS_OF)}`);
  expect(res.status).toBe(200);
  return res.body;
};

it('reads the notice for 01/01/2023–31/03/2024: 11,701 received, 8,979 online, 2,722 at the desk', async () => {
  // Act
  const whole = await report('2023-01-01', '2024-03-31');

  // Assess
  expect(whole.received).toEqual({ total: 11701, byChannel: { online: 8979, direct: 2722, postal: 0 } });
  expect(whole).toEqual(expected.whole);
});

it('reads the feedback of the notice: 22 received through hotline 1022, all answered, none about conduct', async () => {
  // Act
  const whole = await report('2023-01-01', '2024-03-31');
  const province = await adminGet(stack.api, `/reports/province?from=2023-01-01&to=2024-03-31&asOf=${encodeURIComponent(EXPECTED_AS_OF)}`);

  // Assess
  expect(whole.feedback).toMatchObject({ received: 22, answered: 22, answeredOnTime: 22, answeredLate: 0, open: 0, aboutConduct: 0 });
  expect(whole.feedback).toEqual(expected.whole.feedback);
  expect(province.status).toBe(200);
  expect(province.body.total.feedback).toEqual(expected.whole.feedback);
  expect(province.body.wards.map((w: { ward: string; report: { feedback: unknown } }) => [w.ward, w.report.feedback])).toEqual([
    ['000.00.12.H57', expected.whole.feedback],
  ]);
});

it('reads the notice for 2023: 3,557 of 4,709 paid online (75.5 %), 67,170,000 VND', async () => {
  // Act
  const y2023 = await report('2023-01-01', '2023-12-31');

  // Assess
  expect(y2023.payments).toEqual({ dossiersWithFees: 4709, paidOnline: 3557, onlineRate: expect.closeTo(0.7554, 4), amountVnd: 67170000 });
  expect(y2023).toEqual(expected.year2023);
});

it('reads the notice for Q1 2024: 1,686 of 1,754 paid online (96.1 %), 22,778,000 VND', async () => {
  // Act
  const q1 = await report('2024-01-01', '2024-03-31');

  // Assess
  expect(q1.payments).toEqual({ dossiersWithFees: 1754, paidOnline: 1686, onlineRate: expect.closeTo(0.9612, 4), amountVnd: 22778000 });
  expect(q1).toEqual(expected.q1Of2024);
});

it('prints the figures as the council writes them with `npm run report`', async () => {
  // Prepare
  const out: string[] = [];
  const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), fetch: globalThis.fetch };

  // Act
  const codes = [
    await reportCli(['--from', '2023-01-01', '--to', '2024-03-31', '--api', stack.api, '--as-of', EXPECTED_AS_OF], {}, io),
    await reportCli(['--from', '2023-01-01', '--to', '2023-12-31', '--api', stack.api], {}, io),
    await reportCli(['--from', '2024-01-01', '--to', '2024-03-31', '--api', stack.api], {}, io),
  ];
  const formats: Record<string, string> = {};
  for (const format of ['md', 'html', 'json']) {
    const own: string[] = [];
    const args = ['--from', '2023-01-01', '--to', '2024-03-31', '--api', stack.api, '--as-of', EXPECTED_AS_OF, '--format', format];
    codes.push(await reportCli(args, {}, { ...io, stdout: (t: string) => void own.push(t) }));
    formats[format] = own.join('');
  }

  // Assess
  const text = out.join('');
  expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
  const sentence =
    'Đã tiếp nhận 22 tin phản ánh, kiến nghị; đã trả lời 22 (đúng hạn 22, trễ hạn 0); ' +
    'không có phản ánh, kiến nghị nào về hành vi nhũng nhiễu, gây phiền hà.';
  expect(formats.md).toContain(sentence);
  expect(formats.html).toContain(sentence);
  expect(JSON.parse(formats.json).feedback).toMatchObject({ received: 22, answered: 22, answeredOnTime: 22, aboutConduct: 0 });
  for (const phrase of [
    'tiếp nhận 11.701 hồ sơ',
    '8.979 hồ sơ',
    '2.722 hồ sơ',
    '3.557/4.709 hồ sơ',
    '75,5%',
    '67.170.000 đồng',
    '1.686/1.754 hồ sơ',
    '96,1%',
    '22.778.000 đồng',
  ]) {
    expect(text).toContain(phrase);
  }
});
