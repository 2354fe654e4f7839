/** The stored form of a dossier record (functions/adapters/record-codec.ts): exact round trips, small. */
import fc from 'fast-check';

import { decodeRecord, encodeRecord } from '../../functions/adapters/record-codec';
import { record } from '../fixtures/records';

describe('record codec', () => {
  it('gives back every record exactly, whatever its text (Vietnamese, emoji, quotes, empty)', () => {
    fc.assert(
      fc.property(
        fc.record({
          procedureName: fc.string({ unit: 'grapheme' }),
          fieldName: fc.string({ unit: 'grapheme-composite' }),
          summary: fc.option(fc.string({ unit: 'binary' })),
          unit: fc.option(fc.string()),
          feeTotal: fc.nat(),
        }),
        (over) => {
          const r = record(over);
          expect(decodeRecord(encodeRecord(r))).toEqual(r);
        },
      ),
    );
  });

  it('stores a usual record in a few hundred bytes, the version first', () => {
    const r = record({
      procedureName: 'Thủ tục cấp bản sao trích lục hộ tịch',
      fieldName: 'Hộ tịch',
      unit: 'UBND phường Bình An - Tư pháp',
    });
    const bytes = encodeRecord(r);
    expect(bytes[0]).toBe(1);
    expect(bytes.length).toBeLessThan(Buffer.byteLength(JSON.stringify(r)) / 2);
    expect(bytes.length).toBeLessThan(400);
  });

  it('refuses bytes of an unknown version or damaged, rather than guess', () => {
    const bytes = encodeRecord(record());
    expect(() => decodeRecord(Uint8Array.from([9, ...bytes.subarray(1)]))).toThrow('unknown record encoding version 9');
    expect(() => decodeRecord(bytes.subarray(0, 5))).toThrow();
  });
});
