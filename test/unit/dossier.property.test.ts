import fc from 'fast-check';
import { applyEvent, eventKey, foldEvents, paymentKey, recordHash, stepKey } from '../../functions/core/dossier';
import type { DossierEvent, DossierState } from '../../functions/core/dossier';
import { toCompact, toVnIso } from '../../functions/core/time';
import { dossierKey } from '../../functions/core/types';
import type { DossierRecord, Payment, PostalEvent, ProgressStep, Status } from '../../functions/core/types';

const CODE = '000.00.12.H57-240401-0003';
const KEY = dossierKey(CODE);

function record(overrides: Partial<DossierRecord> = {}): DossierRecord {
  return {
    code: CODE,
    procedureCode: '1.001193',
    procedureName: 'Thủ tục đăng ký khai sinh',
    fieldCode: 'HT',
    fieldName: 'Hộ tịch',
    channel: 'online',
    receivedAt: '2024-04-01T08:15:00+07:00',
    dueAt: '2024-04-02T17:00:00+07:00',
    status: 2,
    version: '20240401081500',
    updatedAt: '2024-04-01T08:15:00+07:00',
    applicant: { name: 'Nguyễn Thị Hồng Nhung', idNumber: '074190001234', phone: '0912345678', email: null },
    summary: null,
    unit: 'Bộ phận Tư pháp - Hộ tịch',
    returnedAt: null,
    finishedAt: null,
    refusedAt: null,
    returnBy: 'desk',
    fees: [{ name: 'Lệ phí đăng ký khai sinh', code: 'LP01', amount: 8000 }],
    feeTotal: 8000,
    supplements: [],
    onlinePayable: true,
    digitised: null,
    subjectType: null,
    note: null,
    ...overrides,
  };
}

function step(overrides: Partial<ProgressStep> = {}): ProgressStep {
  return {
    code: CODE,
    actor: 'Lê Văn Tâm',
    actorTitle: 'Công chức Tư pháp - Hộ tịch',
    at: '2024-04-01T09:10:00+07:00',
    atRaw: '20240401091000',
    department: 'Bộ phận Tư pháp - Hộ tịch',
    content: 'Tiếp nhận hồ sơ',
    status: 2,
    startedAt: null,
    dueAt: null,
    ...overrides,
  };
}

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    source: 'paygov',
    txId: 'GD240401000123',
    key: KEY,
    code: null,
    amount: 8000,
    success: true,
    resultCode: '00',
    at: '2024-04-01T10:00:00+07:00',
    bank: 'VCB',
    reference: `dvc${KEY}20240401095900`,
    ...overrides,
  };
}

function postal(overrides: Partial<PostalEvent> = {}): PostalEvent {
  return {
    eventId: 'vnpost-0001',
    trackingNumber: 'EB123456785VN',
    code: CODE,
    type: 'RESULT_DELIVERED',
    occurredAt: '2024-04-03T10:30:00+07:00',
    postOffice: 'Bưu cục Dĩ An',
    note: null,
    ...overrides,
  };
}

const rec = (r: DossierRecord): DossierEvent => ({ kind: 'record', record: r });

describe('recordHash', () => {
  it('does not depend on the order of keys', () => {
    // Prepare
    const a = record();
    const b = Object.fromEntries(Object.entries(record()).reverse()) as unknown as DossierRecord;

    // Act
    const [ha, hb] = [recordHash(a), recordHash(b)];

    // Assess
    expect(ha).toMatch(/^[0-9a-f]{64}$/);
    expect(hb).toBe(ha);
  });

  it.each([
    ['status', { status: 4 as Status }],
    ['due date', { dueAt: null }],
    ['a fee amount', { fees: [{ name: 'Lệ phí đăng ký khai sinh', code: 'LP01', amount: 9000 }] }],
    ['the applicant phone', { applicant: { name: 'Nguyễn Thị Hồng Nhung', idNumber: '074190001234', phone: '0987654321', email: null } }],
  ])('changes with the %s', (_label, change) => {
    // Prepare
    const before = record();

    // Act
    const after = record(change);

    // Assess
    expect(recordHash(after)).not.toBe(recordHash(before));
  });
});

