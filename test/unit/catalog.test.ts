import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderProcessingDays } from '../../functions/core/catalog/generate-processing-days';
import { processingDaysOf } from '../../functions/core/catalog/processing-days';
import { FIELDS, PROCEDURES, procedureByCode } from '../../functions/core/catalog/procedures';

describe('procedure catalog', () => {
  it('covers at least 40 procedures across at least 12 fields', () => {
    // Prepare
    const fieldsUsed = new Set(PROCEDURES.map((p) => p.MaLinhVuc));

    // Act
    const counts = { procedures: PROCEDURES.length, fields: fieldsUsed.size };

    // Assess
    expect(counts.procedures).toBeGreaterThanOrEqual(40);
    expect(counts.fields).toBeGreaterThanOrEqual(12);
    expect([...fieldsUsed].sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it('has unique DVCQG-style codes', () => {
    // Prepare
    const codes = PROCEDURES.map((p) => p.MaTTHC);

    // Act
    const malformed = codes.filter((c) => !/^\d\.\d{6}$/.test(c));

    // Assess
    expect(malformed).toEqual([]);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each(PROCEDURES.map((p) => [p.MaTTHC, p] as const))('%s is well formed', (_code, p) => {
    // Prepare
    const fieldName = FIELDS[p.MaLinhVuc];

    // Act
    const halfDays = p.processingDays * 2;

    // Assess
    expect(p.TenLinhVuc).toBe(fieldName);
    expect(p.TenTTHC.length).toBeGreaterThan(10);
    expect(p.TenTTHC).toBe(p.TenTTHC.normalize('NFC'));
    expect(Number.isInteger(p.fee)).toBe(true);
    expect(p.fee).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(halfDays)).toBe(true);
    expect(p.processingDays).toBeGreaterThan(0);
    expect(p.processingDays).toBeLessThanOrEqual(60);
    expect(typeof p.interAgency).toBe('boolean');
  });

  it.each<[string, string | null]>([
    ['1.001193', 'Thủ tục đăng ký khai sinh'],
    [
      '2.000815',
      'Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận',
    ],
    ['1.001193.000.00.00.H57', 'Thủ tục đăng ký khai sinh'],
    [' 1.000894 ', 'Thủ tục đăng ký kết hôn'],
    ['9.999999', null],
    ['1.0011931', null],
    ['', null],
  ])('finds %j → %j', (code, name) => {
    // Prepare
    const query = code;

    // Act
    const found = procedureByCode(query);

    // Assess
    expect(found?.TenTTHC ?? null).toBe(name);
  });

  it.each([
    ['1.001193', 1, 0],
    ['2.000884', 1, 10_000],
    ['2.001263', 30, 400_000],
    ['2.000635', 1, 8_000],
  ])('%s takes %s working days and costs %s VND', (code, days, fee) => {
    // Prepare
    const query = code;

    // Act
    const found = procedureByCode(query);

    // Assess
    expect(found).toMatchObject({ processingDays: days, fee });
  });
});

describe('processing days table (what the Lambdas bundle instead of the catalog)', () => {
  it('is exactly what the generator renders from procedures.json today', () => {
    // Prepare
    const expected = renderProcessingDays(PROCEDURES);

    // Act
    const committed = readFileSync(join(__dirname, '../../functions/core/catalog/processing-days.generated.ts'), 'utf8');

    // Assess
    expect(committed).toBe(expected);
  });

  it.each([
    ...PROCEDURES.map((p) => p.MaTTHC),
    '1.001193.000.00.00.H57',
    ' 1.000894 ',
    '9.999999',
    '1.0011931',
    '',
    'constructor',
    '__proto__',
  ])('agrees with procedureByCode for %j', (code) => {
    // Prepare
    const query = code;

    // Act
    const days = processingDaysOf(query);

    // Assess
    expect(days).toBe(procedureByCode(query)?.processingDays ?? null);
  });
});
