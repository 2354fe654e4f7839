/**
 * Who receives which alert (CONTRACT 6): overdue goes to `default` and to the field's list; due
 * soon goes to the field's list, or to `default` when the field has none; an overdue feedback item
 * goes to the `default` list of its ward (MaDonVi). Pure: no I/O.
 */
import type { AlertLevel, DueAlert, FeedbackAlert, RunLevel } from './ports';
import { wardOf } from './ward';

/** Who receives the alerts of one ward's dossiers (or of every ward without its own entry). */
export interface RecipientLists {
  default: string[];
  /** By `MaLinhVuc`. */
  byField: Record<string, string[]>;
}

/** One ward's entry: its name (reports, digests) and its own lists. */
export interface WardRecipients extends RecipientLists {
  name?: string;
}

/**
 * The recipients configuration (`RECIPIENTS_FILE` / `RECIPIENTS_JSON`). A one-ward deployment needs
 * only `default` and `byField` (CONTRACT 6). A province adds `wards`, keyed by agency code (the
 * head of `MaHoSo`, upper case): a ward with an entry is alerted through its own lists (its empty
 * `default` falls back to the top-level one); a ward without one through the top-level lists.
 */
export interface Recipients extends RecipientLists {
  wards?: Record<string, WardRecipients>;
}

/** The lists that apply to the dossiers of `ward` (an upper-case agency code). */
export function listsOfWard(ward: string, recipients: Recipients): RecipientLists {
  const entry = recipients.wards && Object.hasOwn(recipients.wards, ward) ? recipients.wards[ward] : undefined;
  if (!entry) return recipients;
  return { default: entry.default.length > 0 ? entry.default : recipients.default, byField: entry.byField };
}

/** One email of a run: a level, a recipient, and the dossiers it lists. */
export interface AlertGroup {
  level: AlertLevel;
  recipient: string;
  /** The ledger's name of this email: `<level>#<recipient, lower case>`. */
  slot: string;
  alerts: DueAlert[];
}

/** One feedback email of a run: a recipient and the overdue feedback items it lists. */
export interface FeedbackGroup {
  level: 'feedback';
  recipient: string;
  /** The ledger's name of this email: `feedback#<recipient, lower case>`. */
  slot: string;
  alerts: FeedbackAlert[];
}

/** Adds `list` to `out`, skipping addresses already there (compared case-insensitively). */
function addAll(out: Map<string, string>, list: readonly string[] | undefined): void {
  for (const raw of list ?? []) {
    const address = raw.trim();
    if (address && !out.has(address.toLowerCase())) out.set(address.toLowerCase(), address);
  }
}

/** The addresses of `list`, trimmed, each once (compared case-insensitively; the first spelling wins). */
export function uniqueAddresses(list: readonly string[]): string[] {
  const out = new Map<string, string>();
  addAll(out, list);
  return [...out.values()];
}

/**
 * The recipients of an alert of `level` about dossier `code` of field `fieldCode`, without
 * duplicates: the lists of the dossier's ward (see `Recipients`).
 */
export function recipientsFor(level: AlertLevel, dossier: { code: string; fieldCode: string }, recipients: Recipients): string[] {
  const lists = listsOfWard(wardOf(dossier.code), recipients);
  const out = new Map<string, string>();
  const field = Object.hasOwn(lists.byField, dossier.fieldCode) ? lists.byField[dossier.fieldCode] : undefined;
  if (level === 'overdue') {
    addAll(out, lists.default);
    addAll(out, field);
  } else {
    addAll(out, field && field.length > 0 ? field : lists.default);
  }
  return [...out.values()];
}

/**
 * The daily digest's mail: every default recipient (top level and of every ward) gets one email,
 * listing the overdue dossiers of the wards whose default list holds them (none: an email saying so).
 */