describe('keys', () => {
  it('identifies a step by its time as sent and its status', () => {
    // Act
    const key = stepKey(step({ atRaw: '20240401091000', status: 4 }));

    // Assess
    expect(key).toBe('20240401091000#4');
  });

  it('identifies a payment by its source and transaction id', () => {
    // Act
    const key = paymentKey(payment({ source: 'vnpay', txId: `${CODE}_1712000000` }));

    // Assess
    expect(key).toBe(`vnpay#${CODE}_1712000000`);
  });
});

describe('applyEvent: dossier records', () => {
  it('applies the first record of a dossier', () => {
    // Act
    const { state, outcome } = applyEvent(null, rec(record()));

    // Assess
    expect(outcome).toBe('applied');
    expect(state).toEqual({
      key: KEY,
      code: CODE,
      record: record(),
      recordHash: recordHash(record()),
      steps: {},
      payments: {},
      postal: {},
    });
  });

  it.each([
    ['the same version and content', 'duplicate', record()],
    ['the same version with other content', 'stale', record({ status: 4 })],
    ['an older version', 'stale', record({ version: '20240401081459', updatedAt: '2024-04-01T08:14:59+07:00', status: 1 })],
    ['a newer version', 'applied', record({ version: '20240401081501', updatedAt: '2024-04-01T08:15:01+07:00', status: 4 })],
    [
      'a newer version with the same content otherwise',
      'applied',
      record({ version: '20240402080000', updatedAt: '2024-04-02T08:00:00+07:00' }),
    ],
  ])('offered %s after the stored record: %s', (_label, expected, next) => {
    // Prepare
    const stored = applyEvent(null, rec(record())).state;

    // Act
    const { state, outcome } = applyEvent(stored, rec(next));

    // Assess
    expect(outcome).toBe(expected);
    expect(state.record).toEqual(expected === 'applied' ? next : record());
    expect(state.recordHash).toBe(recordHash(state.record as DossierRecord));
  });

  it('applies the first record to a state built from earlier steps, payments and postal events', () => {
    // Prepare
    let state = applyEvent(null, { kind: 'step', step: step() }).state;
    state = applyEvent(state, { kind: 'payment', payment: payment() }).state;
    state = applyEvent(state, { kind: 'postal', event: postal() }).state;

    // Act
    const result = applyEvent(state, rec(record()));

    // Assess
    expect(result.outcome).toBe('applied');
    expect(result.state.record).toEqual(record());
    expect(Object.keys(result.state.steps)).toEqual([stepKey(step())]);
    expect(Object.keys(result.state.payments)).toEqual([paymentKey(payment())]);
    expect(Object.keys(result.state.postal)).toEqual(['vnpost-0001']);
  });

  it('leaves the state it was given untouched', () => {
    // Prepare
    const stored = applyEvent(null, rec(record())).state;
    const snapshot = structuredClone(stored);

    // Act
    applyEvent(stored, rec(record({ version: '20240402080000', status: 4 })));
    applyEvent(stored, { kind: 'step', step: step() });
    applyEvent(stored, { kind: 'payment', payment: payment() });
    applyEvent(stored, { kind: 'postal', event: postal() });

    // Assess
    expect(stored).toEqual(snapshot);
  });
});

