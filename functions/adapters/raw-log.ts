/**
 * The raw log read back: every accepted message as the handlers kept it (`RAW#<yyyy-MM-dd>` /
 * `<receivedAt>#<deliveryId>#<chunk>`, gzip, chunked; see `table-schema.ts`), reassembled,
 * gunzipped, and turned back into the dossier events the handlers derived from it.
 *
 * Re-parsing uses the handlers' own parsers (`parsePortalMessage`, `parsePostalEvent`,
 * `parsePaygovConfirm`, `parseVnpayIpn`), so a rebuilt state means what the live one means.
 *
 * Signatures are NOT verified again, on purpose: a handler keeps a message only after it verified
 * it (the portal and postal signatures in middleware, the PayGov checksum and the VNPay hash before
 * `saveRaw`), so the log holds accepted messages only, and its integrity is the table's (IAM).
 * Verifying again would also reject every message signed with a secret rotated out since. The two
 * payment parsers have no "skip the check" switch, so their messages are re-signed here with a
 * throwaway secret before parsing: the parser's field validation runs unchanged.
 */
import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { gunzipSync } from 'node:zlib';
import type { DossierEvent } from '../core/dossier';
import { parsePortalMessage } from '../core/portal';
import type { RawMessage } from '../core/ports';
import { paygovChecksum, parsePaygovConfirm } from './paygov';
import { parseVnpayIpn, vnpaySign } from './vnpay';
import { parsePostalEvent } from './vnpost';

type Item = Record<string, AttributeValue>;

/** One message of the log: reassembled, or why it could not be (a chunk missing, bad gzip). */
export type RawRead =
  | { ok: true; message: RawMessage }
  | { ok: false; source: string; deliveryId: string; receivedAt: string; problem: string };

/** Reads one day's partition of the raw log. */
export interface RawLogReader {
  /** The messages received on the Vietnam-time date `day` (`YYYY-MM-DD`), in arrival order. */
  readDay(day: string): AsyncIterable<RawRead>;
}

/** Chunks of one message gathered so far. */
interface Pending {
  first: Item;
  chunks: number;
  parts: Map<number, Uint8Array>;
}

const str = (item: Item, name: string): string => item[name]?.S ?? '';
const num = (item: Item, name: string): number => Number(item[name]?.N ?? NaN);

/** The DynamoDB raw log (the table of `DynamoDossierStore`). */
export class DynamoRawLog implements RawLogReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async *readDay(day: string): AsyncIterable<RawRead> {
    // Chunks of a message share their sort key's prefix, so they come together; a message is
    // yielded as soon as its last chunk is in, and only the incomplete ones are held (a page
    // boundary may cut a message), so a busy day never sits in memory at once.
    const pending = new Map<string, Pending>();
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `RAW#${day}` } },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        const id = `${str(item, 'receivedAt')}#${str(item, 'deliveryId')}`;
        const entry = pending.get(id) ?? { first: item, chunks: num(item, 'chunks'), parts: new Map() };
        pending.set(id, entry);
        entry.parts.set(num(item, 'chunk'), item.body?.B ?? new Uint8Array());
        if (entry.parts.size >= entry.chunks) {
          pending.delete(id);
          yield assemble(entry);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    for (const entry of pending.values()) {
      yield broken(entry.first, `only ${entry.parts.size} of ${entry.chunks} chunks are stored`);
    }
  }
}

function broken(item: Item, problem: string): RawRead {
  return { ok: false, source: str(item, 'source'), deliveryId: str(item, 'deliveryId'), receivedAt: str(item, 'receivedAt'), problem };
}

/** Joins the chunks in order and gunzips them; checks the length the writer recorded. */
function assemble(entry: Pending): RawRead {
  const { first } = entry;
  const ordered: Uint8Array[] = [];
  for (let c = 0; c < entry.chunks; c++) {
    const part = entry.parts.get(c);
    if (!part) return broken(first, `chunk ${c} of ${entry.chunks} is missing`);
    ordered.push(part);
  }
  let body: Buffer;
  try {
    body = gunzipSync(Buffer.concat(ordered));
  } catch (err) {
    return broken(first, `the body does not gunzip: ${(err as Error).message}`);
  }
  const bytes = num(first, 'bytes');
  if (Number.isFinite(bytes) && body.length !== bytes) return broken(first, `the body has ${body.length} bytes, the log says ${bytes}`);
  let headers: Record<string, string> = {};
  try {
    headers = JSON.parse(str(first, 'headers') || '{}');
  } catch {
    // Audit headers only: a message is still readable without them.
  }
  return {
    ok: true,
    message: { source: str(first, 'source'), deliveryId: str(first, 'deliveryId'), receivedAt: str(first, 'receivedAt'), body, headers },
  };
}

/** Throwaway secret for re-signing already-verified payment messages (see the module comment). */
const REPLAY_SECRET = 'motcua-raw-log-replay';

/** A dossier event read back from the log; a portal record comes with its raw JSON (see `OfferedRecord`). */
export type RawEvent = DossierEvent & { raw?: unknown };

/** The events a handler derived from `message`; throws when it no longer parses (the reason). */
export function rawEvents(message: RawMessage): RawEvent[] {
  const text = message.body.toString('utf8');
  switch (message.source) {
    case 'portal': {
      const parsed = parsePortalMessage(JSON.parse(text));
      return parsed.service === 'DongBoHoSoMC'
        ? parsed.records.map(({ record, raw }) => ({ kind: 'record', record, raw }))
        : parsed.steps.map((step) => ({ kind: 'step', step }));
    }
    case 'postal':
      return [{ kind: 'postal', event: parsePostalEvent(JSON.parse(text)) }];
    case 'paygov': {
      const json = JSON.parse(text) as Record<string, unknown>;
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('the body is not a JSON object');
      const resigned = JSON.stringify({ ...json, MaXacThuc: paygovChecksum(json, REPLAY_SECRET) });
      const parsed = parsePaygovConfirm(resigned, [REPLAY_SECRET]);
      if (parsed.kind !== 'ok') throw new Error(parsed.kind === 'malformed' ? parsed.message : 'checksum');
      return [{ kind: 'payment', payment: parsed.payment }];
    }
    case 'vnpay': {
      const query = new URLSearchParams(text.startsWith('?') ? text.slice(1) : text);
      const params = Object.fromEntries([...query].filter(([k]) => k !== 'vnp_SecureHash' && k !== 'vnp_SecureHashType'));
      const parsed = parseVnpayIpn(vnpaySign(params, REPLAY_SECRET), [REPLAY_SECRET]);
      if (parsed.kind !== 'ok') throw new Error(parsed.kind === 'bad_signature' ? 'a vnp_ parameter given twice' : parsed.message);
      return [{ kind: 'payment', payment: parsed.payment }];
    }
    case 'feedback':
      // Feedback items are no dossier's events: a rebuild keeps the links they left on the dossier.
      return [];
    default:
      throw new Error(`unknown source ${JSON.stringify(message.source)}`);
  }
}

/**
 * Whether a message's text names the dossier `key` (see `dossierKey`): its letters and digits,
 * upper-cased, contain the key. Every message about a dossier does (MaHoSo, PayGov's MaThamChieu,
 * VNPay's vnp_TxnRef), so a message that no longer parses yet passes this may have been about it.
 */
export function mentionsDossier(body: Buffer, key: string): boolean {
  return body
    .toString('utf8')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .includes(key);
}
