/**
 * Dashboard bench: GET /dashboard on the local stack, signed in as a leader would be.
 *  1. One ward's 15 months (the seed stream, written into the stack's DynamoDB through the store):
 *     01/01/2023–31/03/2024, the first request (the facts read from DynamoDB) and the next ones
 *     (served from the function's cache). Target: ≤ 1 s.
 *  2. A province of 20 wards (12 months of 150 dossiers a month each, 36,000 dossiers, about 1 %
 *     stuck past their due date): the province page of a quarter, first and next requests.
 *     Target: ≤ 3 s.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { packMonths } from '../../functions/adapters/month-packer';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { effectiveDueAt } from '../../functions/core/overdue';
import { parsePortalMessage } from '../../functions/core/portal';
import { generateWardStream } from '../../events/generator/ward-stream';
import { ADMIN_TOKEN, type Stack, startStack } from '../e2e/harness';
import { offerMessage } from './report';

const RUNS = 5;

function storeOf(stack: Stack): DynamoDossierStore {
  const client = new DynamoDBClient({
    region: 'ap-southeast-1',
    endpoint: stack.dynamodb,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  return new DynamoDossierStore({ client, tableName: 'motcua-local', dueAt: (r) => effectiveDueAt(r) });
}

/** Packs the months that are over, as the daily job does (run two hours after the writes). */
async function packAsTheDailyJob(stack: Stack, store: DynamoDossierStore): Promise<void> {
  const client = new DynamoDBClient({
    region: 'ap-southeast-1',
    endpoint: stack.dynamodb,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const later = Date.now() + 2 * 3_600_000;
  const { packed } = await packMonths({ store, client, table: 'motcua-local', now: () => later });
  client.destroy();
  console.log(`  ${packed} month packs built, as the daily job builds them`);
}

async function signIn(api: string): Promise<string> {
  const res = await fetch(`${api}/dashboard/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: api },
    body: `token=${encodeURIComponent(ADMIN_TOKEN)}`,
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return cookie;
}

/** The first request's time and the median of the next RUNS. */
async function timePage(api: string, cookie: string, query: string): Promise<{ first: number; next: number; bytes: number }> {
  const get = async () => {
    const t0 = performance.now();
    const res = await fetch(`${api}/dashboard?${query}`, { headers: { cookie } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET /dashboard?${query}: HTTP ${res.status}`);
    return { ms: performance.now() - t0, bytes: Buffer.byteLength(body) };
  };
  const first = await get();
  const next: number[] = [];
  for (let i = 0; i < RUNS; i++) next.push((await get()).ms);
  next.sort((a, b) => a - b);
  return { first: first.ms, next: next[Math.floor(RUNS / 2)], bytes: first.bytes };
}

/**
 * A dossier record of ward `w`, number `i` of month `month` (YYYY-MM), as a ward's month looks at the
 * end of June 2024: finished within days (a few late), about 1 % stuck past its due date, a few
 * withdrawn or paused, and those of the last ten days still open and not yet due.
 */
function provinceRecord(w: string, month: string, i: number): Record<string, unknown> {
  const day = 1 + (i % 28);
  const ymd = (d: number) => `${month.replace('-', '')}${String(Math.min(28, d)).padStart(2, '0')}`;
  const recent = month === '2024-06' && day > 20;
  const status = recent ? (i % 2 ? 4 : 2) : i % 100 === 0 ? 4 : i % 50 === 1 ? 7 : i % 50 === 2 ? 5 : 10;
  const field = [
    ['HT', 'Hộ tịch', '1.001193', 'Thủ tục đăng ký khai sinh'],
    ['CT', 'Chứng thực', '2.000815', 'Thủ tục chứng thực bản sao từ bản chính'],
    ['DD', 'Đất đai', '1.003003', 'Thủ tục hòa giải tranh chấp đất đai'],
  ][i % 3];
  const due = recent ? `20240707170000` : `${ymd(day + 3)}170000`;
  return {
    MaHoSo: `${w}-${ymd(day).slice(2)}-${String(i).padStart(4, '0')}`,
    MaTTHC: field[2],
    TenTTHC: field[3],
    MaLinhVuc: field[0],
    TenLinhVuc: field[1],
    KenhThucHien: i % 3 === 0 ? 1 : 2,
    NgayTiepNhan: `${ymd(day)}081500`,
    NgayHenTra: due,
    // Finished one to four days after receipt, against a due date three days on: a few late.
    NgayKetThucXuLy: status === 10 ? `${ymd(day + 1 + (i % 4))}160000` : undefined,
    TrangThaiHoSo: status,
    NgayCapNhat: `${ymd(day + 4)}163000`,
    DonViXuLy: `Bộ phận ${field[1]}`,
    DanhSachLePhi: i % 2 ? [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: 'LP', Gia: 8000 }] : [],
  };
}

/** Prints the dashboard bench. */
export async function benchDashboard(): Promise<void> {
  console.log('\n## Dashboard (GET /dashboard on the local stack, signed in)');
  let stack = await startStack();
  try {
    const store = storeOf(stack);
    const { messages } = generateWardStream();
    const t0 = performance.now();
    for (const m of messages) await offerMessage(store, m);
    console.log(`seed stream written through the store in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await packAsTheDailyJob(stack, store);
    const cookie = await signIn(stack.api);
    const r = await timePage(stack.api, cookie, 'from=2023-01-01&to=2024-03-31');
    console.log(
      `one ward, 01/01/2023–31/03/2024: first request ${r.first.toFixed(0)} ms (reads DynamoDB), next ${r.next.toFixed(0)} ms (median of ${RUNS}, cached); ${(r.bytes / 1024).toFixed(0)} KB of HTML (target ≤ 1 s)`,
    );
  } finally {
    await stack.stop();
  }

  stack = await startStack();
  try {
    const store = storeOf(stack);
    const wards = Array.from({ length: 20 }, (_, i) => `000.00.${String(10 + i).padStart(2, '0')}.H57`);
    const months = [
      '2023-07',
      '2023-08',
      '2023-09',
      '2023-10',
      '2023-11',
      '2023-12',
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
      '2024-05',
      '2024-06',
    ];
    const t0 = performance.now();
    let n = 0;
    for (const w of wards) {
      for (const month of months) {
        const data = Array.from({ length: 150 }, (_, i) => provinceRecord(w, month, i + 1));
        const msg = parsePortalMessage({ service: 'DongBoHoSoMC', data });
        if (msg.service === 'DongBoHoSoMC') await store.offerRecords(msg.records);
        n += data.length;
      }
    }
    console.log(`province: ${n} dossiers of ${wards.length} wards written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await packAsTheDailyJob(stack, store);
    const cookie = await signIn(stack.api);
    const r = await timePage(stack.api, cookie, `period=quarter&quarter=2024-Q2&asOf=${encodeURIComponent('2024-06-30T17:00:00+07:00')}`);
    console.log(
      `province of 20 wards, Q2 2024: first request ${r.first.toFixed(0)} ms (reads DynamoDB), next ${r.next.toFixed(0)} ms (median of ${RUNS}, cached); ${(r.bytes / 1024).toFixed(0)} KB of HTML (target ≤ 3 s)`,
    );
  } finally {
    await stack.stop();
  }
}
