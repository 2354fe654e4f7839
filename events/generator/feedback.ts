/**
 * The ward's citizens' feedback (phản ánh, kiến nghị) in the generated stream: what the notice
 * says of it, "Đã tiếp nhận 22 tin phản ánh, kiến nghị [qua Tổng đài 1022], tất cả … trả lời cho
 * công dân theo quy định. Không có phản ánh, kiến nghị nào về hành vi nhũng nhiễu, gây phiền hà".
 *
 * - 22 items received through hotline 1022 in 01/01/2023–31/03/2024 (17 in 2023, 5 in Q1 2024,
 *   one at 23:40 on 31/12/2023 and one at 00:20 on 01/01/2024, Vietnam time), every one answered
 *   on time and published, none about officials' conduct (PhanLoai 1 or 3), a few naming a dossier
 *   of the ward (MaHoSo), a few with the stricter deadline the province sets (HanXuLy).
 * - Outside the period: one national-portal (DVCQG) item received in December 2022 and answered in
 *   January 2023, one 1022 item still in progress in April 2024, one DVCQG item refused (6).
 * - Every change is pushed as it happens (TrangThai 1 → 2 → 3 → 4 → 5), some twice, some late (after
 *   the next version: stale), and a weekly resync sends the week's items again (duplicates).
 *
 * Own RNG (seeded from the stream's seed), so adding feedback left the dossier stream unchanged.
 * Deadlines are computed with the generator's own calendar (`calendar.ts`), not the pipeline's.
 */
import { addWorkingDays, at, compact, dayOf, dayOfIso, isoOfDay, nextWorkingDay, nextWorkingTime } from './calendar';
import { applicant } from './people';
import { Rng } from './prng';

/** A feedback envelope as the 1022 and PAKN systems push it (CONTRACT 3.6). */
export interface FeedbackBody {
  service: 'DongBoPhanAnhKienNghi';
  data: Record<string, unknown>[];
}

/** One version of an item: its state from `at` (its NgayCapNhat) on. */
interface FeedbackVersion {
  status: 1 | 2 | 3 | 4 | 5 | 6;
  at: number;
}

/** The ground truth of one item. */
export interface FeedbackTruth {
  id: string;
  source: '1022' | 'DVCQG';
  channel: 1 | 2 | 3 | 4 | 5;
  receivedAt: number;
  /** HanXuLy (17:00 of a working day), or null: the pipeline computes 15 working days. */
  deadline: number | null;
  category: 1 | 3;
  title: string;
  content: string;
  answeredAt: number | null;
  answer: string | null;
  rating: 1 | 2 | null;
  dossierCode: string | null;
  field: string | null;
  citizen: { name: string; phone: string; email: string | null };
  versions: FeedbackVersion[];
}

/** What the generator knows of a dossier an item may be about. */
export interface DossierRef {
  code: string;
  receivedAt: number;
  late: boolean;
}

