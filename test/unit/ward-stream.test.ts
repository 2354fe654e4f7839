import { createHash, createHmac } from 'node:crypto';
import { EXPECTED_AS_OF, generateWardStream, type PeriodFigures, type StreamMessage } from '../../events/generator/ward-stream';
import { referenceReport, referenceScorecard } from '../../events/generator/reference-report';
import { dossierKeysOf, loadStream } from '../../events/generator/load';
import { applyFeedback, feedbackDueAt, type FeedbackState } from '../../functions/core/feedback';
import { parseFeedbackMessage } from '../../functions/core/feedback-parser';
import { buildSupervisionReport } from '../../functions/core/report';

// The People's Council's notice (seed/000_73e8d45149186de7.txt), typed in from the text.
const NOTICE = {
  whole: { total: 11_701, online: 8_979, direct: 2_722, postal: 0 },
  year2023: { dossiersWithFees: 4_709, paidOnline: 3_557, amountVnd: 67_170_000 },
  q1Of2024: { dossiersWithFees: 1_754, paidOnline: 1_686, amountVnd: 22_778_000 },
};

const CODE = /^000\.00\.12\.H57-(\d{6})-(\d{4})$/;
const key = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
type Rec = Record<string, unknown>;

/** Every DongBoHoSoMC record with the index of the message that carried it. */
function records(messages: StreamMessage[]): { i: number; r: Rec }[] {
  return messages.flatMap((m, i) => (m.source === 'portal' && m.body.service === 'DongBoHoSoMC' ? m.body.data.map((r) => ({ i, r })) : []));
}

/** The newest record of each dossier (by NgayCapNhat), keyed like the store keys dossiers. */
function newest(messages: StreamMessage[]): Map<string, Rec> {
  const out = new Map<string, Rec>();
  for (const { r } of records(messages)) {
    const k = key(String(r.MaHoSo));
    const cur = out.get(k);
    if (!cur || String(r.NgayCapNhat) > String(cur.NgayCapNhat)) out.set(k, r);
  }
  return out;
}

const feeTotal = (r: Rec) => ((r.DanhSachLePhi as { Gia: number }[] | undefined) ?? []).reduce((s, f) => s + f.Gia, 0);

interface PaymentSeen {
  i: number; // position in the stream
  k: string; // dossier key
  tx: string; // transaction identity
  ok: boolean;
  amount: number;
  m: StreamMessage;
}

/** Payment messages as (dossier key, transaction id, success, amount). */
function payments(messages: StreamMessage[]): PaymentSeen[] {
  return messages.flatMap((m, i): PaymentSeen[] => {
    if (m.source === 'paygov') {
      const ref = String(m.body.MaThamChieu);
      return [{ i, k: ref.slice(3, -14), tx: `pg#${m.body.MaGiaoDich}`, ok: m.body.MaLoi === '00', amount: Number(m.body.SoTien), m }];
    }
    if (m.source === 'vnpay') {
      const ref = m.params.vnp_TxnRef;
      const ok = m.params.vnp_ResponseCode === '00' && m.params.vnp_TransactionStatus === '00';
      return [{ i, k: key(ref.slice(0, ref.lastIndexOf('_'))), tx: `vn#${ref}`, ok, amount: Number(m.params.vnp_Amount) / 100, m }];
    }
    return [];
  });
}

/** The UPU S10 check, computed here independently of the generator. */
function validS10(id: string): boolean {
  const m = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(id);
  if (!m) return false;
  const sum = [8, 6, 4, 2, 3, 5, 9, 7].reduce((s, w, i) => s + w * Number(m[1][i]), 0);
  const c = 11 - (sum % 11);
  return Number(m[2]) === (c === 10 ? 0 : c === 11 ? 5 : c);
}

// Generated once for the whole file: the stream is the fixture.
const stream = generateWardStream();

