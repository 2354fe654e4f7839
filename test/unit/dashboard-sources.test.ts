/** The dashboard's period sources kept in memory (core/dashboard/sources.ts, cachedSources). */
import { cachedSources, type DashboardSources, type SourceQuery } from '../../functions/core/dashboard/sources';

function counting(): { sources: DashboardSources; calls: SourceQuery[]; fail: { next: boolean } } {
  const calls: SourceQuery[] = [];
  const fail = { next: false };
  return {
    calls,
    fail,
    sources: {
      scorecard: async (q) => {
        calls.push(q);
        if (fail.next) {
          fail.next = false;
          throw new Error('store unavailable');
        }
        return { total: { score: calls.length, max: 70 } } as never;
      },
      atRisk: async () => [],
    },
  };
}

const q = (over: Partial<SourceQuery> = {}): SourceQuery => ({
  from: '2024-01-01',
  to: '2024-03-31',
  asOf: '2024-04-15T08:00:00+07:00',
  ...over,
});

describe('cachedSources', () => {
  it('answers a period and ward again from memory until the time to live has passed, whatever the clock asked', async () => {
    let clock = 0;
    const { sources, calls } = counting();
    const cached = cachedSources(sources, 300_000, () => clock);

    const first = await cached.scorecard!(q());
    clock += 299_999;
    const again = await cached.scorecard!(q({ asOf: '2024-04-15T08:04:59+07:00' }));
    const otherWard = await cached.scorecard!(q({ ward: '000.00.12.H57' }));
    clock += 1;
    const expired = await cached.scorecard!(q());

    expect([first, again, otherWard, expired].map((s) => (s as { total: { score: number } }).total.score)).toEqual([1, 1, 2, 3]);
    expect(calls).toHaveLength(3);
    expect(cached.atRisk).toBe(sources.atRisk);
  });

  it('keeps no failed answer: the next request asks again', async () => {
    const { sources, calls, fail } = counting();
    const cached = cachedSources(sources, 300_000, () => 0);
    fail.next = true;

    await expect(cached.scorecard!(q())).rejects.toThrow('store unavailable');
    const next = await cached.scorecard!(q());

    expect(calls).toHaveLength(2);
    expect((next as { total: { score: number } }).total.score).toBe(2);
  });

  it('keeps nothing with a time to live of 0', async () => {
    const { sources } = counting();
    expect(cachedSources(sources, 0)).toBe(sources);
  });
});