const AGENCY = '000.00.12.H57';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Procedures and regulations (PhanLoai 1): the citizen's words, a dossier named when `{code}` appears. */
const ABOUT_PROCEDURES: { title: string; content: string; answer: string; field: string }[] = [
  {
    title: 'Chậm trả kết quả đăng ký khai sinh',
    content:
      'Tôi nộp hồ sơ {code} đã quá ngày hẹn trả nhưng chưa nhận được giấy khai sinh cho con. Đề nghị phường kiểm tra, liên hệ {phone}.',
    answer: 'Hồ sơ {code} đã được giải quyết, mời ông/bà đến Bộ phận Một cửa nhận kết quả. UBND phường xin lỗi vì sự chậm trễ.',
    field: 'HT',
  },
  {
    title: 'Hỏi thủ tục chứng thực bản sao',
    content: 'Cho tôi hỏi chứng thực bản sao giấy tờ tiếng nước ngoài có làm tại phường được không, cần mang theo gì?',
    answer: 'Việc chứng thực bản sao từ bản chính giấy tờ do cơ quan nước ngoài cấp thuộc thẩm quyền của Phòng Tư pháp thành phố.',
    field: 'CT',
  },
  {
    title: 'Nộp hồ sơ trực tuyến bị báo lỗi',
    content: 'Tôi nộp hồ sơ trên Cổng dịch vụ công nhưng hệ thống báo lỗi tải tệp đính kèm, đã thử nhiều lần. Email {email}.',
    answer: 'Bộ phận Một cửa đã hướng dẫn ông/bà nén tệp dưới 5 MB và nộp lại thành công.',
    field: 'HT',
  },
  {
    title: 'Thanh toán lệ phí trực tuyến bị trừ tiền hai lần',
    content: 'Khi nộp lệ phí cho hồ sơ {code} tài khoản của tôi bị trừ hai lần. Đề nghị hoàn lại số tiền trừ thừa.',
    answer: 'Giao dịch trùng đã được đối soát và hoàn trả vào tài khoản của ông/bà.',
    field: 'HT',
  },
  {
    title: 'Đề nghị hướng dẫn thủ tục đăng ký kết hôn',
    content: 'Tôi muốn đăng ký kết hôn với người ở tỉnh khác, xin hướng dẫn giấy tờ cần chuẩn bị.',
    answer: 'Hồ sơ gồm tờ khai đăng ký kết hôn và giấy xác nhận tình trạng hôn nhân của bên không cư trú tại phường.',
    field: 'HT',
  },
  {
    title: 'Chưa nhận được kết quả qua bưu điện',
    content: 'Tôi đăng ký nhận kết quả hồ sơ {code} qua bưu điện nhưng đã quá hẹn vẫn chưa nhận được.',
    answer: 'Kết quả hồ sơ {code} đã được bưu điện phát lại thành công.',
    field: 'CT',
  },
];

/** Other matters (PhanLoai 3): infrastructure, environment, public order. */
const OTHER_MATTERS: { title: string; content: string; answer: string }[] = [
  {
    title: 'Đèn chiếu sáng hẻm bị hỏng',
    content: 'Đèn chiếu sáng trong hẻm khu phố Bình Đường đã hỏng hơn hai tuần, buổi tối mất an toàn.',
    answer: 'UBND phường đã phối hợp đơn vị chiếu sáng thay bóng đèn hư hỏng.',
  },
  {
    title: 'Rác thải tập kết không đúng nơi quy định',
    content: 'Tại đầu hẻm có người dân đổ rác bừa bãi gây mùi hôi, đề nghị phường xử lý.',
    answer: 'Tổ dân phố đã vận động, lắp biển cấm và đơn vị thu gom đã dọn dẹp khu vực.',
  },
  {
    title: 'Ngập nước khi mưa lớn',
    content: 'Mỗi khi mưa lớn đoạn đường trước chợ bị ngập sâu, xe máy chết máy.',
    answer: 'Phường đã đề nghị thành phố nạo vét cống thoát nước đoạn đường trước chợ.',
  },
  {
    title: 'Tiếng ồn karaoke ban đêm',
    content: 'Nhà bên cạnh hát karaoke đến khuya, ảnh hưởng sinh hoạt, liên hệ {phone}.',
    answer: 'Công an phường đã làm việc, nhắc nhở hộ gia đình chấp hành quy định về tiếng ồn.',
  },
  {
    title: 'Lấn chiếm vỉa hè',
    content: 'Nhiều hộ kinh doanh lấn chiếm vỉa hè đường số 5, người đi bộ phải đi dưới lòng đường.',
    answer: 'Đội trật tự đô thị phường đã kiểm tra, lập biên bản và yêu cầu các hộ trả lại vỉa hè.',
  },
];