describe('generateWardStream', () => {
  const { messages, expected } = stream;

  it('expects exactly the notice figures for 01/01/2023–31/03/2024', () => {
    // Prepare
    const want = NOTICE.whole;

    // Act
    const got = expected.whole.received;

    // Assess
    expect(got).toEqual({ total: want.total, byChannel: { online: want.online, direct: want.direct, postal: want.postal } });
  });

  it('expects exactly the notice payment figures for 2023 and Q1 2024', () => {
    // Prepare
    const rate = (p: number, f: number) => Math.round((p / f) * 10_000) / 10_000;

    // Act
    const y = expected.year2023.payments;
    const q = expected.q1Of2024.payments;

    // Assess
    expect(y).toEqual({ ...NOTICE.year2023, onlineRate: rate(3_557, 4_709) });
    expect(q).toEqual({ ...NOTICE.q1Of2024, onlineRate: rate(1_686, 1_754) });
    expect((y.onlineRate * 100).toFixed(1)).toBe('75.5');
    expect((q.onlineRate * 100).toFixed(1)).toBe('96.1');
  });

  it('encodes those figures in the messages themselves (a reference reading of the stream)', () => {
    // Prepare
    const periods: [string, string, PeriodFigures][] = [
      ['2023-01-01', '2024-03-31', expected.whole],
      ['2023-01-01', '2023-12-31', expected.year2023],
      ['2024-01-01', '2024-03-31', expected.q1Of2024],
    ];

    // Act
    const read = periods.map(([from, to]) => referenceReport(messages, from, to, expected.asOf));

    // Assess
    periods.forEach(([, , want], i) => {
      expect(read[i]).toEqual(want);
    });
  });

  it('is deterministic for a seed and different for another, which still meets the notice', () => {
    // Prepare
    const digest = (ms: StreamMessage[]) => createHash('sha256').update(JSON.stringify(ms)).digest('hex');

    // Act
    const again = generateWardStream();
    const other = generateWardStream({ seed: 7 });

    // Assess
    expect(digest(again.messages)).toBe(digest(messages));
    expect(again.expected).toEqual(expected);
    expect(digest(other.messages)).not.toBe(digest(messages));
    expect(other.expected.whole.received).toEqual(expected.whole.received);
    expect(other.expected.year2023.payments).toEqual(expected.year2023.payments);
    expect(other.expected.q1Of2024.payments).toEqual(expected.q1Of2024.payments);
  });

  it('keeps a reasonable size: batches of 1–100 records, under 20,000 messages', () => {
    // Prepare
    const portal = messages.filter((m) => m.source === 'portal');

    // Act
    const sizes = portal.map((m) => (m.source === 'portal' ? m.body.data.length : 0));

    // Assess
    expect(messages.length).toBeLessThan(20_000);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100); // the contract allows 500
    expect(sizes).toContain(100); // the outage backlogs fill whole batches
  });

  it('names every dossier with a well-formed MaHoSo dated on its day of receipt', () => {
    // Prepare
    const all = records(messages).map(({ r }) => String(r.MaHoSo));

    // Act
    const malformed = all.filter((c) => !CODE.test(c));
    const misdated = [...newest(messages).values()].filter((r) => CODE.exec(String(r.MaHoSo))?.[1] !== String(r.NgayTiepNhan).slice(2, 8));

    // Assess
    expect(all.length).toBeGreaterThan(12_000);
    expect(malformed).toEqual([]);
    expect(misdated).toEqual([]);
  });

  it('delivers the same portal batch twice, and payments two or three times', () => {
    // Prepare
    const seenBatches = new Map<string, number>();
    const txCount = new Map<string, number>();

    // Act
    for (const m of messages) {
      if (m.source === 'portal') {
        const s = JSON.stringify(m.body);
        seenBatches.set(s, (seenBatches.get(s) ?? 0) + 1);
      }
    }
    for (const p of payments(messages)) txCount.set(p.tx, (txCount.get(p.tx) ?? 0) + 1);

    // Assess
    expect([...seenBatches.values()].filter((n) => n > 1).length).toBeGreaterThan(10);
    expect([...txCount.values()].filter((n) => n === 2).length).toBeGreaterThan(100);
    expect([...txCount.values()].filter((n) => n === 3).length).toBeGreaterThan(10);
  });

  it('sends payments before their dossiers and portal versions out of order', () => {
    // Prepare
    const firstRecordAt = new Map<string, number>();
    for (const { i, r } of records(messages)) if (!firstRecordAt.has(key(String(r.MaHoSo)))) firstRecordAt.set(key(String(r.MaHoSo)), i);
    const newestSoFar = new Map<string, string>();

    // Act
    const early = payments(messages).filter((p) => (firstRecordAt.get(p.k) ?? Infinity) > p.i);
    let stale = 0;
    for (const { r } of records(messages)) {
      const k = key(String(r.MaHoSo));
      const prev = newestSoFar.get(k);
      if (prev && String(r.NgayCapNhat) < prev) stale++;
      else newestSoFar.set(k, String(r.NgayCapNhat));
    }

    // Assess
    expect(early.length).toBeGreaterThan(100);
    expect(early.every((p) => firstRecordAt.has(p.k))).toBe(true); // the dossier does come, later
    expect(stale).toBeGreaterThan(50);
  });

  it('has failed attempts (PayGov and VNPay) followed by a success, and wrong amounts', () => {
    // Prepare
    const latest = newest(messages);
    const byDossier = new Map<string, PaymentSeen[]>();
    for (const p of payments(messages)) byDossier.set(p.k, [...(byDossier.get(p.k) ?? []), p]);

    // Act
    const failedThenPaid = [...byDossier.values()].filter((ps) => {
      const firstOk = ps.findIndex((p) => p.ok);
      return firstOk > 0 && ps.slice(0, firstOk).some((p) => !p.ok);
    });
    const failedSources = new Set(
      payments(messages)
        .filter((p) => !p.ok)
        .map((p) => p.m.source),
    );
    const wrong = payments(messages).filter((p) => p.ok && latest.has(p.k) && p.amount !== feeTotal(latest.get(p.k)!));
    const wrongAlsoPaid = wrong.filter((w) => byDossier.get(w.k)!.some((p) => p.ok && p.amount === feeTotal(latest.get(p.k)!)));

    // Assess
    expect(failedThenPaid.length).toBeGreaterThan(100);
    expect([...failedSources].sort()).toEqual(['paygov', 'vnpay']);
    expect(new Set(wrong.map((w) => w.k)).size).toBeGreaterThanOrEqual(10);
    expect(wrongAlsoPaid.length).toBeGreaterThan(0);
  });

  it('receives dossiers at 23:30 on 2023-12-31 and 00:30 on 2024-01-01, Vietnam time', () => {
    // Prepare
    const received = [...newest(messages).values()].filter((r) => ![1, 3].includes(Number(r.TrangThaiHoSo)));

    // Act
    const at = (prefix: string) => received.filter((r) => String(r.NgayTiepNhan).startsWith(prefix));

    // Assess
    expect(at('202312312330')).toHaveLength(1);
    expect(at('202401010030')).toHaveLength(1);
    expect(at('202212312345')).toHaveLength(1); // just before the period
    expect(at('202404010010')).toHaveLength(1); // just after it
  });

  it('covers the statuses: registered, refused, withdrawn, paused, finished late, supplements', () => {
    // Prepare
    const latest = [...newest(messages).values()];
    const all = records(messages).map(({ r }) => r);

    // Act
    const statuses = new Set(latest.map((r) => Number(r.TrangThaiHoSo)));
    const supplemented = all.filter(
      (r) => Array.isArray(r.DanhSachHoSoBoSung) && (r.DanhSachHoSoBoSung as Rec[])[0]?.NgayHenTraMoi === r.NgayHenTra,
    );
    const late = latest.filter((r) => r.NgayKetThucXuLy && String(r.NgayKetThucXuLy).slice(0, 8) > String(r.NgayHenTra).slice(0, 8));
    const fullPath = new Set<string>();
    const seq = new Map<string, number[]>();
    const versions = new Map<string, Rec>(all.map((r) => [`${String(r.MaHoSo)}@${String(r.NgayCapNhat)}`, r])); // repeats once
    for (const r of [...versions.values()].sort((a, b) => String(a.NgayCapNhat).localeCompare(String(b.NgayCapNhat)))) {
      const k = String(r.MaHoSo);
      seq.set(k, [...(seq.get(k) ?? []), Number(r.TrangThaiHoSo)]);
    }
    for (const [k, s] of seq) if (s.join(',').includes('2,4') && s.join(',').endsWith('9,10')) fullPath.add(k);

    // Assess
    expect([...statuses].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(supplemented.length).toBeGreaterThan(50);
    expect(late.length).toBeGreaterThan(100);
    expect(fullPath.size).toBeGreaterThan(300);
  });

  it('sends postal events with valid S10 numbers, for postal-channel and by-post dossiers', () => {
    // Prepare
    const postal = messages.filter((m): m is Extract<StreamMessage, { source: 'postal' }> => m.source === 'postal');
    const latest = newest(messages);

    // Act
    const invalid = postal.filter((m) => !validS10(m.body.trackingNumber));
    const types = new Set(postal.map((m) => m.body.type));
    const targets = new Set(
      postal.map((m) => {
        const r = latest.get(key(m.body.MaHoSo));
        return r ? `${Number(r.KenhThucHien)}/${Number(r.HinhThuc)}` : 'unknown';
      }),
    );
    const stray = [...latest.values()]
      .filter((r) => Number(r.KenhThucHien) === 3 && ![1, 3].includes(Number(r.TrangThaiHoSo)))
      .filter((r) => String(r.NgayTiepNhan) >= '20230101' && String(r.NgayTiepNhan) < '20240401');

    // Assess
    expect(postal.length).toBeGreaterThan(100);
    expect(invalid).toEqual([]);
    expect([...types].sort()).toEqual([
      'COLLECTED',
      'DELIVERED_TO_AGENCY',
      'DELIVERY_FAILED',
      'RESULT_DELIVERED',
      'RESULT_PICKED_UP',
      'RETURNED_TO_AGENCY',
    ]);
    expect(targets.has('unknown')).toBe(false);
    expect([...targets].some((t) => t.startsWith('3/'))).toBe(true);
    expect([...targets].some((t) => !t.startsWith('3/') && t.endsWith('/1'))).toBe(true);
    expect(stray).toEqual([]); // no postal dossier received inside the period
  });

  it('gives applicants Vietnamese names, 12-digit CCCD and 10-digit phones (for the pipeline to mask)', () => {
    // Prepare
    const sample = records(messages)
      .slice(0, 500)
      .map(({ r }) => r);

    // Act
    const ids = sample.map((r) => String(r.SoGiayToChuHoSo));
    const phones = sample.map((r) => String(r.SoDienThoai));
    const names = sample.map((r) => String(r.ChuHoSo));

    // Assess
    expect(ids.every((s) => /^\d{12}$/.test(s))).toBe(true);
    expect(phones.every((s) => /^0\d{9}$/.test(s))).toBe(true);
    expect(names.some((n) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(n))).toBe(true);
  });
});

