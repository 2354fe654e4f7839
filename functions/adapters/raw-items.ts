/**
 * The item codec of the raw log (`RAW#<yyyy-MM-dd>` / `<receivedAt>#<deliveryId>#<chunk>`, see
 * `table-schema.ts`): every accepted message as received, gzipped and cut into chunks that stay well
 * under DynamoDB's 400 KB item limit. Written by the stores (`saveRaw`), read back by `raw-log.ts`.
 * In its own module so that a handler writing raw messages need not bundle a whole store.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { gzipSync } from 'node:zlib';
import type { RawMessage } from '../core/ports';
import { vnDate } from '../core/time';

/** Raw bodies are gzipped and cut into chunks of at most this many bytes. */
export const RAW_CHUNK_BYTES = 300 * 1024;

/** The items of one raw message: one per chunk (one for all but the largest bodies). */
export function rawItems(message: RawMessage): Record<string, AttributeValue>[] {
  const zipped = gzipSync(message.body);
  const chunks = Math.max(1, Math.ceil(zipped.length / RAW_CHUNK_BYTES));
  const items: Record<string, AttributeValue>[] = [];
  for (let c = 0; c < chunks; c++) {
    items.push({
      pk: { S: `RAW#${vnDate(message.receivedAt)}` },
      sk: { S: `${message.receivedAt}#${message.deliveryId}#${c}` },
      source: { S: message.source },
      deliveryId: { S: message.deliveryId },
      receivedAt: { S: message.receivedAt },
      headers: { S: JSON.stringify(message.headers) },
      chunk: { N: String(c) },
      chunks: { N: String(chunks) },
      bytes: { N: String(message.body.length) },
      body: { B: zipped.subarray(c * RAW_CHUNK_BYTES, (c + 1) * RAW_CHUNK_BYTES) },
    });
  }
  return items;
}
