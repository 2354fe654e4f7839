/**
 * The generator's own embedded procedure catalog: ~30 procedures a ward's one-stop desk handles,
 * with their field, processing time (working days) and fee model. Embedded on purpose: the exact
 * report figures depend on the fee amounts, so the stream must not change when someone edits the
 * pipeline's catalog. Fees follow the national fee schedules where a ward charges one (copies
 * certified "2,000 VND a page, 1,000 from the third page", civil-status extracts 8,000 a copy,
 * signature certification 10,000, contract certification by value bracket…).
 */

/** How a procedure's fee is computed from a quantity (copies, pages, cases). */
export type FeeModel =
  | { kind: 'free' }
  | { kind: 'fixed'; amount: number; label: string; code: string }
  | { kind: 'perItem'; amount: number; label: string; code: string; max: number }
  | { kind: 'pages'; label: string; code: string }
  | { kind: 'bracket'; amounts: number[]; label: string; code: string };

export interface Procedure {
  code: string; // MaTTHC
  name: string; // TenTTHC
  field: string; // MaLinhVuc
  fieldName: string; // TenLinhVuc
  days: number; // processing time, working days
  fee: FeeModel;
  /** Relative popularity online and at the desk. */
  online: number;
  direct: number;
  department: string; // PhongBanXuLy
  specialistTitle: string; // ChucDanh of who processes it
  summary: string; // TrichYeuHoSo prefix
}

const TP = 'Tư pháp - Hộ tịch';
const VHXH = 'Văn hóa - Xã hội';
const DC = 'Địa chính - Xây dựng - Đô thị và Môi trường';
const VP = 'Văn phòng - Thống kê';

const HT = { field: 'HT', fieldName: 'Hộ tịch', department: TP, specialistTitle: `Công chức ${TP}` };
const CT = { field: 'CT', fieldName: 'Chứng thực', department: TP, specialistTitle: `Công chức ${TP}` };
const BTXH = { field: 'BTXH', fieldName: 'Bảo trợ xã hội', department: VHXH, specialistTitle: `Công chức ${VHXH}` };
const NCC = { field: 'NCC', fieldName: 'Người có công', department: VHXH, specialistTitle: `Công chức ${VHXH}` };
const DD = { field: 'DD', fieldName: 'Đất đai', department: DC, specialistTitle: `Công chức ${DC}` };
const TG = { field: 'TNTG', fieldName: 'Tín ngưỡng, tôn giáo', department: VHXH, specialistTitle: `Công chức ${VHXH}` };
const HG = { field: 'HGCS', fieldName: 'Hòa giải ở cơ sở', department: TP, specialistTitle: `Công chức ${TP}` };
const TDKT = { field: 'TDKT', fieldName: 'Thi đua, khen thưởng', department: VP, specialistTitle: `Công chức ${VP}` };
const GD = { field: 'GDDT', fieldName: 'Giáo dục và Đào tạo', department: VHXH, specialistTitle: `Công chức ${VHXH}` };
const VH = { field: 'VHCS', fieldName: 'Văn hóa cơ sở', department: VHXH, specialistTitle: `Công chức ${VHXH}` };

const FREE: FeeModel = { kind: 'free' };
const PAGES: FeeModel = { kind: 'pages', label: 'Phí chứng thực bản sao từ bản chính', code: 'PCT-BS' };

