import { countedPayments, flaggedPayments, paymentSummary } from '../../functions/core/payments';
import type { DossierRecord, Payment } from '../../functions/core/types';

const FEE = 50_000;

function record(overrides: Partial<DossierRecord> = {}): DossierRecord {
  return {
    code: '000.00.12.H57-240401-0003',
    procedureCode: '1.001234',
    procedureName: 'Chứng thực bản sao từ bản chính',
    fieldCode: 'CT',
    fieldName: 'Chứng thực',
    channel: 'online',
    receivedAt: '2024-04-01T08:15:00+07:00',
    dueAt: '2024-04-03T17:00:00+07:00',
    status: 4,
    version: '20240401081500',
    updatedAt: '2024-04-01T08:15:00+07:00',
    applicant: { name: 'Nguyễn Văn A', idNumber: null, phone: null, email: null },
    summary: null,
    unit: null,
    returnedAt: null,
    finishedAt: null,
    refusedAt: null,
    returnBy: 'desk',
    fees: [{ name: 'Lệ phí', code: null, amount: FEE }],
    feeTotal: FEE,
    supplements: [],
    onlinePayable: true,
    digitised: null,
    subjectType: null,
    note: null,
    ...overrides,
  };
}

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    source: 'paygov',
    txId: 'GD001',
    key: '0000012H572404010003',
    code: null,
    amount: FEE,
    success: true,
    resultCode: '00',
    at: '2024-04-01T09:00:00+07:00',
    bank: 'VCB',
    reference: 'dvc0000012H57240401000320240401085900',
    ...overrides,
  };
}

describe('countedPayments', () => {
  it.each([
    { case: 'successful, exact fee total', payments: [payment()], counted: ['paygov#GD001'] },
    { case: 'failed attempt', payments: [payment({ success: false, resultCode: '09' })], counted: [] },
    { case: 'amount below the fee total', payments: [payment({ amount: FEE - 1 })], counted: [] },
    { case: 'amount above the fee total', payments: [payment({ amount: FEE * 2 })], counted: [] },
    { case: 'same transaction delivered twice', payments: [payment(), payment()], counted: ['paygov#GD001'] },
    {
      case: 'same txId on two platforms is two transactions',
      payments: [payment(), payment({ source: 'vnpay', resultCode: '00' })],
      counted: ['paygov#GD001', 'vnpay#GD001'],
    },
    {
      case: 'two distinct transactions',
      payments: [payment(), payment({ txId: 'GD002' })],
      counted: ['paygov#GD001', 'paygov#GD002'],
    },
    {
      case: 'a failed delivery first does not hide the success of the same id',
      payments: [payment({ success: false, resultCode: '24' }), payment()],
      counted: ['paygov#GD001'],
    },
    {
      case: 'failed then paid under another id',
      payments: [payment({ txId: 'GD000', success: false, resultCode: '24' }), payment({ txId: 'GD002' })],
      counted: ['paygov#GD002'],
    },
    { case: 'no payments', payments: [], counted: [] },
  ])('$case', ({ payments, counted }) => {
    // Prepare
    const dossier = { record: record(), payments };

    // Act
    const result = countedPayments(dossier);

    // Assess
    expect(result.map((p) => `${p.source}#${p.txId}`)).toEqual(counted);
  });

  it.each([
    { case: 'no record yet (fee total unknown)', rec: null, payments: [payment()] },
    { case: 'no fees: a 0 VND payment does not make it paid', rec: record({ fees: [], feeTotal: 0 }), payments: [payment({ amount: 0 })] },
    { case: 'no fees: any amount is wrong', rec: record({ fees: [], feeTotal: 0 }), payments: [payment()] },
  ])('nothing counts: $case', ({ rec, payments }) => {
    // Prepare
    const dossier = { record: rec, payments };

    // Act
    const result = countedPayments(dossier);

    // Assess
    expect(result).toEqual([]);
  });
});

describe('flaggedPayments', () => {
  it.each([
    { case: 'wrong amount', payments: [payment({ amount: 49_000 })], flagged: ['paygov#GD001'] },
    {
      case: 'wrong amount delivered twice',
      payments: [payment({ amount: 49_000 }), payment({ amount: 49_000 })],
      flagged: ['paygov#GD001'],
    },
    { case: 'failed attempt with a wrong amount', payments: [payment({ amount: 1, success: false })], flagged: [] },
    { case: 'exact amount', payments: [payment()], flagged: [] },
  ])('$case', ({ payments, flagged }) => {
    // Prepare
    const dossier = { record: record(), payments };

    // Act
    const result = flaggedPayments(dossier);

    // Assess
    expect(result.map((p) => `${p.source}#${p.txId}`)).toEqual(flagged);
  });

  it('flags nothing while the fee total is unknown', () => {
    // Prepare
    const dossier = { record: null, payments: [payment({ amount: 1 })] };

    // Act
    const result = flaggedPayments(dossier);

    // Assess
    expect(result).toEqual([]);
  });
});

describe('paymentSummary', () => {
  it.each([
    {
      case: 'paid once, delivered twice',
      rec: record(),
      payments: [payment(), payment()],
      expected: { total: FEE, paid: FEE, paidOnline: true, flagged: 0 },
    },
    {
      case: 'wrong amount only',
      rec: record(),
      payments: [payment({ amount: 40_000 })],
      expected: { total: FEE, paid: 0, paidOnline: false, flagged: 1 },
    },
    {
      case: 'wrong amount then the right one',
      rec: record(),
      payments: [payment({ txId: 'GD1', amount: 40_000 }), payment({ txId: 'GD2' })],
      expected: { total: FEE, paid: FEE, paidOnline: true, flagged: 1 },
    },
    {
      case: 'failed attempt',
      rec: record(),
      payments: [payment({ success: false, resultCode: '51' })],
      expected: { total: FEE, paid: 0, paidOnline: false, flagged: 0 },
    },
    {
      case: 'no record yet',
      rec: null,
      payments: [payment()],
      expected: { total: 0, paid: 0, paidOnline: false, flagged: 0 },
    },
    {
      case: 'paid on both platforms (two transactions, both counted)',
      rec: record(),
      payments: [payment(), payment({ source: 'vnpay', txId: 'X_1' })],
      expected: { total: FEE, paid: 2 * FEE, paidOnline: true, flagged: 0 },
    },
  ])('$case', ({ rec, payments, expected }) => {
    // Prepare
    const dossier = { record: rec, payments };

    // Act
    const summary = paymentSummary(dossier);

    // Assess
    expect({ ...summary, flagged: summary.flagged.length }).toEqual(expected);
  });
});
