/**
 * What the government decrees each year on top of the legal holidays of `holidays.generated.ts`,
 * for civil servants (the ward's desk works Monday to Friday): the rest of the Tết break,
 * the day adjacent to National Day, compensatory days off (Labour Code 2019 art. 111(3): a holiday
 * falling on a weekly rest day is compensated on the next working day) and swapped working days.
 *
 * Only entries that change the calendar are listed: an `off` day is a weekday that the legal table
 * does not already hold, a `work` day is a weekend day (the unit tests enforce both, so a typo in a
 * date cannot hide). Decreed breaks that the legal table and the weekends already cover need no
 * entry: Tết 2026 (16–20/02, Thông báo số 9441 ngày 16/10/2025 của Bộ Nội vụ), Hùng Kings 2024
 * (18/04) and 2025 (07/04, a Monday), the New Year of 2024, 2025 and 2027.
 *
 * `source` names the document the entry rests on. Where the document number could not be checked,
 * the text says so; 2027 is projected from the Labour Code because nothing had been decreed for it,
 * and each of its entries says "dự kiến". Revisit this table every autumn, when the Ministry of Home
 * Affairs (formerly MOLISA) publishes the next year's Tết and National Day schedule, and each spring
 * for the Hùng Kings / 30-4 swap.
 *
 * Not in the table: Ngày Văn hóa Việt Nam (24/11), which Politburo Resolution 80-NQ/TW (01/2026)
 * wants as a paid day off; it needs an amendment of Labour Code art. 112 first. Add it once enacted.
 */

/** One decreed change to the working calendar. */
export interface CalendarOverride {
  /** Vietnam-time date, `YYYY-MM-DD`. */
  date: string;
  /** `off`: a day off that would otherwise be worked; `work`: a working day on a weekend. */
  kind: 'off' | 'work';
  /** Why, in Vietnamese, as people at the desk would say it. */
  reason: string;
  /** The decree, notice or rule the entry rests on. */
  source: string;
}

const LC_COMPENSATION = 'Bộ luật Lao động 2019, khoản 3 Điều 111 (nghỉ bù khi ngày lễ trùng ngày nghỉ hằng tuần)';
const VPCP_8056_2022 = 'Văn bản 8056/VPCP-KGVX ngày 01/12/2022 của Văn phòng Chính phủ (nghỉ Tết Âm lịch và Quốc khánh 2023)';
const TB_5015_2023 = 'Thông báo 5015/TB-LĐTBXH ngày 22/11/2023 của Bộ LĐTBXH (nghỉ Tết Âm lịch và Quốc khánh 2024)';
const VPCP_2450_2024 = 'Văn bản 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp 30/4–1/5/2024)';
const TB_6150_2024 =
  'Thông báo 6150/TB-LĐTBXH năm 2024 của Bộ LĐTBXH, thực hiện Văn bản 8726/VPCP-KGVX ngày 26/11/2024 (nghỉ Tết Âm lịch, 30/4–1/5 và Quốc khánh 2025)';
const VPCP_12729_2025 =
  'Văn bản 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ; thông báo của Bộ Nội vụ cùng ngày (hoán đổi dịp Tết Dương lịch 2026)';
const PROJECTED = 'dự kiến theo Bộ luật Lao động 2019 Điều 112 và khoản 3 Điều 111; chưa có văn bản của Chính phủ';