/** The procedures, in the catalog's order (indexes are stable for a given generator version). */
export const CATALOG: readonly Procedure[] = [
  { ...HT, code: '1.001193', name: 'Thủ tục đăng ký khai sinh', days: 1, fee: FREE, online: 9, direct: 7, summary: 'Đăng ký khai sinh' },
  { ...HT, code: '1.000894', name: 'Thủ tục đăng ký kết hôn', days: 1, fee: FREE, online: 3, direct: 4, summary: 'Đăng ký kết hôn' },
  { ...HT, code: '1.000656', name: 'Thủ tục đăng ký khai tử', days: 1, fee: FREE, online: 2.5, direct: 2.5, summary: 'Đăng ký khai tử' },
  {
    ...HT,
    code: '2.000635',
    name: 'Thủ tục cấp bản sao Trích lục hộ tịch',
    days: 1,
    fee: { kind: 'perItem', amount: 8000, label: 'Lệ phí cấp bản sao trích lục hộ tịch', code: 'LP-TLHT', max: 5 },
    online: 7,
    direct: 3,
    summary: 'Cấp bản sao trích lục hộ tịch',
  },
  {
    ...HT,
    code: '1.004873',
    name: 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân',
    days: 3,
    fee: FREE,
    online: 6,
    direct: 3,
    summary: 'Xác nhận tình trạng hôn nhân',
  },
  {
    ...HT,
    code: '1.004859',
    name: 'Thủ tục đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch',
    days: 3,
    fee: { kind: 'fixed', amount: 15000, label: 'Lệ phí thay đổi, cải chính, bổ sung thông tin hộ tịch', code: 'LP-CCHT' },
    online: 2.5,
    direct: 1.5,
    summary: 'Cải chính, bổ sung thông tin hộ tịch',
  },
  {
    ...HT,
    code: '1.004884',
    name: 'Thủ tục đăng ký lại khai sinh',
    days: 5,
    fee: FREE,
    online: 0.8,
    direct: 0.8,
    summary: 'Đăng ký lại khai sinh',
  },
  {
    ...HT,
    code: '1.001022',
    name: 'Thủ tục đăng ký nhận cha, mẹ, con',
    days: 3,
    fee: { kind: 'fixed', amount: 15000, label: 'Lệ phí đăng ký nhận cha, mẹ, con', code: 'LP-NCMC' },
    online: 0.6,
    direct: 0.6,
    summary: 'Đăng ký nhận cha, mẹ, con',
  },
  {
    ...HT,
    code: '1.000689',
    name: 'Thủ tục đăng ký khai sinh kết hợp nhận cha, mẹ, con',
    days: 3,
    fee: { kind: 'fixed', amount: 15000, label: 'Lệ phí đăng ký nhận cha, mẹ, con', code: 'LP-NCMC' },
    online: 0.4,
    direct: 0.4,
    summary: 'Khai sinh kết hợp nhận cha, mẹ, con',
  },
  { ...HT, code: '1.004837', name: 'Thủ tục đăng ký giám hộ', days: 3, fee: FREE, online: 0.2, direct: 0.3, summary: 'Đăng ký giám hộ' },
  {
    ...HT,
    code: '1.004746',
    name: 'Thủ tục đăng ký lại kết hôn',
    days: 5,
    fee: { kind: 'fixed', amount: 20000, label: 'Lệ phí đăng ký lại kết hôn', code: 'LP-DLKH' },
    online: 0.4,
    direct: 0.4,
    summary: 'Đăng ký lại kết hôn',
  },
  {
    ...HT,
    code: '2.000986',
    name: 'Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
    days: 5,
    fee: FREE,
    online: 3,
    direct: 0.5,
    summary: 'Liên thông khai sinh - thường trú - BHYT',
  },
  {
    ...HT,
    code: '1.003583',
    name: 'Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất',
    days: 7,
    fee: FREE,
    online: 1,
    direct: 0.4,
    summary: 'Liên thông khai tử - xóa thường trú - tử tuất',
  },
  {
    ...CT,
    code: '2.000908',
    name: 'Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp hoặc chứng nhận',
    days: 1,
    fee: PAGES,
    online: 14,
    direct: 9,
    summary: 'Chứng thực bản sao từ bản chính',
  },
  {
    ...CT,
    code: '2.000884',
    name: 'Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản',
    days: 1,
    fee: { kind: 'perItem', amount: 10000, label: 'Phí chứng thực chữ ký', code: 'PCT-CK', max: 4 },
    online: 5,
    direct: 4,
    summary: 'Chứng thực chữ ký',
  },
  {
    ...CT,
    code: '2.000843',
    name: 'Thủ tục chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật',
    days: 1,
    fee: { kind: 'fixed', amount: 10000, label: 'Phí chứng thực chữ ký người dịch', code: 'PCT-ND' },
    online: 0.6,
    direct: 0.4,
    summary: 'Chứng thực chữ ký người dịch',
  },
  {
    ...CT,
    code: '2.001035',
    name: 'Thủ tục chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở',
    days: 2,
    fee: { kind: 'bracket', amounts: [50000, 100000, 200000], label: 'Phí chứng thực hợp đồng, giao dịch', code: 'PCT-HD' },
    online: 1.6,
    direct: 2.2,
    summary: 'Chứng thực hợp đồng, giao dịch',
  },
  {
    ...CT,
    code: '2.001019',
    name: 'Thủ tục chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch',
    days: 2,
    fee: { kind: 'fixed', amount: 30000, label: 'Phí chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng', code: 'PCT-SDHD' },
    online: 0.8,
    direct: 0.8,
    summary: 'Chứng thực sửa đổi, hủy bỏ hợp đồng',
  },
  {
    ...CT,
    code: '2.001016',
    name: 'Thủ tục sửa lỗi sai sót trong hợp đồng, giao dịch',
    days: 2,
    fee: { kind: 'fixed', amount: 25000, label: 'Phí sửa lỗi sai sót trong hợp đồng, giao dịch', code: 'PCT-SLHD' },
    online: 0.5,
    direct: 0.5,
    summary: 'Sửa lỗi sai sót trong hợp đồng',
  },
  {
    ...CT,
    code: '2.001009',
    name: 'Thủ tục chứng thực di chúc',
    days: 2,
    fee: { kind: 'fixed', amount: 50000, label: 'Phí chứng thực di chúc', code: 'PCT-DC' },
    online: 0.3,
    direct: 0.5,
    summary: 'Chứng thực di chúc',
  },
  {
    ...CT,
    code: '2.001406',
    name: 'Thủ tục chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở',
    days: 2,
    fee: { kind: 'fixed', amount: 50000, label: 'Phí chứng thực văn bản thỏa thuận phân chia di sản', code: 'PCT-PCDS' },
    online: 0.4,
    direct: 0.6,
    summary: 'Chứng thực thỏa thuận phân chia di sản',
  },
  {
    ...CT,
    code: '2.001008',
    name: 'Thủ tục chứng thực văn bản khai nhận di sản mà di sản là động sản, quyền sử dụng đất, nhà ở',
    days: 2,
    fee: { kind: 'fixed', amount: 50000, label: 'Phí chứng thực văn bản khai nhận di sản', code: 'PCT-KNDS' },
    online: 0.3,
    direct: 0.5,
    summary: 'Chứng thực văn bản khai nhận di sản',
  },
  {
    ...CT,
    code: '2.000927',
    name: 'Thủ tục cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực',
    days: 1,
    fee: PAGES,
    online: 1.2,
    direct: 0.8,
    summary: 'Cấp bản sao hợp đồng đã chứng thực',
  },
  {
    ...BTXH,
    code: '1.001776',
    name: 'Thủ tục thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng',
    days: 10,
    fee: FREE,
    online: 1.2,
    direct: 1.5,
    summary: 'Trợ cấp xã hội hằng tháng',
  },
  {
    ...BTXH,
    code: '1.001653',
    name: 'Thủ tục xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật',
    days: 25,
    fee: FREE,
    online: 0.6,
    direct: 0.8,
    summary: 'Xác định mức độ khuyết tật',
  },
  {
    ...BTXH,
    code: '1.001731',
    name: 'Thủ tục hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội',
    days: 5,
    fee: FREE,
    online: 0.4,
    direct: 0.5,
    summary: 'Hỗ trợ chi phí mai táng',
  },
  {
    ...NCC,
    code: '1.010831',
    name: 'Thủ tục sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công',
    days: 5,
    fee: FREE,
    online: 0.4,
    direct: 0.5,
    summary: 'Sửa đổi thông tin hồ sơ người có công',
  },
  {
    ...DD,
    code: '1.003554',
    name: 'Thủ tục hòa giải tranh chấp đất đai',
    days: 30,
    fee: FREE,
    online: 0.3,
    direct: 0.8,
    summary: 'Hòa giải tranh chấp đất đai',
  },
  {
    ...DD,
    code: '1.004227',
    name: 'Thủ tục xác nhận nguồn gốc, thời điểm sử dụng đất để cấp Giấy chứng nhận lần đầu',
    days: 15,
    fee: FREE,
    online: 0.6,
    direct: 0.9,
    summary: 'Xác nhận nguồn gốc sử dụng đất',
  },
  {
    ...TG,
    code: '1.001078',
    name: 'Thủ tục đăng ký hoạt động tín ngưỡng',
    days: 15,
    fee: FREE,
    online: 0.08,
    direct: 0.12,
    summary: 'Đăng ký hoạt động tín ngưỡng',
  },
  {
    ...HG,
    code: '2.000930',
    name: 'Thủ tục thực hiện chi trả thù lao cho hòa giải viên',
    days: 5,
    fee: FREE,
    online: 0.08,
    direct: 0.15,
    summary: 'Chi trả thù lao hòa giải viên',
  },
  {
    ...TDKT,
    code: '2.000346',
    name: 'Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thực hiện nhiệm vụ chính trị',
    days: 10,
    fee: FREE,
    online: 0.08,
    direct: 0.15,
    summary: 'Đề nghị tặng Giấy khen',
  },
  {
    ...GD,
    code: '1.004492',
    name: 'Thủ tục cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động',
    days: 20,
    fee: FREE,
    online: 0.05,
    direct: 0.08,
    summary: 'Cho phép nhóm trẻ độc lập hoạt động',
  },
  {
    ...VH,
    code: '1.000954',
    name: 'Thủ tục xét tặng danh hiệu Gia đình văn hóa hằng năm',
    days: 5,
    fee: FREE,
    online: 0.2,
    direct: 0.3,
    summary: 'Xét tặng danh hiệu Gia đình văn hóa',
  },
];