describe('the Decision 766 fields of the stream', () => {
  const { messages } = stream;

  it('sends TaiLieuNop, DanhSachGiayToKetQua and TaiKhoanDuocXacThucVoiVNeID in the contract’s forms, and leaves them out of a few records', () => {
    // Prepare
    const all = records(messages).map(({ r }) => r);

    // Act
    const withParts = all.filter((r) => Array.isArray(r.TaiLieuNop));
    const finished = all.filter((r) => [9, 10].includes(Number(r.TrangThaiHoSo)));
    const flags = new Set(withParts.flatMap((r) => (r.TaiLieuNop as Rec[]).map((c) => JSON.stringify(c.DuocTaiSuDung))));

    // Assess
    expect(withParts.length / all.length).toBeGreaterThan(0.9);
    expect(withParts.length).toBeLessThan(all.length);
    expect([...flags].sort()).toEqual(['"0"', '"1"', '"2"', '0', '1', '2']);
    expect(finished.filter((r) => Array.isArray(r.DanhSachGiayToKetQua)).length / finished.length).toBeGreaterThan(0.9);
    expect(all.filter((r) => r.TaiKhoanDuocXacThucVoiVNeID !== undefined).length).toBeGreaterThan(1000);
  });

  it.each([
    ['2023-01-01', '2023-12-31'],
    ['2024-01-01', '2024-03-31'],
  ])('gives a scorecard from %s to %s that is neither empty nor full on any dossier indicator (reference reading)', (from, to) => {
    // Act
    const card = referenceScorecard(messages, from, to, EXPECTED_AS_OF);

    // Assess
    for (const [code, i] of Object.entries(card)) {
      expect([code, i.denominator > 0]).toEqual([code, true]);
      expect([code, i.numerator > 0 && i.numerator <= i.denominator]).toEqual([code, true]);
    }
    for (const code of ['TDGQ.1', 'TTTT.A', 'MDSH.1', 'MDSH.2', 'MDSH.3', 'MDSH.4', 'MDSH.5'] as const) {
      expect([code, card[code].numerator < card[code].denominator]).toEqual([code, true]);
    }
  });
});

