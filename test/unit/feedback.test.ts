/**
 * The feedback domain (CONTRACT 3.6), pure: the parser (all or nothing, paths as `data[i].Field`,
 * identifier bounds), the deadline (15 working days after the date of receipt, across Tết, after
 * 17:00), the standing at a clock, and the read view (the citizen's words and data masked).
 */
import {
  feedbackDeadline,
  feedbackDueAt,
  feedbackStanding,
  isFeedbackOverdue,
  type FeedbackItem,
  type FeedbackStanding,
} from '../../functions/core/feedback';
import { MAX_FEEDBACK_ITEMS, parseFeedbackMessage, ValidationError } from '../../functions/core/feedback-parser';
import { maskName, toFeedbackView } from '../../functions/core/feedback-view';
import { feedbackItem } from './feedback-fakes';

/** A valid item as the 1022 system sends it. */
const ITEM = {
  MaPhanAnh: '1022.20240312.0042',
  NguonTiepNhan: '1022',
  MaDonVi: '000.00.12.H57',
  KenhTiepNhan: 1,
  NgayTiepNhan: '20240312091500',
  TieuDe: 'Chậm trả kết quả',
  NoiDung: 'Tôi nộp hồ sơ đã quá hẹn.',
  PhanLoai: 1,
  TrangThai: 2,
  NgayCapNhat: '20240312100000',
};

const message = (...data: unknown[]) => ({ service: 'DongBoPhanAnhKienNghi', data });