/** Receipt instants of the 22 items of the period (Vietnam wall clock), the two edge ones included. */
const IN_PERIOD: [string, number, number][] = [
  ['2023-01-16', 9, 12],
  ['2023-02-21', 15, 40],
  ['2023-03-13', 8, 5],
  ['2023-04-04', 20, 30], // the hotline runs around the clock
  ['2023-05-13', 10, 15], // a Saturday
  ['2023-06-06', 14, 0],
  ['2023-06-27', 9, 45],
  ['2023-07-18', 16, 20],
  ['2023-08-09', 11, 5],
  ['2023-08-29', 7, 50],
  ['2023-09-19', 13, 35],
  ['2023-10-10', 9, 0],
  ['2023-10-30', 19, 10],
  ['2023-11-14', 10, 25],
  ['2023-11-29', 15, 15],
  ['2023-12-18', 8, 40],
  ['2023-12-31', 23, 40], // last evening of 2023: counts in 2023
  ['2024-01-01', 0, 20], // first minutes of 2024: counts in Q1 2024 (still 31/12 in UTC)
  ['2024-01-22', 14, 50],
  ['2024-02-05', 9, 30], // just before Tết Giáp Thìn
  ['2024-03-04', 16, 5],
  ['2024-03-25', 10, 40],
];

/** Generates the ward's feedback items (see the module comment); `dossiers`: those an item may name. */
export function generateFeedback(seed: number, dossiers: readonly DossierRef[]): FeedbackTruth[] {
  const rng = new Rng((seed ^ 0x1022_fb) >>> 0);
  const items: FeedbackTruth[] = [];
  const procedures = rng.shuffle([...ABOUT_PROCEDURES.keys()]);
  const others = rng.shuffle([...OTHER_MATTERS.keys()]);

  IN_PERIOD.forEach(([date, h, m], n) => {
    const receivedAt = at(dayOfIso(date), h, m, rng.int(0, 59));
    const aboutProcedure = n % 3 !== 2; // two thirds about procedures, none about conduct
    const strict = rng.chance(0.4);
    const deadline = strict ? at(addWorkingDays(dayOf(receivedAt), 10), 17) : null;
    const dossier = aboutProcedure ? nearbyDossier(rng, dossiers, receivedAt) : null;
    // One citizen, of the tenth item, was not satisfied with the answer; most others rated it.
    const rating: FeedbackTruth['rating'] = n === 9 ? 2 : rng.chance(0.7) ? 1 : null;
    items.push(
      item(rng, {
        id: `1022.${compact(receivedAt).slice(0, 8)}.${String(n + 1).padStart(4, '0')}`,
        source: '1022',
        receivedAt,
        deadline,
        text: aboutProcedure ? ABOUT_PROCEDURES[procedures[n % procedures.length]] : OTHER_MATTERS[others[n % others.length]],
        category: aboutProcedure ? 1 : 3,
        dossier,
        rating,
        answerWithin: rng.int(2, strict ? 7 : 9),
        final: 5,
      }),
    );
  });

  // Outside the period: a December 2022 item answered in January, an April 2024 one still open.
  const december = at(dayOfIso('2022-12-29'), 10, 20, 5);
  items.push(
    item(rng, {
      id: 'PAKN.20221229.0031',
      source: 'DVCQG',
      receivedAt: december,
      deadline: null,
      text: OTHER_MATTERS[others[0]],
      category: 3,
      dossier: null,
      rating: 1,
      answerWithin: 6,
      final: 5,
    }),
  );
  const april = at(dayOfIso('2024-04-03'), 9, 35, 40);
  items.push(
    item(rng, {
      id: `1022.${compact(april).slice(0, 8)}.0023`,
      source: '1022',
      receivedAt: april,
      deadline: null,
      text: ABOUT_PROCEDURES[procedures[0]],
      category: 1,
      dossier: nearbyDossier(rng, dossiers, april),
      rating: null,
      answerWithin: 0,
      final: 3,
    }),
  );
  const refused = at(dayOfIso('2024-04-05'), 14, 10, 0);
  items.push(
    item(rng, {
      id: 'PAKN.20240405.0102',
      source: 'DVCQG',
      receivedAt: refused,
      deadline: null,
      text: OTHER_MATTERS[others[1]],
      category: 3,
      dossier: null,
      rating: null,
      answerWithin: 0,
      final: 6,
    }),
  );
  return items;
}