export function digestMail<T extends { code: string }>(lines: readonly T[], recipients: Recipients): { recipient: string; lines: T[] }[];
/** The same for lines of any kind, each of the ward `wardOfLine` gives (feedback items: their MaDonVi). */
export function digestMail<T>(
  lines: readonly T[],
  recipients: Recipients,
  wardOfLine: (line: T) => string,
): { recipient: string; lines: T[] }[];
export function digestMail<T>(
  lines: readonly T[],
  recipients: Recipients,
  wardOfLine: (line: T) => string = (line) => wardOf((line as { code: string }).code),
): { recipient: string; lines: T[] }[] {
  const out = new Map<string, { recipient: string; lines: T[] }>();
  const enrol = (list: readonly string[]) => {
    for (const recipient of uniqueAddresses(list)) {
      if (!out.has(recipient.toLowerCase())) out.set(recipient.toLowerCase(), { recipient, lines: [] });
    }
  };
  enrol(recipients.default);
  for (const ward of Object.keys(recipients.wards ?? {})) enrol(listsOfWard(ward, recipients).default);
  for (const line of lines) {
    for (const recipient of uniqueAddresses(listsOfWard(wardOfLine(line), recipients).default)) {
      out.get(recipient.toLowerCase())?.lines.push(line);
    }
  }
  return [...out.values()].sort((a, b) => a.recipient.toLowerCase().localeCompare(b.recipient.toLowerCase()));
}

/** The slot of an email in the ledger. */
export function slotOf(level: RunLevel, recipient: string): string {
  return `${level}#${recipient.trim().toLowerCase()}`;
}

/** Orders the dossiers of an email: the longest overdue (earliest due) first, then by code. */
export function byDueDate(a: { dueAt: string; code: string }, b: { dueAt: string; code: string }): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.code.localeCompare(b.code);
}

/** Orders the feedback items of an email: the longest overdue (earliest deadline) first, then by MaPhanAnh. */
export function byDeadline(a: { dueAt: string; id: string }, b: { dueAt: string; id: string }): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id.localeCompare(b.id);
}

/**
 * Groups a run's alerts into emails: one per (level, recipient), each listing every dossier of
 * that level meant for that recipient. Overdue emails first, then due soon; recipients in
 * alphabetical order, so that a retry walks them in the same order.
 */
export function groupAlerts(alerts: readonly DueAlert[], recipients: Recipients): AlertGroup[] {
  const groups = new Map<string, AlertGroup>();
  const seen = new Set<string>();
  for (const alert of alerts) {
    const identity = `${alert.level}#${alert.code}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    for (const recipient of recipientsFor(alert.level, alert, recipients)) {
      const slot = slotOf(alert.level, recipient);
      let group = groups.get(slot);
      if (!group) {
        group = { level: alert.level, recipient, slot, alerts: [] };
        groups.set(slot, group);
      }
      group.alerts.push(alert);
    }
  }
  const levelOrder: Record<AlertLevel, number> = { overdue: 0, soon: 1 };
  return [...groups.values()]
    .map((g) => ({ ...g, alerts: g.alerts.sort(byDueDate) }))
    .sort((a, b) => levelOrder[a.level] - levelOrder[b.level] || a.slot.localeCompare(b.slot));
}

/**
 * Groups a run's feedback alerts into emails: one per recipient of the `default` list of each
 * item's ward (CONTRACT 6), listing every item meant for them; recipients in alphabetical order.
 */
export function groupFeedbackAlerts(alerts: readonly FeedbackAlert[], recipients: Recipients): FeedbackGroup[] {
  const groups = new Map<string, FeedbackGroup>();
  const seen = new Set<string>();
  for (const alert of alerts) {
    if (seen.has(alert.id)) continue;
    seen.add(alert.id);
    for (const recipient of uniqueAddresses(listsOfWard(alert.ward, recipients).default)) {
      const slot = slotOf('feedback', recipient);
      let group = groups.get(slot);
      if (!group) {
        group = { level: 'feedback', recipient, slot, alerts: [] };
        groups.set(slot, group);
      }
      group.alerts.push(alert);
    }
  }
  return [...groups.values()].map((g) => ({ ...g, alerts: g.alerts.sort(byDeadline) })).sort((a, b) => a.slot.localeCompare(b.slot));
}
