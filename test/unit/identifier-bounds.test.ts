/**
 * The bounds of CONTRACT 3 ("Identifiers") at and past each bound, in every parser, and DynamoDB's
 * own limits as the adapters check them before a request leaves (in DynamoDB's units: UTF-8 bytes,
 * index keys included, attribute names), where the local emulator is laxer.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DYNAMO_LIMITS, isRefusal, itemBytes, requestProblem, sendChecked } from '../../functions/adapters/dynamodb-limits';
import { paygovChecksum, parsePaygovConfirm } from '../../functions/adapters/paygov';
import { parsePostalEvent } from '../../functions/adapters/vnpost';
import { charCount, dossierCodeProblem, ID_MAX, isDossierCode } from '../../functions/core/identifiers';
import { parsePortalMessage, ValidationError } from '../../functions/core/portal';
import { StoreRefusedError, StoreUnavailableError } from '../../functions/core/ports';
import { DOSSIER, POSTAL, STEP } from './fuzz-support';

/** A dossier code of exactly `n` characters (n >= 25): the agency code, a date, then digits. */
const codeOf = (n: number) => `000.00.12.H57-240402-${'1'.repeat(n - 21)}`;

/** The details of the ValidationError `fn` throws. */
function details(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.details;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('identifiers', () => {
  it.each([
    [codeOf(64), null],
    [codeOf(65), 'at most 64 characters'],
    [codeOf(3021), 'at most 64 characters'],
    ['000.00.12.H57-241302-0001', 'not a valid date'],
    ['000.00.12.H57-240402-001', 'expected a dossier code'],
    ['ệệệ.00.12.H57-240402-0001', 'expected a dossier code'],
  ])('dossierCodeProblem: case %#', (code, problem) => {
    // Act
    const found = dossierCodeProblem(code);

    // Assess
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
    expect(isDossierCode(code)).toBe(problem === null);
  });

  it('counts characters as people do: a Vietnamese letter or an emoji is one', () => {
    // Assess
    expect(charCount('ệ'.repeat(64))).toBe(64);
    expect(charCount('🎉'.repeat(64))).toBe(64);
    expect('🎉'.repeat(64).length).toBe(128);
  });
});

describe('portal: MaHoSo at most 64 characters', () => {
  it.each([
    ['a record', 'DongBoHoSoMC', DOSSIER],
    ['a progress step', 'CapNhatTienDoHoSoMC', STEP],
  ])('takes 64 and refuses 65 and 3,000 digits in %s, naming data[i].MaHoSo', (_what, service, base) => {
    // Prepare
    const message = (code: string) => ({ service, data: [base, { ...base, MaHoSo: code }] });

    // Act
    const at = parsePortalMessage(message(codeOf(64)));
    const past = details(() => parsePortalMessage(message(codeOf(65))));
    const far = details(() => parsePortalMessage(message(codeOf(3021))));

    // Assess
    expect(at.service).toBe(service);
    for (const d of [past, far]) expect(d).toEqual([{ path: 'data[1].MaHoSo', message: expect.stringContaining('at most 64 characters') }]);
  });
});

describe('VNPost: identifiers and free text', () => {
  it.each([
    ['eventId', 'ệ'.repeat(64), 'ệ'.repeat(65)],
    ['eventId', 'E'.repeat(64), 'E'.repeat(5000)],
    ['MaHoSo', codeOf(64), codeOf(65)],
    ['note', 'ghi chú '.repeat(250), 'ghi chú '.repeat(251)],
    ['postOffice', 'b'.repeat(2000), 'b'.repeat(2001)],
  ])('%s: takes the bound, refuses past it, naming the field (case %#)', (field, ok, tooLong) => {
    // Act
    const taken = parsePostalEvent({ ...POSTAL, [field]: ok });
    const refused = details(() => parsePostalEvent({ ...POSTAL, [field]: tooLong }));

    // Assess
    expect(taken).toBeTruthy();
    expect(refused.map((d) => d.path)).toEqual([field]);
  });

  it('refuses a trackingNumber of 5,000 characters', () => {
    // Assess
    expect(details(() => parsePostalEvent({ ...POSTAL, trackingNumber: 'EB'.repeat(2500) })).map((d) => d.path)).toEqual([
      'trackingNumber',
    ]);
  });
});

describe('PayGov: bounds are malformed (02), never a store failure', () => {
  const SECRET = 'bounds-secret';
  const message = (over: Record<string, unknown>) => {
    const m = {
      LoaiBanTin: 'CONFIRM',
      MaLoi: '00',
      MaDoiTac: 'UBND.BINHAN',
      MaThamChieu: 'dvc0000012H57240401000320240401093015',
      SoTien: 16000,
      MaTienTe: 'VND',
      MaGiaoDich: 'PG24040100004521',
      MaNganHang: 'VCB',
      ThoiGianGD: '20240401093342',
      ThongTinGiaoDich: 'Nộp lệ phí',
      ...over,
    };
    return JSON.stringify({ ...m, MaXacThuc: paygovChecksum(m, SECRET) });
  };
  it.each([
    ['MaGiaoDich of 64 Vietnamese letters', { MaGiaoDich: 'ệ'.repeat(64) }, 'ok'],
    ['MaGiaoDich of 65 characters', { MaGiaoDich: 'G'.repeat(65) }, 'malformed'],
    ['MaGiaoDich of 70,000 characters', { MaGiaoDich: 'G'.repeat(70000) }, 'malformed'],
    ['MaThamChieu of 101 characters', { MaThamChieu: `dvc${'1'.repeat(84)}20240401093015` }, 'malformed'],
    ['MaThamChieu naming a dossier key of 65 characters', { MaThamChieu: `dvc${'1'.repeat(65)}20240401093015` }, 'malformed'],
    ['MaThamChieu with 3,000 digits', { MaThamChieu: `dvc${'1'.repeat(3000)}20240401093015` }, 'malformed'],
    ['MaNganHang of 65 characters', { MaNganHang: 'V'.repeat(65) }, 'malformed'],
    ['MaLoi of 65 characters', { MaLoi: '0'.repeat(65) }, 'malformed'],
  ])('%s → %s', (_name, over, kind) => {
    // Act
    const parsed = parsePaygovConfirm(message(over), [SECRET]);

    // Assess
    expect(parsed.kind).toBe(kind);
  });

  it('takes a MaThamChieu around a dossier key of exactly 64 characters (81 in all)', () => {
    // Prepare
    const longest = `dvc${'1'.repeat(64)}20240401093015`;

    // Act
    const parsed = parsePaygovConfirm(message({ MaThamChieu: longest }), [SECRET]);

    // Assess
    expect(longest.length).toBe(81);
    expect(parsed).toMatchObject({ kind: 'ok', payment: { key: '1'.repeat(64) } });
  });
});

describe('DynamoDB limits, in DynamoDB units', () => {
  const S = (s: string): AttributeValue => ({ S: s });

  it.each([
    ['a partition key of 2,048 bytes (683 Vietnamese letters less one)', { pk: S(`${'ệ'.repeat(682)}ab`), sk: S('A') }, null],
    [
      'a partition key of 2,049 bytes (683 Vietnamese letters, 683 UTF-16 units)',
      { pk: S('ệ'.repeat(683)), sk: S('A') },
      'partition key pk',
    ],
    ['a sort key of 1,024 bytes', { pk: S('p'), sk: S(`${'ệ'.repeat(341)}a`) }, null],
    ['a sort key of 1,026 bytes', { pk: S('p'), sk: S('ệ'.repeat(342)) }, 'sort key sk'],
    ['an index partition key of 2,049 bytes', { pk: S('p'), sk: S('A'), g2pk: S('ệ'.repeat(683)) }, 'partition key g2pk'],
    ['an index sort key of 1,025 bytes', { pk: S('p'), sk: S('A'), g1pk: S('DUE#0'), g1sk: S('x'.repeat(1025)) }, 'sort key g1sk'],
    ['an attribute name of 65,536 bytes', { pk: S('p'), sk: S('A'), ['P#'.repeat(32768)]: S('x') }, 'attribute name'],
    [
      'an item of 400 KB in UTF-8 (139,810 Vietnamese letters: 140 KB in UTF-16)',
      { pk: S('p'), sk: S('A'), v: S('ệ'.repeat(139_810)) },
      'the item is',
    ],
    ['an item just under 400 KB', { pk: S('p'), sk: S('A'), v: S('x'.repeat(400 * 1024 - 10)) }, null],
  ])('%s', (_name, item, problem) => {
    // Act
    const found = requestProblem({ Item: item as Record<string, AttributeValue> });

    // Assess
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it('sizes documents, sets and numbers as DynamoDB does (names and values, UTF-8)', () => {
    // Prepare
    const item: Record<string, AttributeValue> = {
      pk: S('D#X'), // 2 + 3
      n: { N: '12345' }, // 1 + (3 + 1)
      m: { M: { ả: S('ệ') } }, // 1 + 3 + (1 + 3 + 3)
      l: { L: [S('a'), { BOOL: true }] }, // 1 + 3 + (1 + 1) + (1 + 1)
      ss: { SS: ['ab', 'ệ'] }, // 2 + 2 + 3
    };

    // Act
    const bytes = itemBytes(item);

    // Assess
    expect(bytes).toBe(5 + 5 + 11 + 8 + 7);
    expect(DYNAMO_LIMITS.itemBytes).toBe(409_600);
  });

  it('checks the key, the names and the values of an update, and each item of a batch', () => {
    // Assess
    expect(requestProblem({ Key: { pk: S('ệ'.repeat(683)), sk: S('A') } })).toContain('partition key');
    expect(requestProblem({ Key: { pk: S('p'), sk: S('A') }, ExpressionAttributeNames: { '#a': 'E#'.repeat(40000) } })).toContain(
      'attribute name',
    );
    expect(requestProblem({ Key: { pk: S('p'), sk: S('A') }, ExpressionAttributeValues: { ':v': S('ệ'.repeat(140_000)) } })).toContain(
      'values written',
    );
    expect(
      requestProblem({
        RequestItems: {
          t: [{ PutRequest: { Item: { pk: S('p'), sk: S('A') } } }, { DeleteRequest: { Key: { pk: S('p'), sk: S('x'.repeat(1025)) } } }],
        },
      }),
    ).toContain('sort key');
    expect(
      requestProblem({
        Key: { pk: S('D#0000012H572404010003'), sk: S('A') },
        ExpressionAttributeNames: { '#a': `P#paygov#${'ệ'.repeat(ID_MAX.MaGiaoDich)}` },
      }),
    ).toBeNull();
  });
});

describe('sendChecked: a refusal is not an outage', () => {
  const named = (name: string, message = name) => Object.assign(new Error(message), { name });

  it.each([
    ['ValidationException', StoreRefusedError],
    ['SerializationException', StoreRefusedError],
    ['ItemCollectionSizeLimitExceededException', StoreRefusedError],
    ['ProvisionedThroughputExceededException', StoreUnavailableError],
    ['ThrottlingException', StoreUnavailableError],
    ['RequestLimitExceeded', StoreUnavailableError],
    ['InternalServerError', StoreUnavailableError],
    ['ServiceUnavailable', StoreUnavailableError],
    ['TimeoutError', StoreUnavailableError],
    ['ECONNREFUSED', StoreUnavailableError],
    ['ResourceNotFoundException', StoreUnavailableError],
    ['AccessDeniedException', StoreUnavailableError],
  ])('%s becomes %p', async (name, expected) => {
    // Act
    const sent = sendChecked('test', {}, () => Promise.reject(named(name)));

    // Assess
    await expect(sent).rejects.toBeInstanceOf(expected);
    expect(isRefusal(named(name))).toBe(expected === StoreRefusedError);
  });

  it('rethrows a failed condition as it is, for the caller to read', async () => {
    // Prepare
    const condition = named('ConditionalCheckFailedException');

    // Act
    const sent = sendChecked('test', {}, () => Promise.reject(condition));

    // Assess
    await expect(sent).rejects.toBe(condition);
  });

  it('refuses a request over a limit without sending it', async () => {
    // Prepare
    const send = jest.fn(() => Promise.resolve('sent'));

    // Act
    const sent = sendChecked('test', { Key: { pk: { S: 'ệ'.repeat(683) }, sk: { S: 'A' } } }, send);

    // Assess
    await expect(sent).rejects.toThrow(/partition key pk is 2049 bytes/);
    expect(send).not.toHaveBeenCalled();
  });
});