/** A dossier of the ward received 3 to 20 days before `when`, late ones first; null when none. */
function nearbyDossier(rng: Rng, dossiers: readonly DossierRef[], when: number): string | null {
  const near = dossiers.filter((d) => d.receivedAt < when - 3 * DAY && d.receivedAt > when - 20 * DAY);
  if (near.length === 0) return null;
  const late = near.filter((d) => d.late);
  return rng.pick(late.length > 0 ? late : near).code;
}

function item(
  rng: Rng,
  spec: {
    id: string;
    source: FeedbackTruth['source'];
    receivedAt: number;
    deadline: number | null;
    text: { title: string; content: string; answer: string; field?: string };
    category: 1 | 3;
    dossier: string | null;
    rating: FeedbackTruth['rating'];
    /** Working days from the first working day after receipt to the answer. */
    answerWithin: number;
    /** The last status reached: 5 published, 3 still in progress, 6 refused. */
    final: 3 | 5 | 6;
  },
): FeedbackTruth {
  const person = applicant(rng);
  const fill = (s: string) =>
    s
      .replace(/\{code\}/g, spec.dossier ?? 'của tôi')
      .replace('{phone}', person.phone)
      .replace('{email}', person.email ?? person.phone);
  // Forwarded to the ward within hours (the hotline works around the clock), taken up the next
  // working morning, answered `answerWithin` working days later, published a day or two after.
  const forwarded = nextWorkingTime(spec.receivedAt + rng.int(20, 180) * MIN);
  const startDay = nextWorkingDay(dayOf(forwarded));
  const inProgress = at(startDay, 8, rng.int(0, 90));
  const versions: FeedbackVersion[] = [
    { status: 1, at: spec.receivedAt + rng.int(1, 9) * MIN },
    { status: 2, at: forwarded },
  ];
  let answeredAt: number | null = null;
  if (spec.final === 6) {
    versions.push({ status: 6, at: at(startDay, 10, rng.int(0, 59)) });
  } else {
    versions.push({ status: 3, at: inProgress });
    if (spec.final === 5) {
      let answerDay = startDay;
      for (let i = 0; i < spec.answerWithin; i++) answerDay = nextWorkingDay(answerDay);
      answeredAt = at(answerDay, rng.pick([9, 10, 14, 15]), rng.int(0, 59));
      versions.push({ status: 4, at: answeredAt + rng.int(5, 40) * MIN });
      let publishDay = nextWorkingDay(answerDay);
      if (rng.chance(0.5)) publishDay = nextWorkingDay(publishDay);
      versions.push({ status: 5, at: at(publishDay, 8, rng.int(0, 59)) });
    }
  }
  return {
    id: spec.id,
    source: spec.source,
    channel: spec.source === '1022' ? rng.pick([1, 1, 1, 2, 4] as const) : 3,
    receivedAt: spec.receivedAt,
    deadline: spec.deadline,
    category: spec.category,
    title: spec.text.title,
    content: fill(spec.text.content),
    answeredAt,
    answer: answeredAt === null ? null : fill(spec.text.answer),
    rating: spec.final === 5 ? spec.rating : null,
    dossierCode: spec.dossier,
    field: spec.text.field ?? null,
    citizen: { name: person.name, phone: person.phone, email: person.email },
    versions,
  };
}