describe('applyEvent: steps, payments and postal events', () => {
  it.each<[string, DossierEvent, DossierEvent]>([
    ['step', { kind: 'step', step: step() }, { kind: 'step', step: step({ status: 4 }) }],
    ['payment', { kind: 'payment', payment: payment() }, { kind: 'payment', payment: payment({ txId: 'GD240401000124' }) }],
    ['postal event', { kind: 'postal', event: postal() }, { kind: 'postal', event: postal({ eventId: 'vnpost-0002' }) }],
  ])('applies a new %s, and calls a repeat of its key a duplicate', (_label, first, other) => {
    // Prepare
    const stored = applyEvent(null, rec(record())).state;

    // Act
    const a = applyEvent(stored, first);
    const b = applyEvent(a.state, first);
    const c = applyEvent(b.state, other);

    // Assess
    expect([a.outcome, b.outcome, c.outcome]).toEqual(['applied', 'duplicate', 'applied']);
    expect(b.state).toBe(a.state);
  });

  it('keeps the first step of a key when a different step repeats the key', () => {
    // Prepare
    const first = applyEvent(null, { kind: 'step', step: step() }).state;

    // Act
    const { state, outcome } = applyEvent(first, { kind: 'step', step: step({ content: 'Chuyển xử lý' }) });

    // Assess
    expect(outcome).toBe('duplicate');
    expect(state.steps[stepKey(step())].content).toBe('Tiếp nhận hồ sơ');
  });

  it('creates a dossier without a record for a step that arrives first, named by its MaHoSo', () => {
    // Act
    const { state, outcome } = applyEvent(null, { kind: 'step', step: step() });

    // Assess
    expect(outcome).toBe('applied');
    expect(state).toMatchObject({ key: KEY, code: CODE, record: null, recordHash: null });
  });

  it('names a dossier known only from a PayGov payment by its key, until an event gives the MaHoSo', () => {
    // Prepare
    const fromPayment = applyEvent(null, { kind: 'payment', payment: payment({ code: null }) }).state;

    // Act
    const fromPostal = applyEvent(fromPayment, { kind: 'postal', event: postal() }).state;

    // Assess
    expect(fromPayment.code).toBe(KEY);
    expect(fromPostal.code).toBe(CODE);
  });

  it('treats an event id such as __proto__ as data', () => {
    // Prepare
    const stored = applyEvent(null, rec(record())).state;

    // Act
    const a = applyEvent(stored, { kind: 'postal', event: postal({ eventId: '__proto__' }) });
    const b = applyEvent(a.state, { kind: 'postal', event: postal({ eventId: 'toString' }) });

    // Assess
    expect([a.outcome, b.outcome]).toEqual(['applied', 'applied']);
    expect(Object.keys(b.state.postal).sort()).toEqual(['__proto__', 'toString']);
  });
});

describe('foldEvents', () => {
  it('folds each dossier separately and keeps the newest record', () => {
    // Prepare
    const other = '000.00.12.H57-240402-0001';
    const events: DossierEvent[] = [
      rec(record({ version: '20240402080000', status: 4 })),
      { kind: 'step', step: step({ code: other }) },
      rec(record()),
      { kind: 'payment', payment: payment() },
    ];

    // Act
    const states = foldEvents(events);

    // Assess
    expect([...states.keys()].sort()).toEqual([KEY, dossierKey(other)].sort());
    expect(states.get(KEY)?.record?.status).toBe(4);
    expect(Object.keys(states.get(KEY)?.payments ?? {})).toHaveLength(1);
    expect(states.get(dossierKey(other))?.record).toBeNull();
  });
});

// ---- properties ---------------------------------------------------------------------------

// The second spelling shares the first one's key: sources that disagree on case must still fold
// to one dossier whose name does not depend on arrival order.
const CODES = ['000.00.12.H57-240401-0003', '000.00.12.h57-240401-0003', '000.00.12.H57-240402-0011', 'H57.12-240329-0127'];
const START_2024 = Date.UTC(2024, 0, 1) - 7 * 3600_000;
const SECONDS_2024 = 366 * 24 * 3600;

const instant = fc.integer({ min: 0, max: SECONDS_2024 - 1 }).map((s) => START_2024 + s * 1000);
const status = fc.integer({ min: 1, max: 10 }).map((n) => n as Status);
const dossierCode = fc.constantFrom(...CODES);

const recordArb: fc.Arbitrary<DossierRecord> = fc
  .record({
    code: dossierCode,
    updated: instant,
    status,
    channel: fc.constantFrom('direct' as const, 'online' as const, 'postal' as const),
    due: fc.option(instant, { nil: null }),
    fee: fc.constantFrom(0, 8000, 15000, 50000),
  })
  .map(({ code, updated, status: s, channel, due, fee }) =>
    record({
      code,
      version: toCompact(updated),
      updatedAt: toVnIso(updated),
      status: s,
      channel,
      dueAt: due === null ? null : toVnIso(due),
      fees: fee ? [{ name: 'Lệ phí', code: null, amount: fee }] : [],
      feeTotal: fee,
    }),
  );

const stepArb: fc.Arbitrary<ProgressStep> = fc
  .record({ code: dossierCode, at: instant, status, content: fc.constantFrom('Tiếp nhận hồ sơ', 'Chuyển xử lý', 'Trả kết quả') })
  .map(({ code, at, status: s, content }) => step({ code, at: toVnIso(at), atRaw: toCompact(at), status: s, content }));

