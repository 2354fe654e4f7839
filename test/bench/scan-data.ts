/**
 * The scan bench's dossiers: realistic portal records of a ward's desk, built directly as domain
 * objects (`DossierRecord`), deterministic by their index (a seeded generator per record).
 *
 * Categories, at the scan clock `SCAN_CLOCK` (Thursday 4 April 2024, 09:00 Vietnam time; the
 * due-soon horizon is Friday 5 April, 17:00):
 * - closed: statuses 10 (result returned), 9 (done), 3 (refused), 7 (withdrawn), received since
 *   January 2023, most of them due long before the clock;
 * - paused: statuses 5, 6, 8 (the clock stands still), due before or after the clock;
 * - open, not yet due: statuses 2, 4, due 9 April to 31 May 2024 (past the horizon);
 * - overdue: statuses 2, 4, due 18 March to 3 April 2024 (before the clock), spread evenly
 *   through the stream;
 * - due soon (the addendum only): statuses 2, 4, due between the clock and the horizon.
 */
import { PROCEDURES } from '../../functions/core/catalog/procedures';
import { toCompact, toVnIso, vnWallClock } from '../../functions/core/time';
import type { Channel, DossierRecord, Status } from '../../functions/core/types';

/** The scan's fixed clock. */
export const SCAN_CLOCK = '2024-04-04T09:00:00+07:00';

export type Category = 'closed' | 'paused' | 'open' | 'overdue' | 'soon';

const DAY_MS = 24 * 3600 * 1000;
const CLOCK_MS = Date.parse(SCAN_CLOCK);

/** mulberry32: a small seeded generator, so that record `i` is the same in every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const between = (r: () => number, from: number, to: number) => from + Math.floor(r() * (to - from + 1));

/** The Vietnam-time weekday (0 Sunday … 6 Saturday) of an instant. */
const vnWeekday = (ms: number) => new Date(ms + 7 * 3600 * 1000).getUTCDay();

/** Moves a Saturday or Sunday instant to the Monday after, same wall-clock time. */
function onWeekday(ms: number): number {
  const wd = vnWeekday(ms);
  return wd === 6 ? ms + 2 * DAY_MS : wd === 0 ? ms + DAY_MS : ms;
}

/** A working-hours instant on a weekday between two dates (`YYYY-MM-DD`, Vietnam time). */
function deskTime(r: () => number, from: string, to: string): number {
  const days = Math.round((vnWallClock(to) - vnWallClock(from)) / DAY_MS);
  const day = vnWallClock(from) + between(r, 0, days) * DAY_MS;
  return onWeekday(day + between(r, 7 * 60 + 30, 16 * 60 + 30) * 60_000);
}

/** 17:00 Vietnam time of the weekday `days` days after `ms` (a due date as the receipt slip prints it). */
function dueAfter(ms: number, days: number): number {
  const date = toVnIso(ms + days * DAY_MS).slice(0, 10);
  return onWeekday(vnWallClock(date, 17, 0));
}

const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Hoàng', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Quốc', 'Hoài', 'Đức'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Hạnh', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam', 'Nhung', 'Phúc', 'Tâm', 'Trang', 'Tuấn', 'Vy'];
const UNITS = [
  'UBND phường Bình An - Công chức Tư pháp - Hộ tịch',
  'UBND phường Bình An - Công chức Địa chính - Xây dựng',
  'UBND phường Bình An - Công chức Văn hóa - Xã hội',
  'UBND phường Bình An - Bộ phận Một cửa',
];

/** The category of record `i` of a stream of `total` with `overdue` overdue dossiers spread evenly. */
export function categoryOf(i: number, total: number, overdue: number): { category: Category; status: Status } {
  const r = rng(0x5ca11 ^ Math.imul(i + 1, 2654435761));
  const spacing = total / overdue;
  // Overdue at ⌊(k + ½) · spacing⌋: exactly `overdue` of them, evenly through the stream.
  const k = Math.floor(i / spacing);
  if (k < overdue && Math.floor((k + 0.5) * spacing) === i) return { category: 'overdue', status: r() < 0.5 ? 2 : 4 };
  const u = r();
  if (u < 0.62) return { category: 'closed', status: 10 };
  if (u < 0.7) return { category: 'closed', status: 9 };
  if (u < 0.73) return { category: 'closed', status: 3 };
  if (u < 0.75) return { category: 'closed', status: 7 };
  if (u < 0.8) return { category: 'paused', status: pick(r, [5, 5, 5, 6, 8] as const) };
  return { category: 'open', status: r() < 0.5 ? 2 : 4 };
}