/** One fee line of `DanhSachLePhi`. */
export interface FeeLine {
  TenPhiLePhi: string;
  MaPhiLePhi: string;
  Gia: number;
  /** A further DVCQG key (1 phí, 2 lệ phí): the contract lets list objects carry them. */
  LoaiPhiLePhi: number;
}

/** A fee-bearing (procedure, quantity) pair, with its total and a base popularity weight. */
export interface FeeOption {
  proc: number;
  qty: number;
  total: number;
  online: number;
  direct: number;
}

/** Fee of a certified copy of `pages` pages: 2,000 a page for the first two, then 1,000 a page. */
function pagesFee(pages: number): number {
  return 2000 * Math.min(pages, 2) + 1000 * Math.max(0, pages - 2);
}

/** The most pages a copy certification is drawn with (keeps amounts realistic). */
export const MAX_PAGES = 30;

/** How likely a quantity is, for each fee model (copies, pages, value brackets). */
function quantityWeights(fee: FeeModel): number[] {
  switch (fee.kind) {
    case 'free':
      return [];
    case 'fixed':
      return [1];
    case 'perItem':
      return Array.from({ length: fee.max }, (_, i) => 0.55 ** i);
    case 'pages':
      return Array.from({ length: MAX_PAGES }, (_, i) => (i === 0 ? 0.12 : i === 1 ? 0.2 : 0.19 * 0.8 ** (i - 2)));
    case 'bracket':
      return fee.amounts.map((_, i) => [0.6, 0.3, 0.1][i] ?? 0.05);
  }
}