const paymentArb: fc.Arbitrary<Payment> = fc
  .record({
    code: dossierCode,
    source: fc.constantFrom('paygov' as const, 'vnpay' as const),
    tx: fc.integer({ min: 1, max: 40 }),
    success: fc.boolean(),
    at: instant,
  })
  .map(({ code, source, tx, success, at }) =>
    payment({
      source,
      txId: source === 'paygov' ? `GD${tx}` : `${code}_${tx}`,
      key: dossierKey(code),
      code: source === 'vnpay' ? code : null,
      success,
      resultCode: success ? '00' : '24',
      at: toVnIso(at),
    }),
  );

const postalArb: fc.Arbitrary<PostalEvent> = fc
  .record({
    code: dossierCode,
    id: fc.integer({ min: 1, max: 40 }),
    type: fc.constantFrom('COLLECTED' as const, 'DELIVERED_TO_AGENCY' as const, 'RESULT_DELIVERED' as const, 'DELIVERY_FAILED' as const),
    at: instant,
  })
  .map(({ code, id, type, at }) => postal({ eventId: `${dossierKey(code)}-${id}`, code, type, occurredAt: toVnIso(at) }));

// Each identity appears once in a set: same identity with other content would be a conflicting
// resend, whose outcome depends on arrival order by design (the first stored one stays).
const eventsArb: fc.Arbitrary<DossierEvent[]> = fc
  .tuple(
    fc.uniqueArray(recordArb, { maxLength: 12, selector: (r) => `${dossierKey(r.code)}#${r.version}` }),
    fc.uniqueArray(stepArb, { maxLength: 15, selector: (s) => `${dossierKey(s.code)}#${stepKey(s)}` }),
    fc.uniqueArray(paymentArb, { maxLength: 8, selector: (p) => `${p.key}#${paymentKey(p)}` }),
    fc.uniqueArray(postalArb, { maxLength: 8, selector: (e) => e.eventId }),
  )
  .map(([records, steps, payments, events]) => [
    ...records.map((r): DossierEvent => ({ kind: 'record', record: r })),
    ...steps.map((s): DossierEvent => ({ kind: 'step', step: s })),
    ...payments.map((p): DossierEvent => ({ kind: 'payment', payment: p })),
    ...events.map((e): DossierEvent => ({ kind: 'postal', event: e })),
  ]);

/** The fold as a plain object, so equality ignores the order the Map was filled in. */
const folded = (events: DossierEvent[]): Record<string, DossierState> => Object.fromEntries(foldEvents(events));

describe('foldEvents: properties', () => {
  it('gives the same states when every event is delivered twice', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        // Prepare
        const twice = events.flatMap((e) => [e, e]);

        // Act
        const [once, again] = [folded(events), folded(twice)];

        // Assess
        expect(again).toEqual(once);
      }),
    );
  });

  it('gives the same states in any order', () => {
    fc.assert(
      fc.property(
        eventsArb.chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))),
        ([events, shuffled]) => {
          // Act
          const [inOrder, outOfOrder] = [folded(events), folded(shuffled)];

          // Assess
          expect(outOfOrder).toEqual(inOrder);
        },
      ),
    );
  });

  it('gives the same states duplicated and shuffled together', () => {
    fc.assert(
      fc.property(
        eventsArb.chain((events) => {
          const twice = [...events, ...events];
          return fc.tuple(fc.constant(events), fc.shuffledSubarray(twice, { minLength: twice.length }));
        }),
        ([events, messy]) => {
          // Act
          const [clean, result] = [folded(events), folded(messy)];

          // Assess
          expect(result).toEqual(clean);
        },
      ),
    );
  });

  it('keeps the newest version of each record, and never applies a repeat', () => {
    fc.assert(
      fc.property(
        eventsArb.chain((events) => fc.shuffledSubarray(events, { minLength: events.length })),
        (events) => {
          // Prepare
          const newest = new Map<string, string>();
          for (const e of events) {
            if (e.kind !== 'record') continue;
            const key = dossierKey(e.record.code);
            if ((newest.get(key) ?? '') < e.record.version) newest.set(key, e.record.version);
          }
          const states = foldEvents(events);

          // Act
          const outcomes = events.map((e) => {
            const key = eventKey(e);
            const { state, outcome } = applyEvent(states.get(key) ?? null, e);
            states.set(key, state);
            return outcome;
          });

          // Assess
          for (const [key, version] of newest) expect(states.get(key)?.record?.version).toBe(version);
          expect(outcomes.filter((o) => o === 'applied')).toEqual([]);
        },
      ),
    );
  });
});
