/**
 * Who receives which alert (CONTRACT 6): overdue goes to `default` and to the field's list; due
 * soon goes to the field's list, or to `default` when the field has none. Pure: no I/O.
 */
import type { AlertLevel, DueAlert } from './ports';

/** The recipients configuration (`RECIPIENTS_FILE` / `RECIPIENTS_JSON`). */
export interface Recipients {
  default: string[];
  /** By `MaLinhVuc`. */
  byField: Record<string, string[]>;
}

/** One email of a run: a level, a recipient, and the dossiers it lists. */
export interface AlertGroup {
  level: AlertLevel;
  recipient: string;
  /** The ledger's name of this email: `<level>#<recipient, lower case>`. */
  slot: string;
  alerts: DueAlert[];
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

/** The recipients of an alert of `level` about a dossier of field `fieldCode`, without duplicates. */
export function recipientsFor(level: AlertLevel, fieldCode: string, recipients: Recipients): string[] {
  const out = new Map<string, string>();
  const field = Object.hasOwn(recipients.byField, fieldCode) ? recipients.byField[fieldCode] : undefined;
  if (level === 'overdue') {
    addAll(out, recipients.default);
    addAll(out, field);
  } else {
    addAll(out, field && field.length > 0 ? field : recipients.default);
  }
  return [...out.values()];
}

/** The slot of an email in the ledger. */
export function slotOf(level: AlertLevel, recipient: string): string {
  return `${level}#${recipient.trim().toLowerCase()}`;
}

/** Orders the dossiers of an email: the longest overdue (earliest due) first, then by code. */
export function byDueDate(a: { dueAt: string; code: string }, b: { dueAt: string; code: string }): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.code.localeCompare(b.code);
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
    for (const recipient of recipientsFor(alert.level, alert.fieldCode, recipients)) {
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