describe('loadStream', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('signs every message, keeps each dossier in stream order and retries a 503', async () => {
    // Prepare
    const slice = stream.messages.slice(0, 400);
    const seen: { i: number; keys: string[] }[] = [];
    let failedOnce = false;
    const bad: string[] = [];
    global.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      let i = -1;
      if (url.pathname === '/payments/vnpay/ipn') {
        const q = url.searchParams;
        const signed = [...q.keys()]
          .filter((k) => k !== 'vnp_SecureHash' && q.get(k) !== '')
          .sort()
          .map((k) => new URLSearchParams([[k, q.get(k)!]]).toString())
          .join('&');
        if (createHmac('sha512', 'local-vnpay-secret').update(signed).digest('hex') !== q.get('vnp_SecureHash')) bad.push('vnpay');
        i = slice.findIndex((m, j) => m.source === 'vnpay' && m.params.vnp_TxnRef === q.get('vnp_TxnRef') && !seen.some((s) => s.i === j));
      } else {
        const raw = String(init?.body);
        const body = JSON.parse(raw) as Rec;
        if (url.pathname === '/payments/paygov/confirm') {
          const f = [
            'LoaiBanTin',
            'MaLoi',
            'MaDoiTac',
            'MaThamChieu',
            'SoTien',
            'MaTienTe',
            'MaGiaoDich',
            'MaNganHang',
            'ThoiGianGD',
            'ThongTinGiaoDich',
          ];
          if (
            createHash('sha256')
              .update([...f.map((k) => String(body[k])), 'local-paygov-secret'].join('|'))
              .digest('hex') !== body.MaXacThuc
          )
            bad.push('paygov');
          i = slice.findIndex((m, j) => m.source === 'paygov' && m.body.MaGiaoDich === body.MaGiaoDich && !seen.some((s) => s.i === j));
        } else {
          const header = String((init?.headers as Record<string, string> | undefined)?.['x-motcua-signature']);
          const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
          const secret =
            { '/webhooks/portal': 'local-portal-secret', '/webhooks/feedback': 'local-feedback-secret' }[url.pathname] ??
            'local-postal-secret';
          if (createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex') !== v1) bad.push(url.pathname);
          i = slice.findIndex(
            (m, j) =>
              (m.source === 'portal' || m.source === 'postal' || m.source === 'feedback') &&
              JSON.stringify(m.body) === raw &&
              !seen.some((s) => s.i === j),
          );
        }
      }
      if (!failedOnce) {
        failedOnce = true;
        return new Response('{"error":{"code":"unavailable"}}', { status: 503 });
      }
      seen.push({ i, keys: dossierKeysOf(slice[i]) });
      const m = slice[i];
      const json =
        m.source === 'portal' || m.source === 'feedback'
          ? { received: m.body.data.length, applied: m.body.data.length, duplicate: 0, stale: 0 }
          : m.source === 'paygov'
            ? { MaLoi: '00', MoTaLoi: 'OK' }
            : m.source === 'vnpay'
              ? { RspCode: '00', Message: 'Confirm Success' }
              : { status: 'applied' };
      return new Response(JSON.stringify(json), { status: 200 });
    }) as typeof fetch;

    // Act
    const summary = await loadStream('http://stack.test', slice, { concurrency: 8, backoffMs: 0 });

    // Assess
    expect(bad).toEqual([]);
    expect(summary.sent).toBe(slice.length);
    expect(summary.retried).toBe(1);
    const lastByKey = new Map<string, number>();
    const outOfOrder = seen.filter(({ i, keys }) => {
      const wrong = keys.some((k) => (lastByKey.get(k) ?? -1) > i);
      for (const k of keys) lastByKey.set(k, i);
      return wrong;
    });
    expect(outOfOrder).toEqual([]);
  });

  it('throws with the message and the answer on an unexpected answer', async () => {
    // Prepare
    const first = stream.messages.find((m) => m.source === 'paygov')!;
    global.fetch = (async () => new Response('{"MaLoi":"01","MoTaLoi":"Sai chữ ký"}', { status: 200 })) as typeof fetch;

    // Act
    const run = loadStream('http://stack.test', [first], { backoffMs: 0 });

    // Assess
    await expect(run).rejects.toThrow(/paygov PG\d+.*MaLoi":"01"/);
  });
});

