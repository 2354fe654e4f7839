/**
 * The bench's billing meter (test/bench/billing.ts): write units as DynamoDB on demand bills them,
 * table and indexes, from the item before and after a write.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { indexEntry, indexWriteUnits, type TableSpec, writeUnits } from '../bench/billing';

const S = (s: string): AttributeValue => ({ S: s });
const TABLE: TableSpec = {
  keys: ['pk', 'sk'],
  indexes: [
    { name: 'all', keys: ['g1pk', 'g1sk'], projection: 'ALL' },
    { name: 'keys', keys: ['g2pk', 'g2sk'], projection: 'KEYS_ONLY' },
    { name: 'include', keys: ['g3pk'], projection: ['small'] },
  ],
};
const base = { pk: S('D#1'), sk: S('A') };

describe('billing meter', () => {
  it('bills the table by the larger of the item before and after, in 1 KB of UTF-8, at least 1', () => {
    // Prepare
    const small = { ...base, v: S('x') };
    const big = { ...base, v: S('ệ'.repeat(700)) }; // 2,100 bytes of UTF-8, 700 UTF-16 units

    // Act
    const grow = writeUnits(small, big, TABLE);
    const shrink = writeUnits(big, small, TABLE);
    const tiny = writeUnits(null, small, TABLE);

    // Assess
    expect([grow.table, shrink.table, tiny.table]).toEqual([3, 3, 1]);
  });

  it.each([
    ['no entry before or after', { ...base }, { ...base, v: S('x') }, 0],
    ['an entry appears', { ...base }, { ...base, g1pk: S('DUE#1'), g1sk: S('t') }, 1],
    ['an entry goes', { ...base, g1pk: S('DUE#1'), g1sk: S('t') }, { ...base }, 1],
    ['its key changes: a delete and a put', { ...base, g1pk: S('DUE#1'), g1sk: S('t') }, { ...base, g1pk: S('OVD#1'), g1sk: S('t') }, 2],
    [
      'a projected attribute changes',
      { ...base, g1pk: S('P'), g1sk: S('t'), v: S('a') },
      { ...base, g1pk: S('P'), g1sk: S('t'), v: S('b') },
      1,
    ],
    ['nothing changes', { ...base, g1pk: S('P'), g1sk: S('t'), v: S('a') }, { ...base, g1pk: S('P'), g1sk: S('t'), v: S('a') }, 0],
    ['a 2.1 KB item projected ALL', { ...base }, { ...base, g1pk: S('P'), g1sk: S('t'), v: S('ệ'.repeat(700)) }, 3],
  ])('ALL index: %s', (_name, before, after, expected) => {
    // Assess
    expect(indexWriteUnits(before, after, TABLE.indexes[0], TABLE)).toBe(expected);
  });

  it('KEYS_ONLY index: an attribute that is not a key changes nothing; a key change is two writes', () => {
    // Prepare
    const before = { ...base, g2pk: S('RCV#W#2024-04'), g2sk: S('2024-04-01#1'), v: S('ệ'.repeat(700)) };

    // Act
    const valueOnly = indexWriteUnits(before, { ...before, v: S('other') }, TABLE.indexes[1], TABLE);
    const moved = indexWriteUnits(before, { ...before, g2pk: S('RCV#W#2024-05') }, TABLE.indexes[1], TABLE);

    // Assess
    expect(valueOnly).toBe(0);
    expect(moved).toBe(2);
    expect(Object.keys(indexEntry(before, TABLE.indexes[1], TABLE) ?? {}).sort()).toEqual(['g2pk', 'g2sk', 'pk', 'sk']);
  });

  it('INCLUDE index: only the included attributes count', () => {
    // Prepare
    const before = { ...base, g3pk: S('X'), small: S('a'), large: S('ệ'.repeat(700)) };

    // Act
    const largeChanged = indexWriteUnits(before, { ...before, large: S('b') }, TABLE.indexes[2], TABLE);
    const smallChanged = indexWriteUnits(before, { ...before, small: S('b') }, TABLE.indexes[2], TABLE);

    // Assess
    expect([largeChanged, smallChanged]).toEqual([0, 1]);
  });
});