/** The details of the ValidationError `act` throws. */
function details(act: () => unknown): { path: string; message: string }[] {
  try {
    act();
  } catch (err) {
    if (err instanceof ValidationError) return err.details;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('parseFeedbackMessage', () => {
  it('maps the glossary: codes as numbers or numeric strings, ward in upper case, dates to +07:00', () => {
    // Prepare
    const raw = {
      ...ITEM,
      NguonTiepNhan: 1022,
      MaDonVi: '000.00.12.h57',
      KenhTiepNhan: '2',
      PhanLoai: '3',
      TrangThai: '5',
      NgayTraLoi: 20240320160000,
      NoiDungTraLoi: 'Đã trả lời.',
      DanhGia: '2',
      HanXuLy: '20240325170000',
      MaHoSo: '000.00.12.H57-240401-0003',
      LinhVuc: 12,
      NguoiPhanAnh: 'Nguyễn Văn An',
      SoDienThoai: '0912345678',
      Email: 'an@gmail.com',
      DiaChi: 'Bình An',
      MaCuocGoi: 'CG-1',
    };

    // Act
    const { items } = parseFeedbackMessage(message(raw));

    // Assess
    expect(items).toHaveLength(1);
    expect(items[0].raw).toBe(raw);
    expect(items[0].item).toEqual<FeedbackItem>({
      id: '1022.20240312.0042',
      source: '1022',
      ward: '000.00.12.H57',
      channel: 2,
      receivedAt: '2024-03-12T09:15:00+07:00',
      title: 'Chậm trả kết quả',
      content: 'Tôi nộp hồ sơ đã quá hẹn.',
      category: 3,
      status: 5,
      version: '20240312100000',
      updatedAt: '2024-03-12T10:00:00+07:00',
      deadline: '2024-03-25T17:00:00+07:00',
      answeredAt: '2024-03-20T16:00:00+07:00',
      answer: 'Đã trả lời.',
      rating: 2,
      dossierCode: '000.00.12.H57-240401-0003',
      field: '12',
      citizen: { name: 'Nguyễn Văn An', phone: '0912345678', email: 'an@gmail.com', address: 'Bình An' },
    });
  });

  it.each([
    ['dvcqg', 'DVCQG'],
    ['DVCQG', 'DVCQG'],
    ['1022', '1022'],
  ])('reads NguonTiepNhan %j as %s', (sent, source) => {
    // Act
    const { items } = parseFeedbackMessage(message({ ...ITEM, NguonTiepNhan: sent }));

    // Assess
    expect(items[0].item.source).toBe(source);
  });

  it.each([
    ['MaPhanAnh missing', { MaPhanAnh: undefined }, 'data[0].MaPhanAnh'],
    ['MaPhanAnh of 65 characters', { MaPhanAnh: 'A'.repeat(65) }, 'data[0].MaPhanAnh'],
    ['MaPhanAnh with a space', { MaPhanAnh: '1022 0042' }, 'data[0].MaPhanAnh'],
    ['MaPhanAnh with a slash', { MaPhanAnh: '1022/0042' }, 'data[0].MaPhanAnh'],
    ['MaPhanAnh as a number', { MaPhanAnh: 42 }, 'data[0].MaPhanAnh'],
    ['NguonTiepNhan unknown', { NguonTiepNhan: 'Zalo' }, 'data[0].NguonTiepNhan'],
    ['MaDonVi not an agency code', { MaDonVi: '000 00 12' }, 'data[0].MaDonVi'],
    ['MaDonVi of 41 characters', { MaDonVi: `A.${'1'.repeat(39)}` }, 'data[0].MaDonVi'],
    ['KenhTiepNhan 6', { KenhTiepNhan: 6 }, 'data[0].KenhTiepNhan'],
    ['PhanLoai 4', { PhanLoai: 4 }, 'data[0].PhanLoai'],
    ['TrangThai 7', { TrangThai: 7 }, 'data[0].TrangThai'],
    ['TrangThai 0', { TrangThai: '0' }, 'data[0].TrangThai'],
    ['DanhGia 3', { DanhGia: 3 }, 'data[0].DanhGia'],
    ['NgayTiepNhan not a date', { NgayTiepNhan: '2024-03-12' }, 'data[0].NgayTiepNhan'],
    ['NgayCapNhat 31 February', { NgayCapNhat: '20240231100000' }, 'data[0].NgayCapNhat'],
    ['HanXuLy in year 3000', { HanXuLy: '30000101000000' }, 'data[0].HanXuLy'],
    ['TieuDe empty', { TieuDe: '  ' }, 'data[0].TieuDe'],
    ['NoiDung as a number', { NoiDung: 12 }, 'data[0].NoiDung'],
    ['SoDienThoai as a number (its leading 0 would be lost)', { SoDienThoai: 912345678 }, 'data[0].SoDienThoai'],
    ['MaHoSo malformed', { MaHoSo: 'HS-0003' }, 'data[0].MaHoSo'],
    ['MaHoSo of 65 characters', { MaHoSo: `${'A'.repeat(48)}-240401-0003${'0'.repeat(5)}` }, 'data[0].MaHoSo'],
    ['status 4 without NgayTraLoi', { TrangThai: 4 }, 'data[0].NgayTraLoi'],
    ['status 5 with an empty NgayTraLoi', { TrangThai: 5, NgayTraLoi: '' }, 'data[0].NgayTraLoi'],
  ])('refuses %s', (_what, change, path) => {
    // Prepare
    const bad = { ...ITEM, ...change };

    // Act
    const found = details(() => parseFeedbackMessage(message(ITEM, bad)));

    // Assess
    expect(found.map((d) => d.path)).toEqual([path.replace('data[0]', 'data[1]')]);
    expect(found[0].message).not.toMatch(/Invalid input/);
  });

  it('accepts status 4 and 5 with NgayTraLoi, and 6 without it', () => {
    // Act
    const { items } = parseFeedbackMessage(
      message(
        { ...ITEM, TrangThai: 4, NgayTraLoi: '20240320160000' },
        { ...ITEM, MaPhanAnh: 'x-2', TrangThai: 5, NgayTraLoi: '20240320160000' },
        { ...ITEM, MaPhanAnh: 'x_3', TrangThai: 6 },
      ),
    );

    // Assess
    expect(items.map((i) => i.item.status)).toEqual([4, 5, 6]);
  });

  it('takes a 64-character MaPhanAnh and MaHoSo, "" as no MaHoSo', () => {
    // Prepare
    const longCode = `${'A'.repeat(47)}-240401-0003${'0'.repeat(5)}`;

    // Act
    const { items } = parseFeedbackMessage(
      message({ ...ITEM, MaPhanAnh: 'a'.repeat(64), MaHoSo: longCode }, { ...ITEM, MaPhanAnh: 'b', MaHoSo: '' }),
    );

    // Assess
    expect(longCode).toHaveLength(64);
    expect(items.map((i) => i.item.dossierCode)).toEqual([longCode, null]);
  });

  it.each([
    ['no service', { data: [ITEM] }, 'service'],
    ['another service', { service: 'DongBoHoSoMC', data: [ITEM] }, 'service'],
    ['no data', { service: 'DongBoPhanAnhKienNghi' }, 'data'],
    ['an empty list', message(), 'data'],
    ['501 items', { service: 'DongBoPhanAnhKienNghi', data: Array(MAX_FEEDBACK_ITEMS + 1).fill(ITEM) }, 'data'],
    ['an item that is not an object', message(ITEM, 'x'), 'data[1]'],
    ['an item over 100 KB', message({ ...ITEM, NoiDung: 'ệ'.repeat(40_000) }), 'data[0]'],
  ])('refuses %s', (_what, body, path) => {
    // Act
    const found = details(() => parseFeedbackMessage(body));

    // Assess
    expect(found.map((d) => d.path)).toContain(path);
  });

  it('names every bad field of every item in one answer', () => {
    // Act
    const found = details(() => parseFeedbackMessage(message({ ...ITEM, KenhTiepNhan: 9 }, ITEM, { ...ITEM, TrangThai: 4, PhanLoai: 0 })));

    // Assess
    expect(found.map((d) => d.path).sort()).toEqual(['data[0].KenhTiepNhan', 'data[2].PhanLoai']);
  });
});

describe('the deadline: 17:00 of the 15th working day after the date of receipt', () => {
  it.each([
    ['a Monday of a week with no holiday: the third Monday after', '2024-03-11T09:00:00+07:00', '2024-04-01T17:00:00+07:00'],
    ['the same Monday after 17:00 (the date never counts, whatever the hour)', '2024-03-11T18:30:00+07:00', '2024-04-01T17:00:00+07:00'],
    ['the same Monday at 06:00', '2024-03-11T06:00:00+07:00', '2024-04-01T17:00:00+07:00'],
    ['a Saturday', '2024-03-16T10:00:00+07:00', '2024-04-05T17:00:00+07:00'],
    ['before Tết Giáp Thìn (08–14/02/2024 off)', '2024-02-05T08:00:00+07:00', '2024-03-04T17:00:00+07:00'],
    ['the eve of Tết, 23:30 (Vietnam date 31/01)', '2024-01-31T23:30:00+07:00', '2024-02-28T17:00:00+07:00'],
    ['16:30 UTC on 31/01 is 23:30 in Vietnam: the Vietnam date counts', '2024-01-31T16:30:00Z', '2024-02-28T17:00:00+07:00'],
    ['17:30 UTC on 31/01 is already 01/02 in Vietnam', '2024-01-31T17:30:00Z', '2024-02-29T17:00:00+07:00'],
    ['before Tết Ất Tỵ (27/01–31/01/2025 off)', '2025-01-20T09:00:00+07:00', '2025-02-17T17:00:00+07:00'],
  ])('%s', (_what, receivedAt, due) => {
    // Act
    const deadline = feedbackDeadline(receivedAt);

    // Assess
    expect(deadline).toBe(due);
  });

  it("is the sender's HanXuLy when given, even when earlier than 15 working days", () => {
    // Prepare
    const item = feedbackItem({ deadline: '2024-03-14T17:00:00+07:00' });

    // Act
    const due = feedbackDueAt(item);

    // Assess
    expect(due).toBe('2024-03-14T17:00:00+07:00');
    expect(feedbackDueAt({ ...item, deadline: null })).toBe('2024-04-02T17:00:00+07:00');
  });
});

describe('the standing at a clock (deadline 2024-04-02 17:00)', () => {
  const DUE = '2024-04-02T17:00:00+07:00';
  it.each<[string, Partial<FeedbackItem>, string, FeedbackStanding]>([
    ['answered at the deadline', { status: 4, answeredAt: DUE }, '2024-05-01T00:00:00+07:00', 'answeredOnTime'],
    ['published, answered a second late', { status: 5, answeredAt: '2024-04-02T17:00:01+07:00' }, DUE, 'answeredLate'],
    [
      'answered late, judged before the deadline',
      { status: 4, answeredAt: '2024-04-03T08:00:00+07:00' },
      '2024-03-20T08:00:00+07:00',
      'answeredLate',
    ],
    ['open at the deadline itself', { status: 3 }, DUE, 'open'],
    ['open a second past it', { status: 3 }, '2024-04-02T17:00:01+07:00', 'openOverdue'],
    ['received, never forwarded, long past it', { status: 1 }, '2025-01-01T00:00:00+07:00', 'openOverdue'],
    ['refused, long past it: never overdue', { status: 6 }, '2025-01-01T00:00:00+07:00', 'refused'],
  ])('%s', (_what, over, now, standing) => {
    // Prepare
    const item = feedbackItem(over);

    // Act
    const found = feedbackStanding(item, DUE, now);

    // Assess
    expect(found).toBe(standing);
    expect(isFeedbackOverdue(item, DUE, now)).toBe(standing === 'openOverdue');
  });
});

describe('toFeedbackView', () => {
  it('masks ID numbers, phones and emails inside the words, the name, phone and email; leaves the address out', () => {
    // Prepare
    const item = feedbackItem({
      title: 'Gọi lại 0987 654 321',
      answer: 'Đã gọi số 0912.345.678 và gửi thư tới an.nguyen@gmail.com',
      status: 4,
      answeredAt: '2024-03-20T16:00:00+07:00',
    });

    // Act
    const view = toFeedbackView({ id: item.id, item, dueAt: feedbackDueAt(item), alert: null }, '2024-03-21T08:00:00+07:00');

    // Assess
    const text = JSON.stringify(view);
    for (const secret of [
      '0912345678',
      '0912.345.678',
      '0987 654 321',
      '074190001234',
      'an.nguyen@gmail.com',
      'Đường số 5',
      'Nguyễn Văn An',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(view.citizen).toEqual({ name: 'N*** V*** A***', phone: '0912****78', email: 'an***@gmail.com' });
    expect(view.content).toContain('Tôi nộp hồ sơ đã quá hẹn');
    expect(view).toMatchObject({
      MaPhanAnh: '1022.20240312.0042',
      source: '1022',
      ward: '000.00.12.H57',
      channel: 1,
      category: 1,
      status: 4,
      receivedAt: '2024-03-12T09:15:00+07:00',
      dueAt: '2024-04-02T17:00:00+07:00',
      answeredAt: '2024-03-20T16:00:00+07:00',
      answeredOnTime: true,
      rating: null,
      MaHoSo: null,
      overdue: { isOverdue: false, workingDaysOverdue: 0, alertedAt: null },
    });
  });

  it('shows the alert of the current deadline only: a new HanXuLy clears it', () => {
    // Prepare
    const item = feedbackItem({ status: 3 });
    const alert = { dueAt: '2024-04-02T17:00:00+07:00', at: '2024-04-03T08:00:00+07:00' };

    // Act
    const alerted = toFeedbackView({ id: item.id, item, dueAt: '2024-04-02T17:00:00+07:00', alert }, '2024-04-04T08:00:00+07:00');
    const moved = toFeedbackView({ id: item.id, item, dueAt: '2024-04-10T17:00:00+07:00', alert }, '2024-04-04T08:00:00+07:00');

    // Assess
    expect(alerted.overdue).toEqual({ isOverdue: true, workingDaysOverdue: 2, alertedAt: '2024-04-03T08:00:00+07:00' });
    expect(moved.overdue).toEqual({ isOverdue: false, workingDaysOverdue: 0, alertedAt: null });
  });

  it.each([
    ['Nguyễn Văn An', 'N*** V*** A***'],
    ['  Lê   Thị  ', 'L*** T***'],
    ['Ánh', 'Á***'],
    ['', null],
  ])('masks the name %j as %j', (name, masked) => {
    // Act
    const found = maskName(name);

    // Assess
    expect(found).toBe(masked);
  });
});
