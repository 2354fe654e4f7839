/**
 * In-memory `FeedbackStore` (ours, never a mock of the AWS SDK), for the unit and fuzz tests of the
 * feedback handlers and scan. State follows the pure fold of `core/feedback.ts`; the due index
 * (pending, alerted) and the alert marks behave as the DynamoDB adapter's conditional writes do.
 */
import { applyFeedback, feedbackDueAt, isOpenFeedback, type FeedbackItem, type FeedbackState } from '../../functions/core/feedback';
import type { AlertMark, FeedbackStore, OfferedFeedback, RawMessage, StoredFeedback } from '../../functions/core/ports';
import { instantMs, vnDate } from '../../functions/core/time';
import type { Outcome } from '../../functions/core/types';

/** A feedback item with everything filled in, the citizen's data included on purpose. */
export function feedbackItem(over: Partial<FeedbackItem> = {}): FeedbackItem {
  return {
    id: '1022.20240312.0042',
    source: '1022',
    ward: '000.00.12.H57',
    channel: 1,
    receivedAt: '2024-03-12T09:15:00+07:00',
    title: 'Chậm trả kết quả hồ sơ',
    content: 'Tôi nộp hồ sơ đã quá hẹn, liên hệ 0912345678 hoặc an.nguyen@gmail.com, CCCD 074190001234.',
    category: 1,
    status: 1,
    version: '20240312091500',
    updatedAt: '2024-03-12T09:15:00+07:00',
    deadline: null,
    answeredAt: null,
    answer: null,
    rating: null,
    dossierCode: null,
    field: null,
    citizen: { name: 'Nguyễn Văn An', phone: '0912345678', email: 'an.nguyen@gmail.com', address: '12 Đường số 5, khu phố Bình Đường' },
    ...over,
  };
}

type Place = 'due' | 'alerted' | null;

/**
 * The store: items by id, each with its place in the due index and its alert mark; raw messages
 * into `raw` (the fuzz tests share the dossier store's list: one raw log for every source).
 */
export class MemoryFeedbackStore implements FeedbackStore {
  readonly raw: RawMessage[];

  constructor(raw: RawMessage[] = []) {
    this.raw = raw;
  }

  readonly states = new Map<string, FeedbackState>();
  readonly index = new Map<string, { place: Place; alert: AlertMark | null }>();
  /** Writes that changed state (versions applied, marks set). A rejected request must leave this at 0. */
  writes = 0;
  /** Items handed out by `listFeedbackDue` (what the scan read). */
  dueReads = 0;

  async saveRaw(message: RawMessage): Promise<void> {
    vnDate(message.receivedAt); // the adapter's partition key
    this.raw.push(message);
  }

  reset(): void {
    this.raw.length = 0;
    this.states.clear();
    this.index.clear();
    this.writes = 0;
    this.dueReads = 0;
  }

  async offerFeedback(items: OfferedFeedback[]): Promise<Outcome[]> {
    return items.map(({ item }) => {
      const { state, outcome } = applyFeedback(this.states.get(item.id) ?? null, item);
      this.states.set(item.id, state);
      if (outcome === 'applied') {
        this.writes++;
        vnDate(item.receivedAt); // the adapter's receipt partition
        const dueAt = feedbackDueAt(item);
        if (Number.isNaN(instantMs(dueAt))) throw new RangeError(`unreadable deadline ${dueAt}`);
        const alert = this.index.get(item.id)?.alert ?? null;
        this.index.set(item.id, { place: isOpenFeedback(item.status) ? 'due' : null, alert });
      }
      return outcome;
    });
  }

  private stored(id: string): StoredFeedback {
    const s = this.states.get(id)!;
    return structuredClone({ id, item: s.item, dueAt: feedbackDueAt(s.item), alert: this.index.get(id)?.alert ?? null });
  }

  async getFeedback(id: string): Promise<StoredFeedback | null> {
    return this.states.has(id) ? this.stored(id) : null;
  }

  async *listFeedbackReceived(from: string, to: string, ward?: string): AsyncIterable<StoredFeedback> {
    for (const [id, s] of this.states) {
      const day = vnDate(s.item.receivedAt);
      if ((ward === undefined || s.item.ward === ward) && day >= from && day <= to) yield this.stored(id);
    }
  }

  async *listFeedbackDue(until: string): AsyncIterable<StoredFeedback> {
    for (const [id, idx] of this.index) {
      if (idx.place !== 'due' || instantMs(feedbackDueAt(this.states.get(id)!.item)) > instantMs(until)) continue;
      this.dueReads++;
      yield this.stored(id);
    }
  }

  async *listFeedbackAlerted(): AsyncIterable<StoredFeedback> {
    for (const [id, idx] of this.index) if (idx.place === 'alerted') yield this.stored(id);
  }

  async markFeedbackAlerted(id: string, version: string, mark: AlertMark): Promise<boolean> {
    const idx = this.index.get(id);
    if (!idx || this.states.get(id)?.item.version !== version || idx.alert?.dueAt === mark.dueAt) return false;
    idx.alert = { ...mark }; // stays where the scan read it until parked
    this.writes++;
    return true;
  }

  async takeOverFeedbackAlerted(id: string, version: string, fromRunId: string, mark: AlertMark): Promise<boolean> {
    const idx = this.index.get(id);
    const m = idx?.alert;
    if (!idx || this.states.get(id)?.item.version !== version || !m?.pending || m.runId !== fromRunId || m.dueAt !== mark.dueAt)
      return false;
    idx.alert = { ...mark };
    this.writes++;
    return true;
  }

  async parkFeedbackAlerted(id: string, version: string, runId: string): Promise<void> {
    const idx = this.index.get(id);
    if (!idx?.alert || idx.alert.runId !== runId) return;
    // Moved only while still the version it was claimed at and in the due index.
    if (this.states.get(id)?.item.version === version && idx.place) idx.place = 'alerted';
    delete idx.alert.pending;
  }

  async unmarkFeedbackAlerted(id: string, mark: AlertMark): Promise<void> {
    const idx = this.index.get(id);
    if (idx?.alert && idx.alert.dueAt === mark.dueAt && idx.alert.runId === mark.runId) idx.alert = null;
  }

  async keepFeedbackAlerted(id: string, version: string): Promise<void> {
    const idx = this.index.get(id);
    if (idx?.place && this.states.get(id)?.item.version === version) idx.place = 'alerted';
  }

  async dropFeedbackFromDue(id: string, version: string): Promise<void> {
    const idx = this.index.get(id);
    if (idx && this.states.get(id)?.item.version === version) idx.place = null;
  }
}
