/**
 * Many wards in one deployment, end to end on the spawned local stack: three wards' dossiers
 * through the portal webhook, the report of one ward (`?ward=`), of all of them, and the
 * province's (`GET /reports/province`), and overdue alerts routed by each ward's recipients
 * (a ward with its own lists, a ward with a name only, a ward the configuration does not know).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminGet, adminPost, LOCAL_SECRETS, poll, sesStore, signedPost, startStack, type SesEmail, type Stack } from './harness';

const SLOW_MS = 180_000;
const NOW = '2024-04-04T09:00:00+07:00';
const BINH_AN = '000.00.12.H57';
const BINH_TAY = '000.00.13.H58';
const UNLISTED = '000.00.14.H59';

const RECIPIENTS = {
  default: ['vanphong@tinh.local'],
  byField: {},
  wards: {
    [BINH_AN.toLowerCase()]: { name: 'Phường Bình An', default: ['chutich@binhan.local'], byField: { DD: ['diachinh@binhan.local'] } },
    [BINH_TAY]: { name: 'Phường Bình Tây' },
  },
};

const FIELDS = {
  HT: { MaLinhVuc: 'HT', TenLinhVuc: 'Hộ tịch', MaTTHC: '1.001193', TenTTHC: 'Thủ tục đăng ký khai sinh' },
  DD: { MaLinhVuc: 'DD', TenLinhVuc: 'Đất đai', MaTTHC: '1.003003', TenTTHC: 'Thủ tục hòa giải tranh chấp đất đai' },
} as const;

/** A record of ward `ward`: overdue at NOW when status 2 or 4 with the default due date. */
function portalRecord(ward: string, n: number, field: keyof typeof FIELDS, status: number, channel = 2, due = '20240403170000') {
  return {
    MaHoSo: `${ward}-240401-${String(n).padStart(4, '0')}`,
    ...FIELDS[field],
    KenhThucHien: channel,
    ChuHoSo: 'Trần Văn Bình',
    SoGiayToChuHoSo: '079212345612',
    NgayTiepNhan: '20240401083000',
    NgayHenTra: due,
    NgayKetThucXuLy: status === 10 ? '20240402100000' : undefined,
    TrangThaiHoSo: status,
    NgayCapNhat: '20240401083000',
    DonViXuLy: `Bộ phận ${FIELDS[field].TenLinhVuc}`,
  };
}

function summary(emails: SesEmail[]): string[] {
  return emails
    .map((e) => {
      const codes = [...(e.body.text ?? '').matchAll(/^\d+\. (\S+) \|/gm)].map((m) => m[1].replace(/-240401-/, '#')).sort();
      return `${e.destination.to.join(',')} ${e.subject}: ${codes.join(',')}`;
    })
    .sort();
}

describe('a province: many wards in one deployment', () => {
  let stack: Stack;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-province-'));
    const file = path.join(dir, 'recipients.json');
    writeFileSync(file, JSON.stringify(RECIPIENTS));
    stack = await startStack({ env: { RECIPIENTS_FILE: file } });
    const res = await signedPost(
      stack.api,
      '/webhooks/portal',
      {
        service: 'DongBoHoSoMC',
        isUpdating: false,
        data: [
          portalRecord(BINH_AN, 1, 'HT', 4), // overdue
          portalRecord(BINH_AN, 2, 'DD', 2, 1), // overdue, direct
          portalRecord(BINH_AN, 3, 'HT', 10), // finished early
          portalRecord(BINH_TAY, 1, 'DD', 4), // overdue
          portalRecord(BINH_TAY, 2, 'HT', 2, 2, '20240410170000'), // not due yet
          portalRecord(UNLISTED, 1, 'HT', 4), // overdue
        ],
      },
      LOCAL_SECRETS.PORTAL_SECRET,
    );
    expect(res.body).toMatchObject({ received: 6, applied: 6 });
  }, SLOW_MS);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, SLOW_MS);

  const period = `from=2024-04-01&to=2024-04-30&asOf=${encodeURIComponent(NOW)}`;

  it('reports one ward when asked (?ward=, any case), and every ward by default', async () => {
    // Act
    const one = await adminGet(stack.api, `/reports/supervision?${period}&ward=${BINH_AN.toLowerCase()}`);
    const all = await adminGet(stack.api, `/reports/supervision?${period}`);

    // Assess
    expect(one.status).toBe(200);
    expect(one.body.ward).toBe(BINH_AN);
    expect(one.body.received).toEqual({ total: 3, byChannel: { direct: 1, online: 2, postal: 0 } });
    expect(one.body.processing).toMatchObject({ finishedEarly: 1, openOverdue: 2, openOnTime: 0 });
    expect(all.status).toBe(200);
    expect(all.body.ward).toBeUndefined();
    expect(all.body.received.total).toBe(6);
    expect(all.body.processing).toMatchObject({ finishedEarly: 1, openOverdue: 4, openOnTime: 1 });
  });

  it('answers 400 naming `ward` for a malformed agency code, 404 for a ward never seen', async () => {
    // Act
    const bad = await adminGet(stack.api, `/reports/supervision?${period}&ward=${encodeURIComponent('H57/../x')}`);
    const unknown = await adminGet(stack.api, `/reports/supervision?${period}&ward=000.00.99.H99`);

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'ward', message: expect.stringContaining('agency code') }]);
    expect(unknown.status).toBe(404);
  });

  it('gives the province report: every ward with its name, and a total equal to the all-ward report', async () => {
    // Act
    const province = await adminGet(stack.api, `/reports/province?${period}`);
    const all = await adminGet(stack.api, `/reports/supervision?${period}`);

    // Assess
    expect(province.status).toBe(200);
    expect(province.body.total).toEqual(all.body);
    expect(
      province.body.wards.map((w: { ward: string; name: string | null; report: { received: { total: number } } }) => [
        w.ward,
        w.name,
        w.report.received.total,
      ]),
    ).toEqual([
      [BINH_AN, 'Phường Bình An', 3],
      [BINH_TAY, 'Phường Bình Tây', 2],
      [UNLISTED, null, 1],
    ]);
  });

  it("alerts each ward's leaders about their own dossiers, and the top level about the rest", async () => {
    // Act
    const scan = await adminPost(stack.api, '/admin/overdue-scan', { now: NOW });
    const emails = await poll(
      async () => {
        const got = await sesStore(stack.ses);
        return got.length >= 3 ? got : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: '3 emails' },
    );

    // Assess
    expect(scan.body).toEqual({ scanned: 4, flagged: 4, alertsQueued: 4 });
    expect(summary(emails)).toEqual([
      `chutich@binhan.local [Một cửa] 2 hồ sơ quá hạn: ${BINH_AN}#0001,${BINH_AN}#0002`,
      `diachinh@binhan.local [Một cửa] 1 hồ sơ quá hạn: ${BINH_AN}#0002`,
      `vanphong@tinh.local [Một cửa] 2 hồ sơ quá hạn: ${BINH_TAY}#0001,${UNLISTED}#0001`,
    ]);
  });
});