/** The fee total of a procedure at a quantity. */
export function feeTotal(proc: number, qty: number): number {
  const fee = CATALOG[proc].fee;
  switch (fee.kind) {
    case 'free':
      return 0;
    case 'fixed':
      return fee.amount;
    case 'perItem':
      return fee.amount * qty;
    case 'pages':
      return pagesFee(qty);
    case 'bracket':
      return fee.amounts[qty - 1];
  }
}

/** `DanhSachLePhi` of a procedure at a quantity: several lines where the portal itemises them. */
export function feeLines(proc: number, qty: number): FeeLine[] {
  const fee = CATALOG[proc].fee;
  switch (fee.kind) {
    case 'free':
      return [];
    case 'fixed':
      return [{ TenPhiLePhi: fee.label, MaPhiLePhi: fee.code, Gia: fee.amount, LoaiPhiLePhi: fee.code.startsWith('LP') ? 2 : 1 }];
    case 'perItem':
      // One line per copy/case, as the portal itemises them: the total is the sum of Gia.
      return Array.from({ length: qty }, (_, i) => ({
        TenPhiLePhi: `${fee.label} (bản/trường hợp thứ ${i + 1})`,
        MaPhiLePhi: fee.code,
        Gia: fee.amount,
        LoaiPhiLePhi: fee.code.startsWith('LP') ? 2 : 1,
      }));
    case 'pages': {
      const lines: FeeLine[] = [
        { TenPhiLePhi: `${fee.label} (trang thứ nhất, thứ hai)`, MaPhiLePhi: fee.code, Gia: 2000 * Math.min(qty, 2), LoaiPhiLePhi: 1 },
      ];
      if (qty > 2) {
        lines.push({
          TenPhiLePhi: `${fee.label} (từ trang thứ ba: ${qty - 2} trang)`,
          MaPhiLePhi: `${fee.code}-3`,
          Gia: 1000 * (qty - 2),
          LoaiPhiLePhi: 1,
        });
      }
      return lines;
    }
    case 'bracket':
      return [
        {
          TenPhiLePhi: `${fee.label} (mức ${fee.amounts[qty - 1].toLocaleString('vi-VN')} đồng)`,
          MaPhiLePhi: fee.code,
          Gia: fee.amounts[qty - 1],
          LoaiPhiLePhi: 1,
        },
      ];
  }
}

/** Every fee-bearing (procedure, quantity) pair with its popularity online and at the desk. */
export function feeOptions(): FeeOption[] {
  const out: FeeOption[] = [];
  CATALOG.forEach((p, proc) => {
    const weights = quantityWeights(p.fee);
    const sum = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => {
      // Normalised per procedure, so quantities split a procedure's popularity, not inflate it.
      const share = w / sum;
      out.push({ proc, qty: i + 1, total: feeTotal(proc, i + 1), online: p.online * share, direct: p.direct * share });
    });
  });
  return out;
}

/** Indexes of the procedures without fees. */
export function freeProcedures(): number[] {
  return CATALOG.flatMap((p, i) => (p.fee.kind === 'free' ? [i] : []));
}