describe('the ward feedback in the stream', () => {
  const { messages, expected } = stream;
  const feedback = messages.flatMap((m, i) => (m.source === 'feedback' ? m.body.data.map((r) => ({ i, r })) : []));
  const inPeriod = (r: Rec) => String(r.NgayTiepNhan) >= '20230101000000' && String(r.NgayTiepNhan) <= '20240331235959';

  it('expects the notice: 22 items received in the period, all answered on time, none about conduct', () => {
    // Act
    const whole = expected.whole.feedback;

    // Assess
    expect(whole).toMatchObject({ received: 22, answered: 22, answeredOnTime: 22, answeredLate: 0, open: 0, refused: 0, aboutConduct: 0 });
    expect(expected.year2023.feedback.received + expected.q1Of2024.feedback.received).toBe(22);
    expect(expected.year2023.feedback.received).toBe(17);
  });

  it('sends 22 distinct items of the period, all through hotline 1022, and items outside it', () => {
    // Act
    const ids = new Set(feedback.filter(({ r }) => inPeriod(r)).map(({ r }) => String(r.MaPhanAnh)));
    const outside = new Set(feedback.filter(({ r }) => !inPeriod(r)).map(({ r }) => String(r.MaPhanAnh)));

    // Assess
    expect(ids.size).toBe(22);
    expect(feedback.filter(({ r }) => inPeriod(r)).every(({ r }) => r.NguonTiepNhan === '1022' && r.PhanLoai !== 2)).toBe(true);
    expect(outside.size).toBeGreaterThanOrEqual(2);
    // The edges of the year in Vietnam time: 23:40 on 31/12/2023 and 00:20 on 01/01/2024.
    expect(feedback.some(({ r }) => String(r.NgayTiepNhan).startsWith('202312312340'))).toBe(true);
    expect(feedback.some(({ r }) => String(r.NgayTiepNhan).startsWith('202401010020'))).toBe(true);
  });

  it('repeats versions and delivers some after a newer one (stale), with statuses 1 to 5 and answers with their date', () => {
    // Prepare
    const newestSoFar = new Map<string, string>();
    let stale = 0;
    const seen = new Set<string>();
    let repeats = 0;

    // Act
    for (const { r } of feedback) {
      const id = String(r.MaPhanAnh);
      const version = `${id}#${String(r.NgayCapNhat)}`;
      if (seen.has(version)) repeats++;
      seen.add(version);
      if ((newestSoFar.get(id) ?? '') > String(r.NgayCapNhat)) stale++;
      if (String(r.NgayCapNhat) > (newestSoFar.get(id) ?? '')) newestSoFar.set(id, String(r.NgayCapNhat));
    }

    // Assess
    expect(repeats).toBeGreaterThan(10);
    expect(stale).toBeGreaterThan(2);
    expect(new Set(feedback.map(({ r }) => Number(r.TrangThai)))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    for (const { r } of feedback) if (r.TrangThai === 4 || r.TrangThai === 5) expect(r.NgayTraLoi).toMatch(/^\d{14}$/);
    expect(feedback.some(({ r }) => typeof r.MaHoSo === 'string' && CODE.test(r.MaHoSo))).toBe(true);
    expect(feedback.some(({ r }) => typeof r.HanXuLy === 'string')).toBe(true);
  });

  it("reads the same feedback figures through the pipeline's own parser, fold and report", () => {
    // Prepare
    const states = new Map<string, FeedbackState>();
    for (const m of messages) {
      if (m.source !== 'feedback') continue;
      for (const { item } of parseFeedbackMessage(m.body).items)
        states.set(item.id, applyFeedback(states.get(item.id) ?? null, item).state);
    }
    const stored = [...states.values()].map(({ item }) => ({ item, dueAt: feedbackDueAt(item) }));
    const options = { asOf: expected.asOf, dueAt: () => null };

    // Act
    const read = [
      buildSupervisionReport([], { ...options, from: '2023-01-01', to: '2024-03-31' }, stored).feedback,
      buildSupervisionReport([], { ...options, from: '2023-01-01', to: '2023-12-31' }, stored).feedback,
      buildSupervisionReport([], { ...options, from: '2024-01-01', to: '2024-03-31' }, stored).feedback,
    ];

    // Assess
    expect(read).toEqual([expected.whole.feedback, expected.year2023.feedback, expected.q1Of2024.feedback]);
  });
});
