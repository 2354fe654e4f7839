/**
 * How a dossier's state changes (CONTRACT 3.2): a pure fold of the events the pipeline receives.
 * Deliveries may repeat, arrive late or out of order; the fold is built so that the final state
 * depends only on the set of events, never on their order or on how often each one came.
 */
import { createHash } from 'node:crypto';
import { dossierKey } from './types';
import type { DossierRecord, Outcome, Payment, PostalEvent, ProgressStep } from './types';

/** Everything known about one dossier; collections are keyed by each item's identity. */
export interface DossierState {
  key: string;
  /** MaHoSo as the newest record spells it; before any record, as the other events spell it. */
  code: string;
  record: DossierRecord | null;
  recordHash: string | null;
  /** By `stepKey`. */
  steps: Record<string, ProgressStep>;
  /** By `paymentKey`. */
  payments: Record<string, Payment>;
  /** By `eventId`. */
  postal: Record<string, PostalEvent>;
}

/** One thing that happened to a dossier, from any source. */
export type DossierEvent =
  | { kind: 'record'; record: DossierRecord }
  | { kind: 'step'; step: ProgressStep }
  | { kind: 'payment'; payment: Payment }
  | { kind: 'postal'; event: PostalEvent };

/** JSON with object keys sorted at every depth, so equal records give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 hex of the record's canonical JSON: tells a true repeat from a conflicting version. */
export function recordHash(record: DossierRecord): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/** Identity of a progress step within its dossier (CONTRACT 3.2: MaHoSo, ThoiDiemXuLy, TrangThai). */
export function stepKey(step: ProgressStep): string {
  return `${step.atRaw}#${step.status}`;
}

/** Identity of a payment attempt within its dossier. */
export function paymentKey(payment: Payment): string {
  return `${payment.source}#${payment.txId}`;
}

/** The key of the dossier an event belongs to (see `dossierKey`). */
export function eventKey(event: DossierEvent): string {
  switch (event.kind) {
    case 'record':
      return dossierKey(event.record.code);
    case 'step':
      return dossierKey(event.step.code);
    case 'payment':
      return event.payment.key;
    case 'postal':
      return dossierKey(event.event.code);
  }
}

function emptyState(key: string): DossierState {
  return { key, code: '', record: null, recordHash: null, steps: {}, payments: {}, postal: {} };
}

/**
 * Before any record, the code comes from the attached events. Taking the smallest spelling (not
 * the first seen) keeps the result independent of arrival order should two sources disagree on
 * case; a PayGov payment names no MaHoSo at all, so the key stands in until something does.
 */
function knownCode(state: DossierState, candidate: string | null): string {
  if (state.record) return state.record.code;
  if (candidate === null) return state.code || state.key;
  if (!state.code || state.code === state.key) return candidate;
  return candidate < state.code ? candidate : state.code;
}

/** Adds `item` under `id` unless that id is already there; own keys only, so `__proto__` is data. */
function attach<T>(items: Record<string, T>, id: string, item: T): Record<string, T> | null {
  return Object.hasOwn(items, id) ? null : { ...items, [id]: item };
}

/** Offers one event to a dossier's state: the new state (input untouched) and what it did. */
export function applyEvent(state: DossierState | null, event: DossierEvent): { state: DossierState; outcome: Outcome } {
  const current = state ?? emptyState(eventKey(event));

  switch (event.kind) {
    case 'record': {
      const { record } = event;
      const hash = recordHash(record);
      const stored = current.record;
      if (stored && record.version <= stored.version) {
        // An equal version with other content is a conflicting resend, not a repeat: the stored
        // one stays, so the state never flips with arrival order between two such versions.
        const outcome = record.version === stored.version && hash === current.recordHash ? 'duplicate' : 'stale';
        return { state: current, outcome };
      }
      return { state: { ...current, code: record.code, record, recordHash: hash }, outcome: 'applied' };
    }
    case 'step': {
      const steps = attach(current.steps, stepKey(event.step), event.step);
      if (!steps) return { state: current, outcome: 'duplicate' };
      return { state: { ...current, code: knownCode(current, event.step.code), steps }, outcome: 'applied' };
    }
    case 'payment': {
      const payments = attach(current.payments, paymentKey(event.payment), event.payment);
      if (!payments) return { state: current, outcome: 'duplicate' };
      return { state: { ...current, code: knownCode(current, event.payment.code), payments }, outcome: 'applied' };
    }
    case 'postal': {
      const postal = attach(current.postal, event.event.eventId, event.event);
      if (!postal) return { state: current, outcome: 'duplicate' };
      return { state: { ...current, code: knownCode(current, event.event.code), postal }, outcome: 'applied' };
    }
  }
}

/** Folds events, in the order given, into one state per dossier key. */
export function foldEvents(events: DossierEvent[]): Map<string, DossierState> {
  const states = new Map<string, DossierState>();
  for (const event of events) {
    const key = eventKey(event);
    states.set(key, applyEvent(states.get(key) ?? null, event).state);
  }
  return states;
}
