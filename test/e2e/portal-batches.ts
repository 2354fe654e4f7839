/**
 * A realistic set of portal deliveries for end-to-end tests: dossiers of several procedures going
 * through their statuses in several versions (increasing NgayCapNhat), progress steps, and a few
 * refused or withdrawn ones, cut into DVCQG batches. Deterministic for a seed.
 */

/** A small seeded PRNG (mulberry32), so a failing order can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given PRNG. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const PROCEDURES = [
  { MaTTHC: '1.001193', TenTTHC: 'Thủ tục đăng ký khai sinh', MaLinhVuc: 'HT', TenLinhVuc: 'Hộ tịch', fee: 0, days: 1 },
  { MaTTHC: '1.004873', TenTTHC: 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân', MaLinhVuc: 'HT', TenLinhVuc: 'Hộ tịch', fee: 0, days: 3 },
  {
    MaTTHC: '2.000815',
    TenTTHC: 'Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản',
    MaLinhVuc: 'CT',
    TenLinhVuc: 'Chứng thực',
    fee: 10000,
    days: 1,
  },
  { MaTTHC: '1.002407', TenTTHC: 'Thủ tục cấp bản sao trích lục hộ tịch', MaLinhVuc: 'HT', TenLinhVuc: 'Hộ tịch', fee: 16000, days: 1 },
  {
    MaTTHC: '1.001699',
    TenTTHC: 'Thủ tục xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình',
    MaLinhVuc: 'BTXH',
    TenLinhVuc: 'Bảo trợ xã hội',
    fee: 0,
    days: 5,
  },
] as const;
const NAMES = ['Nguyễn Thị Hồng', 'Trần Văn Bình', 'Lê Minh Châu', 'Phạm Quốc Việt', 'Võ Thị Thu Trang', 'Huỳnh Gia Bảo', 'Đặng Ngọc Ánh'];
const OFFICERS = [
  { NguoiXuLy: 'Nguyễn Văn Tâm', ChucDanh: 'Công chức Tư pháp - Hộ tịch', PhongBanXuLy: 'Tư pháp - Hộ tịch' },
  { NguoiXuLy: 'Lê Thị Mai', ChucDanh: 'Phó Chủ tịch UBND phường', PhongBanXuLy: 'Lãnh đạo UBND phường' },
];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** `yyyyMMddHHmmss` of a Vietnam wall clock given as a UTC-less Date (fields read as UTC). */
const compact = (d: Date) =>
  `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
const addHours = (d: Date, h: number) => new Date(d.getTime() + h * 3600e3);

/** One delivery: a DVCQG envelope as the portal posts it. */
export type PortalDelivery = { service: 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC'; isUpdating?: boolean; data: Record<string, unknown>[] };

/** The deliveries, in the order the portal would send them, and the dossier codes involved. */
export function portalBatches(seed = 7, dossiers = 40): { deliveries: PortalDelivery[]; codes: string[] } {
  const random = prng(seed);
  const records: { at: number; rec: Record<string, unknown> }[] = [];
  const steps: { at: number; step: Record<string, unknown> }[] = [];
  const codes: string[] = [];
  for (let i = 0; i < dossiers; i++) {
    const p = PROCEDURES[i % PROCEDURES.length];
    // Working-hours receipts in March 2024, Vietnam time (the Date's UTC fields hold the wall clock).
    const received = new Date(Date.UTC(2024, 2, 4 + (i % 20), 7 + Math.floor(random() * 9), Math.floor(random() * 60), 0));
    const code = `000.00.12.H57-${compact(received).slice(2, 8)}-${pad(100 + i, 4)}`;
    codes.push(code);
    const due = addHours(received, 24 * p.days);
    const name = NAMES[i % NAMES.length];
    const base = {
      MaHoSo: code,
      MaTTHC: p.MaTTHC,
      TenTTHC: p.TenTTHC,
      MaLinhVuc: p.MaLinhVuc,
      TenLinhVuc: p.TenLinhVuc,
      KenhThucHien: 1 + (i % 3 === 0 ? 0 : 1),
      ChuHoSo: name,
      SoGiayToChuHoSo: `0791${pad(90000000 + i * 7919, 8)}`,
      SoDienThoai: `09${pad(10000000 + i * 104729, 8).slice(0, 8)}`,
      NgayTiepNhan: compact(received),
      NgayHenTra: compact(due),
      DonViXuLy: 'UBND phường Bình An - Công chức Tư pháp - Hộ tịch',
      DanhSachLePhi: p.fee ? [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: 'LP01', Gia: p.fee }] : [],
    };
    // The story: refused (3), withdrawn (7), paused for supplement (5), or the usual 2 → 4 → 9 → 10.
    const story =
      i % 10 === 9 ? [3] : i % 10 === 8 ? [2, 7] : i % 10 === 7 ? [2, 4, 5] : [2, 4, 9, 10].slice(0, 1 + Math.floor(random() * 4));
    story.forEach((status, v) => {
      const at = addHours(received, v * 5 + 0.5);
      const rec: Record<string, unknown> = { ...base, TrangThaiHoSo: status, NgayCapNhat: compact(at) };
      if (status === 3) rec.NgayTuChoi = compact(at);
      if (status >= 9) rec.NgayKetThucXuLy = compact(addHours(received, 10));
      if (status === 10) rec.NgayTra = compact(at);
      records.push({ at: at.getTime(), rec });
      const officer = OFFICERS[v % OFFICERS.length];
      steps.push({
        at: at.getTime(),
        step: {
          MaHoSo: code,
          ...officer,
          ThoiDiemXuLy: compact(at),
          NoiDungXuLy: `Chuyển trạng thái ${status}`,
          TrangThai: status,
          NgayBatDau: compact(received),
          NgayKetThucTheoQuyDinh: compact(due),
        },
      });
    });
  }
  records.sort((a, b) => a.at - b.at);
  steps.sort((a, b) => a.at - b.at);
  const deliveries: PortalDelivery[] = [];
  for (let i = 0; i < records.length; i += 15) {
    deliveries.push({ service: 'DongBoHoSoMC', isUpdating: i > 0, data: records.slice(i, i + 15).map((r) => r.rec) });
  }
  for (let i = 0; i < steps.length; i += 20) {
    deliveries.push({ service: 'CapNhatTienDoHoSoMC', data: steps.slice(i, i + 20).map((s) => s.step) });
  }
  return { deliveries, codes };
}
