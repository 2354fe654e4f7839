/**
 * A reference reading of a message stream: the supervision report (CONTRACT 5) computed straight
 * from the messages, with the contract's rules and nothing of the pipeline's code (the feedback
 * block's deadlines from the generator's own calendar). It lets the tests
 * check that what the generator *sends* encodes the notice's figures (not only its ground truth),
 * and lets an end-to-end run compare the live report with what the stream should give.
 */
import { addWorkingDays, at, dayOfIso } from './calendar';
import type { PeriodFigures, StreamMessage } from './ward-stream';

interface DossierView {
  record: Record<string, unknown> | null;
  /** Counted candidates: transaction id → amount, for successful payments only. */
  successes: Map<string, number>;
}

const key = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
const compactDay = (c: unknown): string => {
  const s = String(c);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
};
const compactMs = (c: unknown): number => {
  const s = String(c);
  return Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}+07:00`);
};
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Folds the stream into one view per dossier: newest record, successful payments by transaction. */
export function foldStream(messages: readonly StreamMessage[]): Map<string, DossierView> {
  const views = new Map<string, DossierView>();
  const view = (k: string): DossierView => {
    let v = views.get(k);
    if (!v) {
      v = { record: null, successes: new Map() };
      views.set(k, v);
    }
    return v;
  };
  for (const m of messages) {
    if (m.source === 'portal') {
      if (m.body.service !== 'DongBoHoSoMC') continue;
      for (const r of m.body.data) {
        const v = view(key(String(r.MaHoSo)));
        // A record not newer than the stored one changes nothing (CONTRACT 3.2).
        if (!v.record || String(r.NgayCapNhat) > String(v.record.NgayCapNhat)) v.record = r;
      }
    } else if (m.source === 'paygov') {
      const ref = String(m.body.MaThamChieu);
      const v = view(ref.slice(3, ref.length - 14));
      if (String(m.body.MaLoi) === '00') v.successes.set(`paygov#${m.body.MaGiaoDich}`, Number(m.body.SoTien));
    } else if (m.source === 'vnpay') {
      const ref = m.params.vnp_TxnRef;
      const v = view(key(ref.slice(0, ref.lastIndexOf('_'))));
      if (m.params.vnp_ResponseCode === '00' && m.params.vnp_TransactionStatus === '00') {
        v.successes.set(`vnpay#${ref}`, Number(m.params.vnp_Amount) / 100);
      }
    }
  }
  return views;
}

/** The newest version of each feedback item (by NgayCapNhat), by MaPhanAnh (CONTRACT 3.6). */
export function foldFeedback(messages: readonly StreamMessage[]): Map<string, Record<string, unknown>> {
  const items = new Map<string, Record<string, unknown>>();
  for (const m of messages) {
    if (m.source !== 'feedback') continue;
    for (const r of m.body.data) {
      const cur = items.get(String(r.MaPhanAnh));
      if (!cur || String(r.NgayCapNhat) > String(cur.NgayCapNhat)) items.set(String(r.MaPhanAnh), r);
    }
  }
  return items;
}

/**
 * The feedback block (CONTRACT 5) read from the messages: the items of the period by the Vietnam
 * date of NgayTiepNhan, their deadline HanXuLy or 17:00 of the 15th working day after that date
 * (the generator's own calendar), where they stand at `asOf`.
 */
export function referenceFeedback(messages: readonly StreamMessage[], from: string, to: string, asOf: string): PeriodFigures['feedback'] {
  const asOfMs = Date.parse(asOf);
  const f: PeriodFigures['feedback'] = {
    received: 0,
    answered: 0,
    answeredOnTime: 0,
    answeredLate: 0,
    open: 0,
    openOverdue: 0,
    refused: 0,
    aboutProcedures: 0,
    aboutConduct: 0,
    dissatisfied: 0,
  };
  for (const r of foldFeedback(messages).values()) {
    const day = compactDay(r.NgayTiepNhan);
    if (day < from || day > to) continue;
    f.received++;
    const deadline = r.HanXuLy ? compactMs(r.HanXuLy) : at(addWorkingDays(dayOfIso(day), 15), 17);
    const status = Number(r.TrangThai);
    if (status === 4 || status === 5) {
      f.answered++;
      if (compactMs(r.NgayTraLoi) <= deadline) f.answeredOnTime++;
      else f.answeredLate++;
    } else if (status === 6) f.refused++;
    else {
      f.open++;
      if (asOfMs > deadline) f.openOverdue++;
    }
    if (Number(r.PhanLoai) === 1) f.aboutProcedures++;
    if (Number(r.PhanLoai) === 2) f.aboutConduct++;
    if (Number(r.DanhGia) === 2) f.dissatisfied++;
  }
  return f;
}

