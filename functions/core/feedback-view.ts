/**
 * A feedback item as `GET /feedback/{MaPhanAnh}` shows it (CONTRACT 4): the codes of 3.6 as
 * numbers, times in ISO 8601 with `+07:00`, and the citizen's words and data masked. Pure: no I/O.
 *
 * Where the contract is silent:
 * - `title`, `content` and `answer` are shown with every ID number, phone and email inside masked
 *   as section 4 masks them (`0912******78`, `ng***@gmail.com`); the rest of the words stays, since
 *   the ward's staff must read what the citizen asked.
 * - The citizen: the name reduced to the initial of each word (`N*** V*** A***`), the phone and
 *   email masked; the address is left out (a street and house number identify a household, and no
 *   reader of this route needs it to follow the item up: the sender's own system holds it).
 */
import { overdueWorkingDays } from './calendar';
import { feedbackStanding, isAnsweredFeedback } from './feedback';
import { maskEmail, maskNumber, scrubIdentifiers } from './mask';
import type { StoredFeedback } from './ports';

/** A name reduced to the initial of each word: `Nguyễn Văn An` → `N*** V*** A***`. */
export function maskName(value: string | null): string | null {
  if (value === null || value.trim() === '') return null;
  return value
    .trim()
    .split(/\s+/)
    .map((word) => `${[...word][0]}***`)
    .join(' ');
}

/** Composes the read view of a stored feedback item at the clock `nowIso`. */
export function toFeedbackView(stored: StoredFeedback, nowIso: string) {
  const { item, dueAt, alert } = stored;
  const standing = feedbackStanding(item, dueAt, nowIso);
  const overdue = standing === 'openOverdue';
  return {
    MaPhanAnh: item.id,
    source: item.source,
    ward: item.ward,
    channel: item.channel,
    category: item.category,
    status: item.status,
    receivedAt: item.receivedAt,
    dueAt,
    dueAtFromSender: item.deadline !== null,
    answeredAt: item.answeredAt,
    answeredOnTime: isAnsweredFeedback(item.status) ? standing === 'answeredOnTime' : null,
    standing,
    rating: item.rating,
    MaHoSo: item.dossierCode,
    field: item.field,
    updatedAt: item.updatedAt,
    title: scrubIdentifiers(item.title),
    content: scrubIdentifiers(item.content),
    answer: item.answer === null ? null : scrubIdentifiers(item.answer),
    citizen: {
      name: maskName(item.citizen.name),
      phone: maskNumber(item.citizen.phone),
      email: maskEmail(item.citizen.email),
    },
    overdue: {
      isOverdue: overdue,
      workingDaysOverdue: overdue ? overdueWorkingDays(dueAt, nowIso) : 0,
      alertedAt: alert && alert.dueAt === dueAt ? alert.at : null,
    },
  };
}