/** Record `seq` (unique MaHoSo) of the category, with its status. */
export function dossierRecord(seq: number, category: Category, status: Status): DossierRecord {
  const r = rng(0xd055 ^ Math.imul(seq + 7, 2246822519));
  const procedure = pick(r, PROCEDURES);
  let received: number;
  let due: number;
  switch (category) {
    case 'closed':
      received = deskTime(r, '2023-01-03', '2024-04-03');
      due = dueAfter(received, between(r, 1, 20));
      break;
    case 'paused':
      received = deskTime(r, '2023-12-01', '2024-04-03');
      due = dueAfter(received, between(r, 3, 40));
      break;
    case 'open':
      received = deskTime(r, '2024-03-18', '2024-04-03');
      due = dueAfter(vnWallClock('2024-04-09'), between(r, 0, 52)); // 9 April … 31 May
      break;
    case 'overdue':
      due = dueAfter(vnWallClock('2024-03-18'), between(r, 0, 16)); // 18 March … 3 April
      received = onWeekday(due - between(r, 3, 20) * DAY_MS - between(r, 1, 8) * 3600_000);
      break;
    case 'soon':
      // Between the clock and the horizon: Thursday 10:00–17:00 or Friday 08:00–17:00.
      due =
        r() < 0.4
          ? vnWallClock('2024-04-04', 10) + between(r, 0, 7 * 60) * 60_000
          : vnWallClock('2024-04-05', 8) + between(r, 0, 9 * 60) * 60_000;
      received = onWeekday(due - between(r, 3, 10) * DAY_MS);
      break;
  }
  const closed = category === 'closed';
  // Last update: the decision for a closed dossier, else a processing step since it was received.
  const updated = Math.min(
    CLOCK_MS - 3600_000,
    closed ? received + between(r, 2, 24 * 12) * 3600_000 : received + between(r, 0, 72) * 3600_000,
  );
  const channel: Channel = pick(r, ['online', 'online', 'online', 'direct', 'direct', 'postal'] as const);
  const fees =
    procedure.fee > 0
      ? [
          {
            name: `Lệ phí ${procedure.TenTTHC.replace(/^Thủ tục /, '').toLowerCase()}`,
            code: `LP.${procedure.MaLinhVuc}.01`,
            amount: procedure.fee,
          },
        ]
      : [];
  const date = toCompact(received);
  const withSupplement = category !== 'closed' && r() < 0.1;
  return {
    code: `000.00.12.H57-${date.slice(2, 8)}-${String(seq).padStart(6, '0')}`,
    procedureCode: procedure.MaTTHC,
    procedureName: procedure.TenTTHC,
    fieldCode: procedure.MaLinhVuc,
    fieldName: procedure.TenLinhVuc,
    channel,
    receivedAt: toVnIso(received),
    dueAt: toVnIso(due),
    status,
    version: toCompact(updated),
    updatedAt: toVnIso(updated),
    applicant: {
      name: `${pick(r, SURNAMES)} ${pick(r, MIDDLE)} ${pick(r, GIVEN)}`,
      idNumber: `0741${String(between(r, 0, 99_999_999)).padStart(8, '0')}`,
      phone: `09${String(between(r, 0, 99_999_999)).padStart(8, '0')}`,
      email: channel === 'online' && r() < 0.4 ? `hoso${seq}@example.vn` : null,
    },
    summary: `${procedure.TenTTHC.replace(/^Thủ tục /, '')}`,
    unit: pick(r, UNITS),
    returnedAt: status === 10 ? toVnIso(updated) : null,
    finishedAt: status === 9 || status === 10 ? toVnIso(updated - 3600_000) : null,
    refusedAt: status === 3 ? toVnIso(updated) : null,
    returnBy: channel === 'postal' ? 'post' : 'desk',
    fees,
    feeTotal: fees.reduce((s, f) => s + f.amount, 0),
    supplements: withSupplement
      ? [
          {
            requestedAt: toVnIso(received + DAY_MS),
            suppliedAt: toVnIso(received + 2 * DAY_MS),
            previousDueAt: toVnIso(due - DAY_MS),
            newDueAt: toVnIso(due),
          },
        ]
      : [],
    onlinePayable: fees.length > 0,
    digitised: r() < 0.7,
    subjectType: null,
    note: null,
  };
}