/** The decreed overrides for 2023–2027, sorted by date. */
export const OVERRIDES: readonly CalendarOverride[] = [
  // 2023
  { date: '2023-01-02', kind: 'off', reason: 'Nghỉ bù Tết Dương lịch (01/01/2023 trùng Chủ nhật)', source: LC_COMPENSATION },
  { date: '2023-01-20', kind: 'off', reason: 'Nghỉ Tết Nguyên Đán Quý Mão (29 tháng Chạp)', source: VPCP_8056_2022 },
  {
    date: '2023-01-26',
    kind: 'off',
    reason: 'Nghỉ Tết Nguyên Đán Quý Mão (mùng 5 tháng Giêng, nghỉ bù ngày Tết trùng cuối tuần)',
    source: VPCP_8056_2022,
  },
  { date: '2023-05-02', kind: 'off', reason: 'Nghỉ bù Giỗ Tổ Hùng Vương (29/4/2023 trùng thứ Bảy)', source: LC_COMPENSATION },
  { date: '2023-05-03', kind: 'off', reason: 'Nghỉ bù ngày Giải phóng miền Nam (30/4/2023 trùng Chủ nhật)', source: LC_COMPENSATION },
  { date: '2023-09-01', kind: 'off', reason: 'Nghỉ lễ Quốc khánh (ngày liền kề trước 02/9)', source: VPCP_8056_2022 },
  { date: '2023-09-04', kind: 'off', reason: 'Nghỉ bù Quốc khánh (02/9/2023 trùng thứ Bảy)', source: VPCP_8056_2022 },
  // 2024
  { date: '2024-02-08', kind: 'off', reason: 'Nghỉ Tết Nguyên Đán Giáp Thìn (29 tháng Chạp)', source: TB_5015_2023 },
  {
    date: '2024-02-14',
    kind: 'off',
    reason: 'Nghỉ Tết Nguyên Đán Giáp Thìn (mùng 5 tháng Giêng, nghỉ bù ngày Tết trùng cuối tuần)',
    source: TB_5015_2023,
  },
  { date: '2024-04-29', kind: 'off', reason: 'Hoán đổi ngày làm việc dịp 30/4–1/5 (làm bù thứ Bảy 04/5/2024)', source: VPCP_2450_2024 },
  { date: '2024-05-04', kind: 'work', reason: 'Làm bù cho thứ Hai 29/4/2024', source: VPCP_2450_2024 },
  { date: '2024-09-03', kind: 'off', reason: 'Nghỉ lễ Quốc khánh (ngày liền kề sau 02/9)', source: TB_5015_2023 },
  // 2025
  { date: '2025-01-27', kind: 'off', reason: 'Nghỉ Tết Nguyên Đán Ất Tỵ (28 tháng Chạp)', source: TB_6150_2024 },
  { date: '2025-04-26', kind: 'work', reason: 'Làm bù cho thứ Sáu 02/5/2025', source: TB_6150_2024 },
  { date: '2025-05-02', kind: 'off', reason: 'Hoán đổi ngày làm việc dịp 30/4–1/5 (làm bù thứ Bảy 26/4/2025)', source: TB_6150_2024 },
  { date: '2025-09-01', kind: 'off', reason: 'Nghỉ lễ Quốc khánh (ngày liền kề trước 02/9)', source: TB_6150_2024 },
  // 2026
  {
    date: '2026-01-02',
    kind: 'off',
    reason: 'Hoán đổi ngày làm việc dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)',
    source: VPCP_12729_2025,
  },
  { date: '2026-01-10', kind: 'work', reason: 'Làm bù cho thứ Sáu 02/01/2026', source: VPCP_12729_2025 },
  { date: '2026-04-27', kind: 'off', reason: 'Nghỉ bù Giỗ Tổ Hùng Vương (26/4/2026 trùng Chủ nhật)', source: LC_COMPENSATION },
  {
    date: '2026-09-01',
    kind: 'off',
    reason: 'Nghỉ lễ Quốc khánh (ngày liền kề trước 02/9)',
    source: 'Thông báo số 9441 ngày 16/10/2025 của Bộ Nội vụ (chưa đối chiếu được ngày liền kề: có thể là 03/9/2026)',
  },
  // 2027: nothing decreed yet
  { date: '2027-02-10', kind: 'off', reason: 'Nghỉ bù Tết Nguyên Đán Đinh Mùi (mùng 1 trùng thứ Bảy)', source: PROJECTED },
  { date: '2027-02-11', kind: 'off', reason: 'Nghỉ bù Tết Nguyên Đán Đinh Mùi (mùng 2 trùng Chủ nhật)', source: PROJECTED },
  { date: '2027-05-03', kind: 'off', reason: 'Nghỉ bù Quốc tế Lao động (01/5/2027 trùng thứ Bảy)', source: PROJECTED },
  { date: '2027-09-03', kind: 'off', reason: 'Nghỉ lễ Quốc khánh (ngày liền kề sau 02/9)', source: PROJECTED },
];
