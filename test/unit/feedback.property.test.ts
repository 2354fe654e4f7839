/**
 * The fold of a feedback item's versions (CONTRACT 3.6: the newest `NgayCapNhat` wins), as
 * properties: deliveries may repeat, arrive late or out of order, and the state must not care.
 */
import fc from 'fast-check';
import { applyFeedback, type FeedbackItem, type FeedbackState, type FeedbackStatus } from '../../functions/core/feedback';
import { toCompact, toVnIso } from '../../functions/core/time';
import { feedbackItem } from './feedback-fakes';

/** Distinct versions of one item: each its own NgayCapNhat, status, deadline, dossier and rating. */
const versions = fc
  .uniqueArray(fc.integer({ min: Date.parse('2024-03-12T02:00:00Z'), max: Date.parse('2024-06-30T00:00:00Z') }), {
    minLength: 1,
    maxLength: 6,
    selector: (ms) => Math.floor(ms / 1000),
  })
  .chain((instants) =>
    fc.tuple(
      ...instants.map((ms) =>
        fc
          .record({
            status: fc.integer({ min: 1, max: 6 }),
            deadline: fc.option(fc.constantFrom('2024-04-02T17:00:00+07:00', '2024-04-10T17:00:00+07:00')),
            dossier: fc.option(fc.constantFrom('000.00.12.H57-240401-0003', '000.00.12.H57-240401-0004')),
            ward: fc.constantFrom('000.00.12.H57', '000.00.12.H58'),
            rating: fc.option(fc.constantFrom(1 as const, 2 as const)),
          })
          .map(
            (v): FeedbackItem =>
              feedbackItem({
                status: v.status as FeedbackStatus,
                version: toCompact(Math.floor(ms / 1000) * 1000),
                updatedAt: toVnIso(Math.floor(ms / 1000) * 1000),
                deadline: v.deadline,
                answeredAt: v.status === 4 || v.status === 5 ? toVnIso(ms) : null,
                dossierCode: v.dossier,
                ward: v.ward,
                rating: v.rating,
              }),
          ),
      ),
    ),
  );

/** A delivery plan over the versions: each delivered at least once, some repeated, in any order. */
const deliveries = versions.chain((vs) =>
  fc
    .tuple(fc.constant(vs), fc.array(fc.integer({ min: 0, max: vs.length - 1 }), { maxLength: 12 }))
    .chain(([all, repeats]) => fc.shuffledSubarray([...all.map((_, i) => i), ...repeats], { minLength: all.length + repeats.length }))
    .map((order) => ({ versions: vs, order: order.map((i) => vs[i]) })),
);

function fold(items: readonly FeedbackItem[]): FeedbackState | null {
  let state: FeedbackState | null = null;
  for (const item of items) state = applyFeedback(state, item).state;
  return state;
}

describe('applyFeedback', () => {
  it('gives the same state, the newest version, for any order and repetition of the versions', () => {
    fc.assert(
      fc.property(deliveries, ({ versions: vs, order }) => {
        // Act
        const shuffled = fold(order);
        const inOrder = fold([...vs].sort((a, b) => a.version.localeCompare(b.version)));

        // Assess
        const newest = vs.reduce((a, b) => (b.version > a.version ? b : a));
        expect(shuffled?.item).toEqual(newest);
        expect(shuffled?.item).toEqual(inOrder?.item);
        expect(shuffled?.hash).toBe(inOrder?.hash);
        expect([...(shuffled?.seen ?? [])].sort()).toEqual([...(inOrder?.seen ?? [])].sort());
      }),
    );
  });

  it('answers a repeat duplicate, an older unseen version stale, a newer one applied', () => {
    fc.assert(
      fc.property(deliveries, ({ order }) => {
        // Prepare
        let state: FeedbackState | null = null;
        const seen = new Set<string>();
        let newest = '';

        for (const item of order) {
          // Act
          const { state: next, outcome } = applyFeedback(state, item);

          // Assess
          const expected = item.version > newest ? 'applied' : seen.has(item.version) ? 'duplicate' : 'stale';
          expect(outcome).toBe(expected);
          seen.add(item.version);
          if (item.version > newest) newest = item.version;
          state = next;
        }
      }),
    );
  });

  it('leaves the state it was given untouched', () => {
    // Prepare
    const first = applyFeedback(null, feedbackItem()).state;
    const before = structuredClone({ item: first.item, seen: [...first.seen] });

    // Act
    applyFeedback(first, feedbackItem({ status: 2, version: '20240313080000' }));
    applyFeedback(first, feedbackItem({ status: 2, version: '20240301080000' }));

    // Assess
    expect({ item: first.item, seen: [...first.seen] }).toEqual(before);
  });
});