/** The report of [from, to] (dates of receipt, Vietnam time) at the report clock `asOf`. */
export function referenceReport(messages: readonly StreamMessage[], from: string, to: string, asOf: string): PeriodFigures {
  const asOfMs = Date.parse(asOf);
  const f: PeriodFigures = {
    period: { from, to },
    received: { total: 0, byChannel: { direct: 0, online: 0, postal: 0 } },
    payments: { dossiersWithFees: 0, paidOnline: 0, onlineRate: 0, amountVnd: 0 },
    processing: { finishedEarly: 0, finishedOnTime: 0, finishedLate: 0, openOnTime: 0, openOverdue: 0, withdrawn: 0, onTimeRate: 0 },
    byField: [],
    feedback: referenceFeedback(messages, from, to, asOf),
  };
  const fields = new Map<string, PeriodFigures['byField'][number]>();
  for (const v of foldStream(messages).values()) {
    const r = v.record;
    if (!r) continue;
    const status = Number(r.TrangThaiHoSo);
    if (status === 1 || status === 3) continue;
    const day = compactDay(r.NgayTiepNhan);
    if (day < from || day > to) continue;
    f.received.total++;
    f.received.byChannel[(['direct', 'online', 'postal'] as const)[Number(r.KenhThucHien) - 1]]++;
    const fieldCode = String(r.MaLinhVuc);
    const field = fields.get(fieldCode) ?? {
      MaLinhVuc: fieldCode,
      TenLinhVuc: String(r.TenLinhVuc),
      received: 0,
      finishedLate: 0,
      openOverdue: 0,
    };
    fields.set(fieldCode, field);
    field.received++;
    const fees = (r.DanhSachLePhi as { Gia: number }[] | undefined) ?? [];
    const total = fees.reduce((s, x) => s + Number(x.Gia), 0);
    if (total > 0) {
      f.payments.dossiersWithFees++;
      const counted = [...v.successes.values()].filter((amount) => amount === total);
      if (counted.length > 0) f.payments.paidOnline++;
      f.payments.amountVnd += counted.reduce((s, x) => s + x, 0);
    }
    const due = compactMs(r.NgayHenTra);
    if (status === 9 || status === 10) {
      const done = compactDay(r.NgayKetThucXuLy);
      const dueDay = compactDay(r.NgayHenTra);
      if (done < dueDay) f.processing.finishedEarly++;
      else if (done === dueDay) f.processing.finishedOnTime++;
      else {
        f.processing.finishedLate++;
        field.finishedLate++;
      }
    } else if (status === 7) f.processing.withdrawn++;
    else if ((status === 2 || status === 4) && asOfMs > due) {
      f.processing.openOverdue++;
      field.openOverdue++;
    } else f.processing.openOnTime++;
  }
  const pr = f.processing;
  const finished = pr.finishedEarly + pr.finishedOnTime + pr.finishedLate;
  pr.onTimeRate = finished ? round4((pr.finishedEarly + pr.finishedOnTime) / finished) : 0;
  f.payments.onlineRate = f.payments.dossiersWithFees ? round4(f.payments.paidOnline / f.payments.dossiersWithFees) : 0;
  f.byField = [...fields.values()].sort((a, b) => (a.MaLinhVuc < b.MaLinhVuc ? -1 : a.MaLinhVuc > b.MaLinhVuc ? 1 : 0));
  return f;
}

/** One indicator of the reference scorecard (CONTRACT 7): counts, ratio (4 decimals or null), score (2 decimals). */
export interface ReferenceIndicator {
  numerator: number;
  denominator: number;
  ratio: number | null;
  score: number;
}

/**
 * The dossier-based indicators of the Decision 766 scorecard (CONTRACT 7) read straight from the
 * messages, with the contract's words and nothing of the pipeline's code: the e2e test compares
 * the live `GET /reports/scorecard` with it. The stream has no feedback items, so MDHL.1 and MDHL.2
 * are not computed here, and MDHL.3 counts every on-time dossier (none is named by an item).
 */