/** The item as sent at version `v` (later versions carry the answer, the rating only when published). */
export function feedbackRecord(f: FeedbackTruth, v: FeedbackVersion): Record<string, unknown> {
  const answered = v.status === 4 || v.status === 5;
  return {
    MaPhanAnh: f.id,
    NguonTiepNhan: f.source,
    MaDonVi: AGENCY,
    KenhTiepNhan: f.channel,
    NgayTiepNhan: compact(f.receivedAt),
    TieuDe: f.title,
    NoiDung: f.content,
    PhanLoai: f.category,
    TrangThai: v.status,
    NgayCapNhat: compact(v.at),
    // The province sets its stricter deadline when it forwards the item.
    ...(f.deadline !== null && v.status >= 2 ? { HanXuLy: compact(f.deadline) } : {}),
    ...(answered ? { NgayTraLoi: compact(f.answeredAt!), NoiDungTraLoi: f.answer } : {}),
    ...(v.status === 5 && f.rating !== null ? { DanhGia: f.rating } : {}),
    ...(f.dossierCode ? { MaHoSo: f.dossierCode } : {}),
    ...(f.field ? { LinhVuc: f.field } : {}),
    NguoiPhanAnh: f.citizen.name,
    SoDienThoai: f.citizen.phone,
    ...(f.citizen.email ? { Email: f.citizen.email } : {}),
    DiaChi: 'Khu phố Bình Đường, phường Bình An',
  };
}

/**
 * When each version is delivered, as feedback envelopes: each version pushed minutes after it
 * happens, some twice, some a day or more late (after the next one: stale); every Sunday night a
 * resync of the items changed that week, as they stand then (duplicates). Every version is sent.
 */
export function feedbackDeliveries(items: readonly FeedbackTruth[], seed: number): { at: number; body: FeedbackBody }[] {
  const rng = new Rng((seed ^ 0x5eed_1022) >>> 0);
  const out: { at: number; body: FeedbackBody }[] = [];
  const send = (when: number, data: Record<string, unknown>[]) => {
    out.push({ at: when, body: { service: 'DongBoPhanAnhKienNghi', data } });
  };
  const weeks = new Map<number, Set<FeedbackTruth>>();
  for (const f of items) {
    f.versions.forEach((v, i) => {
      const next = f.versions[i + 1];
      // Late: after the next version arrived (only where there is one), so the pipeline sees it stale.
      const late = next !== undefined && rng.chance(0.15);
      const when = late ? next.at + rng.int(1, 48) * HOUR : v.at + rng.int(1, 10) * MIN;
      send(when, [feedbackRecord(f, v)]);
      if (rng.chance(0.15)) send(when + rng.int(2, 30) * MIN, [feedbackRecord(f, v)]);
      const sunday = dayOf(v.at) + ((7 - ((dayOf(v.at) + 4) % 7)) % 7);
      weeks.set(sunday, (weeks.get(sunday) ?? new Set()).add(f));
    });
  }
  for (const [sunday, changed] of [...weeks.entries()].sort((a, b) => a[0] - b[0])) {
    const when = at(sunday, 23, 0);
    const data = [...changed].flatMap((f) => {
      const current = [...f.versions].reverse().find((v) => v.at <= when);
      return current ? [feedbackRecord(f, current)] : [];
    });
    if (data.length > 0) send(when, data);
  }
  return out;
}

/** The feedback block of a period (Vietnam dates of receipt) at the clock `asOf`, from the ground truth. */
export function feedbackFigures(items: readonly FeedbackTruth[], from: string, to: string, asOf: string) {
  const asOfMs = Date.parse(asOf);
  const f = {
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
  for (const item of items) {
    const day = isoOfDay(dayOf(item.receivedAt));
    if (day < from || day > to) continue;
    // The state the pipeline holds: the newest version (every version is sent).
    const last = item.versions[item.versions.length - 1];
    f.received++;
    const deadline = item.deadline ?? at(addWorkingDays(dayOf(item.receivedAt), 15), 17);
    if (last.status === 4 || last.status === 5) {
      f.answered++;
      if (item.answeredAt! <= deadline) f.answeredOnTime++;
      else f.answeredLate++;
    } else if (last.status === 6) f.refused++;
    else {
      f.open++;
      if (asOfMs > deadline) f.openOverdue++;
    }
    if (item.category === 1) f.aboutProcedures++;
    if (last.status === 5 && item.rating === 2) f.dissatisfied++;
  }
  return f;
}
