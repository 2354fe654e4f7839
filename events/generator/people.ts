/**
 * Applicants and staff with Vietnamese names (diacritics on purpose: the pipeline must keep UTF-8
 * intact), 12-digit CCCD numbers and 10-digit mobile numbers (so masking has something to mask).
 */
import type { Rng } from './prng';

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Trương',
  'Đinh',
  'Lâm',
  'Mai',
];
const FAMILY_WEIGHTS = [38, 11, 9, 7, 4, 4, 4, 3, 3, 2, 2, 2, 1.5, 1.5, 1, 1, 1, 0.8, 0.8, 0.6];
const MIDDLE_M = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thành', 'Công', 'Hoàng', 'Ngọc', 'Thanh', 'Tấn', 'Duy'];
const MIDDLE_F = ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Mỹ', 'Kim', 'Bích', 'Thùy', 'Hồng', 'Thị Thu'];
const GIVEN_M = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Duy',
  'Đạt',
  'Hải',
  'Hào',
  'Hiếu',
  'Hòa',
  'Hùng',
  'Huy',
  'Khang',
  'Khoa',
  'Kiên',
  'Lâm',
  'Long',
  'Lực',
  'Minh',
  'Nam',
  'Nghĩa',
  'Nhân',
  'Phát',
  'Phong',
  'Phúc',
  'Quân',
  'Quang',
  'Sơn',
  'Tài',
  'Tâm',
  'Thắng',
  'Thành',
  'Thiện',
  'Tiến',
  'Toàn',
  'Trung',
  'Tuấn',
  'Tùng',
  'Việt',
  'Vinh',
  'Vũ',
  'Lộc',
];
const GIVEN_F = [
  'Anh',
  'Ánh',
  'Chi',
  'Diệp',
  'Dung',
  'Duyên',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hiền',
  'Hoa',
  'Huệ',
  'Hương',
  'Khánh',
  'Lan',
  'Liên',
  'Linh',
  'Loan',
  'Mai',
  'My',
  'Nga',
  'Ngân',
  'Ngọc',
  'Nhung',
  'Oanh',
  'Phương',
  'Quyên',
  'Quỳnh',
  'Thảo',
  'Thoa',
  'Thủy',
  'Thư',
  'Trang',
  'Trâm',
  'Trinh',
  'Tuyết',
  'Uyên',
  'Vân',
  'Vy',
  'Xuân',
  'Yến',
];
/** CCCD province codes: mostly Bình Dương (074), plus the provinces migrant workers come from. */
const PROVINCES = ['074', '074', '074', '074', '074', '038', '040', '036', '052', '079', '083', '089', '096', '042', '049'];
const MOBILE = [
  '090',
  '091',
  '093',
  '094',
  '096',
  '097',
  '098',
  '086',
  '032',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '039',
  '070',
  '076',
  '077',
  '078',
  '079',
  '081',
  '082',
  '083',
  '084',
  '085',
  '056',
  '058',
  '088',
  '089',
];

export interface Applicant {
  name: string;
  idNumber: string;
  phone: string;
  email: string | null;
}

/** ASCII form of a Vietnamese name for an e-mail address. */
function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/** A random adult (or, for birth registrations, the parent filing it). */
export function applicant(rng: Rng): Applicant {
  const female = rng.chance(0.52);
  const family = FAMILY[rng.weightedIndex(FAMILY_WEIGHTS)];
  const middle = rng.pick(female ? MIDDLE_F : MIDDLE_M);
  const given = rng.pick(female ? GIVEN_F : GIVEN_M);
  const name = `${family} ${middle} ${given}`;
  const year = rng.int(1950, 2005);
  // CCCD: province (3), gender-and-century (1), year of birth (2), serial (6).
  const genderCentury = (year >= 2000 ? 2 : 0) + (female ? 1 : 0);
  const idNumber = `${rng.pick(PROVINCES)}${genderCentury}${String(year % 100).padStart(2, '0')}${rng.digits(6)}`;
  const phone = `${rng.pick(MOBILE)}${rng.digits(7)}`;
  const email = rng.chance(0.3)
    ? `${ascii(`${given}${family}`).toLowerCase()}${rng.int(10, 99)}@${rng.pick(['gmail.com', 'gmail.com', 'yahoo.com', 'outlook.com'])}`
    : null;
  return { name, idNumber, phone, email };
}

export interface Staff {
  name: string;
  title: string; // ChucDanh
  department: string; // PhongBanXuLy
}

/** Desk officers, rotated in mid-2023 (the notice mentions staff rotated in from other posts). */
const DESK_BEFORE: Staff[] = [
  { name: 'Nguyễn Thị Thu Hà', title: 'Công chức Văn phòng - Thống kê', department: 'Bộ phận Một cửa' },
  { name: 'Lê Minh Tuấn', title: 'Công chức Tư pháp - Hộ tịch', department: 'Bộ phận Một cửa' },
];
const DESK_AFTER: Staff[] = [
  { name: 'Phạm Ngọc Ánh', title: 'Công chức Văn phòng - Thống kê', department: 'Bộ phận Một cửa' },
  { name: 'Lê Minh Tuấn', title: 'Công chức Tư pháp - Hộ tịch', department: 'Bộ phận Một cửa' },
];
const SPECIALISTS: Record<string, string[]> = {
  'Tư pháp - Hộ tịch': ['Trần Văn Bình', 'Đỗ Thị Mỹ Duyên'],
  'Văn hóa - Xã hội': ['Huỳnh Thị Mỹ Linh', 'Ngô Quốc Khánh'],
  'Địa chính - Xây dựng - Đô thị và Môi trường': ['Võ Thành Long'],
  'Văn phòng - Thống kê': ['Bùi Thanh Tâm'],
};
const LEADERS: Staff[] = [
  { name: 'Đặng Văn Hùng', title: 'Chủ tịch UBND phường', department: 'Lãnh đạo UBND phường' },
  { name: 'Dương Thị Hồng Nhung', title: 'Phó Chủ tịch UBND phường', department: 'Lãnh đạo UBND phường' },
];

/** The desk officer on duty (the rotation happened on 2023-07-01). */
export function deskOfficer(rng: Rng, dayIso: string): Staff {
  return rng.pick(dayIso < '2023-07-01' ? DESK_BEFORE : DESK_AFTER);
}

/** A specialist of the department that processes the procedure. */
export function specialist(rng: Rng, department: string, title: string): Staff {
  return { name: rng.pick(SPECIALISTS[department] ?? SPECIALISTS['Văn phòng - Thống kê']), title, department };
}

/** The leader who signs results. */
export function leader(rng: Rng): Staff {
  return LEADERS[rng.chance(0.7) ? 1 : 0];
}