export function referenceScorecard(
  messages: readonly StreamMessage[],
  from: string,
  to: string,
  asOf: string,
): Record<'TDGQ.1' | 'CLGQ.3' | 'TTTT.A' | 'TTTT.B' | 'MDSH.1' | 'MDSH.2' | 'MDSH.3' | 'MDSH.4' | 'MDSH.5' | 'MDHL.3', ReferenceIndicator> {
  const asOfMs = Date.parse(asOf);
  const one = (v: unknown): boolean => v === true || Number(v) === 1;
  const counts = {
    received: 0,
    onTime: 0,
    online: 0,
    withFees: 0,
    paid: 0,
    finished: 0,
    finishedWithFile: 0,
    digitisedWithResult: 0,
    reused: 0,
    fromStore: 0,
    vneid: 0,
  };
  const procedures = new Map<string, boolean>();
  for (const v of foldStream(messages).values()) {
    const r = v.record;
    if (!r) continue;
    const status = Number(r.TrangThaiHoSo);
    if (status === 1 || status === 3) continue;
    const day = compactDay(r.NgayTiepNhan);
    if (day < from || day > to) continue;
    counts.received++;
    const due = compactMs(r.NgayHenTra);
    const finished = status === 9 || status === 10;
    const supplements = ((r.DanhSachHoSoBoSung as unknown[] | undefined) ?? []).length;
    const onTime =
      status === 7 ||
      (finished && compactMs(r.NgayKetThucXuLy) <= due && supplements <= 1) ||
      [5, 6, 8].includes(status) ||
      ((status === 2 || status === 4) && asOfMs <= due);
    if (onTime) counts.onTime++;
    if (Number(r.KenhThucHien) === 2) counts.online++;
    const total = ((r.DanhSachLePhi as { Gia: number }[] | undefined) ?? []).reduce((s, x) => s + Number(x.Gia), 0);
    if (total > 0) {
      const paid = [...v.successes.values()].some((amount) => amount === total);
      counts.withFees++;
      if (paid) counts.paid++;
      procedures.set(String(r.MaTTHC), (procedures.get(String(r.MaTTHC)) ?? false) || paid);
    }
    const parts = (r.TaiLieuNop as Record<string, unknown>[] | undefined) ?? [];
    const results = (r.DanhSachGiayToKetQua as Record<string, unknown>[] | undefined) ?? [];
    const file = results.some((x) => typeof x.DuongDanTepTinKetQua === 'string' && x.DuongDanTepTinKetQua.trim() !== '');
    if (finished) {
      counts.finished++;
      if (file) counts.finishedWithFile++;
    }
    if ((one(r.HoSoCoThanhPhanSoHoa) || parts.some((c) => one(c.DuocSoHoa))) && finished && file) counts.digitisedWithResult++;
    if (parts.some((c) => [1, 2].includes(Number(c.DuocTaiSuDung)))) counts.reused++;
    if (parts.some((c) => one(c.DuocLayTuKhoDMQG))) counts.fromStore++;
    if (one(r.TaiKhoanDuocXacThucVoiVNeID)) counts.vneid++;
  }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const ind = (num: number, den: number, max: number, fullAt: number | null): ReferenceIndicator => {
    if (den === 0) return { numerator: 0, denominator: 0, ratio: null, score: 0 };
    const ratio = num / den;
    return {
      numerator: num,
      denominator: den,
      ratio: round4(ratio),
      score: r2(fullAt === null ? max * ratio : max * Math.min(1, ratio / fullAt)),
    };
  };
  const n = counts.received;
  const procs = [...procedures.values()];
  return {
    'TDGQ.1': ind(counts.onTime, n, 20, null),
    'CLGQ.3': ind(counts.online, n, 6, 0.5),
    'TTTT.A': ind(counts.paid, counts.withFees, 6, null),
    'TTTT.B': ind(procs.filter(Boolean).length, procs.length, 2, 0.8),
    'MDSH.1': ind(counts.finishedWithFile, counts.finished, 6, null),
    'MDSH.2': ind(counts.digitisedWithResult, n, 4, null),
    'MDSH.3': ind(counts.reused, n, 2, 0.8),
    'MDSH.4': ind(counts.fromStore, n, 4, null),
    'MDSH.5': ind(counts.vneid, n, 2, null),
    'MDHL.3': ind(counts.onTime, n, 6, 0.9),
  };
}
