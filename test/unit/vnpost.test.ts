import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidS10, parsePostalEvent, POSTAL_EVENT_TYPES, s10, s10CheckDigit } from '../../functions/adapters/vnpost';
import { ValidationError } from '../../functions/core/portal';

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: 'VNPOST-EV-20240402-000187',
    trackingNumber: 'EB240402113VN',
    MaHoSo: '000.00.12.H57-240402-0011',
    type: 'COLLECTED',
    occurredAt: '2024-04-02T08:40:00+07:00',
    postOffice: 'Bưu cục Bình An, Dĩ An, Bình Dương',
    note: 'Bưu tá nhận hồ sơ tại nhà công dân',
    ...overrides,
  };
}

/** The details of the ValidationError `parsePostalEvent` throws, or a failure when it does not. */
function detailsOf(json: unknown): { path: string; message: string }[] {
  try {
    parsePostalEvent(json);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
}

describe('S10 check digit', () => {
  // Sums worked by hand with the weights 8 6 4 2 3 5 9 7.
  it.each([
    ['12345678', 204, 5], // 204 mod 11 = 6 → 5
    ['47312482', 200, 9], // 200 mod 11 = 2 → 9
    ['12345670', 148, 6], // 148 mod 11 = 5 → 6
    ['00000001', 7, 4], // 7 → 4
    ['00000008', 56, 0], // 56 mod 11 = 1 → 10 → 0
    ['20350410', 67, 0], // 67 mod 11 = 1 → 10 → 0
    ['00000000', 0, 5], // 0 → 11 → 5
    ['81056775', 231, 5], // 231 mod 11 = 0 → 11 → 5
  ])('%s (sum %i) → %i', (serial, _sum, check) => {
    // Prepare
    const digits = serial;

    // Act
    const digit = s10CheckDigit(digits);

    // Assess
    expect(digit).toBe(check);
  });

  it.each([['1234567'], ['123456789'], ['1234567a'], ['']])('refuses the serial %j', (serial) => {
    // Prepare
    const digits = serial;

    // Act
    const act = () => s10CheckDigit(digits);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('isValidS10', () => {
  it.each([
    ['EB123456785VN'],
    ['RR123456785VN'],
    ['EE473124829VN'],
    ['CP123456706VN'],
    ['RR000000080VN'], // check 10 → 0
    ['RR203504100VN'], // check 10 → 0
    ['EE000000005VN'], // check 11 → 5
    ['EE810567755VN'], // check 11 → 5
    ['LA123456785CN'], // another country
    ['EB240402113VN'], // the collected sample
    ['RR240409111VN'], // the result-delivered sample
  ])('%s is valid', (id) => {
    // Prepare
    const candidate = id;

    // Act
    const valid = isValidS10(candidate);

    // Assess
    expect(valid).toBe(true);
  });

  it.each([
    ['EB123456784VN', 'wrong check digit'],
    ['EB123456786VN', 'wrong check digit'],
    ['EB213456785VN', 'two digits swapped'],
    ['RR000000081VN', 'check 10 written as 1'],
    ['RR000000000VN', 'check 11 written as 0'],
    ['EE000000001VN', 'check 11 written as 1'],
    ['eb123456785vn', 'lower case'],
    ['EB12345678VN', 'eight digits only'],
    ['EB1234567855VN', 'ten digits'],
    ['E123456785VN', 'one letter in front'],
    ['EB123456785V', 'one letter behind'],
    ['1B123456785VN', 'a digit for a letter'],
    [' EB123456785VN', 'a leading space'],
    ['EB 123 456 785 VN', 'spaces as printed on labels'],
    ['', 'empty'],
  ])('%s is invalid (%s)', (id) => {
    // Prepare
    const candidate = id;

    // Act
    const valid = isValidS10(candidate);

    // Assess
    expect(valid).toBe(false);
  });
});

describe('s10', () => {
  it.each([
    ['EB', '12345678', undefined, 'EB123456785VN'],
    ['RR', '12345678', 'VN', 'RR123456785VN'],
    ['RR', '00000008', 'VN', 'RR000000080VN'],
    ['EE', '81056775', 'VN', 'EE810567755VN'],
    ['CP', '12345670', 'CN', 'CP123456706CN'],
  ])('s10(%s, %s, %s) → %s', (prefix, serial, country, id) => {
    // Prepare
    const args = [prefix, serial, country] as const;

    // Act
    const built = s10(...args);

    // Assess
    expect(built).toBe(id);
    expect(isValidS10(built)).toBe(true);
  });

  it.each([
    ['E', '12345678', 'VN'],
    ['eb', '12345678', 'VN'],
    ['EB', '1234567', 'VN'],
    ['EB', '12345678', 'V'],
    ['EB', '12345678', 'vn'],
  ])('refuses s10(%s, %s, %s)', (prefix, serial, country) => {
    // Prepare
    const args = [prefix, serial, country] as const;

    // Act
    const act = () => s10(...args);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('parsePostalEvent: accepted', () => {
  it('maps a notification to a PostalEvent', () => {
    // Prepare
    const json = event();

    // Act
    const parsed = parsePostalEvent(json);

    // Assess
    expect(parsed).toEqual({
      eventId: 'VNPOST-EV-20240402-000187',
      trackingNumber: 'EB240402113VN',
      code: '000.00.12.H57-240402-0011',
      type: 'COLLECTED',
      occurredAt: '2024-04-02T08:40:00+07:00',
      postOffice: 'Bưu cục Bình An, Dĩ An, Bình Dương',
      note: 'Bưu tá nhận hồ sơ tại nhà công dân',
    });
  });

  it.each(POSTAL_EVENT_TYPES.map((t) => [t]))('type %s', (type) => {
    // Prepare
    const json = event({ type });

    // Act
    const parsed = parsePostalEvent(json);

    // Assess
    expect(parsed.type).toBe(type);
  });

  it.each([
    ['+07:00', '2024-04-02T08:40:00+07:00', '2024-04-02T08:40:00+07:00'],
    ['Z', '2024-04-02T01:40:00Z', '2024-04-02T08:40:00+07:00'],
    ['Z with milliseconds', '2024-04-02T01:40:00.123Z', '2024-04-02T08:40:00+07:00'],
    ['+0700 without a colon', '2024-04-02T08:40:00+0700', '2024-04-02T08:40:00+07:00'],
    ['a negative offset crossing midnight', '2024-04-01T20:40:00-05:00', '2024-04-02T08:40:00+07:00'],
    ['no seconds', '2024-04-02T08:40+07:00', '2024-04-02T08:40:00+07:00'],
    ['29 February of a leap year', '2024-02-29T10:00:00+07:00', '2024-02-29T10:00:00+07:00'],
  ])('occurredAt with %s', (_name, occurredAt, iso) => {
    // Prepare
    const json = event({ occurredAt });

    // Act
    const parsed = parsePostalEvent(json);

    // Assess
    expect(parsed.occurredAt).toBe(iso);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['blank', '   '],
  ])('postOffice and note %s become null', (_name, value) => {
    // Prepare
    const json = event({ postOffice: value, note: value });

    // Act
    const parsed = parsePostalEvent(json);

    // Assess
    expect(parsed).toMatchObject({ postOffice: null, note: null });
  });

  it('trims text and ignores fields the contract does not name', () => {
    // Prepare
    const json = event({ eventId: '  EV-1  ', note: '  Phát lần 2  ', weightGrams: 120 });

    // Act
    const parsed = parsePostalEvent(json);

    // Assess
    expect(parsed).toMatchObject({ eventId: 'EV-1', note: 'Phát lần 2' });
    expect(parsed).not.toHaveProperty('weightGrams');
  });

  it.each([['collected.json'], ['result-delivered.json']])('reads the committed sample %s', (file) => {
    // Prepare
    const json = JSON.parse(readFileSync(join(__dirname, '../../events/postal', file), 'utf8'));

    // Act
    const parsed = parsePostalEvent(json);

    // Assess
    expect(parsed.code).toBe('000.00.12.H57-240402-0011');
    expect(isValidS10(parsed.trackingNumber)).toBe(true);
  });
});

describe('parsePostalEvent: rejected', () => {
  it.each([
    ['a wrong check digit', { trackingNumber: 'EB123456784VN' }, 'trackingNumber', /check digit: expected 5, got 4/],
    ['a tracking number not of the S10 form', { trackingNumber: '123456785' }, 'trackingNumber', /S10/],
    ['a lower-case tracking number', { trackingNumber: 'eb123456785vn' }, 'trackingNumber', /S10/],
    ['a numeric tracking number', { trackingNumber: 123456785 }, 'trackingNumber', /string/],
    ['no tracking number', { trackingNumber: undefined }, 'trackingNumber', /required/],
    ['an empty eventId', { eventId: '' }, 'eventId', /empty/],
    ['a blank eventId', { eventId: '   ' }, 'eventId', /empty/],
    ['a numeric eventId', { eventId: 187 }, 'eventId', /string/],
    ['no eventId', { eventId: undefined }, 'eventId', /required/],
    ['a MaHoSo of another form', { MaHoSo: 'HS-0011' }, 'MaHoSo', /dossier code/],
    ['a MaHoSo with a three-digit sequence', { MaHoSo: '000.00.12.H57-240402-011' }, 'MaHoSo', /dossier code/],
    ['a MaHoSo with an impossible date', { MaHoSo: '000.00.12.H57-240230-0011' }, 'MaHoSo', /dossier code/],
    ['no MaHoSo', { MaHoSo: undefined }, 'MaHoSo', /required/],
    ['an unknown type', { type: 'IN_TRANSIT' }, 'type', /COLLECTED/],
    ['a lower-case type', { type: 'collected' }, 'type', /COLLECTED/],
    ['no type', { type: undefined }, 'type', /required/],
    ['occurredAt without an offset', { occurredAt: '2024-04-02T08:40:00' }, 'occurredAt', /offset/],
    ['occurredAt as a date only', { occurredAt: '2024-04-02' }, 'occurredAt', /offset/],
    ['occurredAt in the portal form', { occurredAt: '20240402084000' }, 'occurredAt', /offset/],
    ['occurredAt on 30 February', { occurredAt: '2024-02-30T08:40:00+07:00' }, 'occurredAt', /offset/],
    ['occurredAt at 24:00', { occurredAt: '2024-04-02T24:00:00+07:00' }, 'occurredAt', /offset/],
    ['occurredAt as epoch milliseconds', { occurredAt: 1712022000000 }, 'occurredAt', /ISO 8601/],
    ['no occurredAt', { occurredAt: undefined }, 'occurredAt', /required/],
    ['postOffice as a number', { postOffice: 70000 }, 'postOffice', /string/],
    ['note as an object', { note: { text: 'x' } }, 'note', /string/],
  ])('%s', (_name, overrides, path, message) => {
    // Prepare
    const json = event(overrides);

    // Act
    const details = detailsOf(json);

    // Assess
    expect(details).toHaveLength(1);
    expect(details[0].path).toBe(path);
    expect(details[0].message).toMatch(message);
  });

  it('lists every bad field at once', () => {
    // Prepare
    const json = event({ eventId: '', trackingNumber: 'EB123456784VN', type: 'LOST', occurredAt: 'hôm qua' });

    // Act
    const details = detailsOf(json);

    // Assess
    expect(details.map((d) => d.path).sort()).toEqual(['eventId', 'occurredAt', 'trackingNumber', 'type']);
  });

  it.each([
    ['null', null],
    ['an array', [event()]],
    ['a string', 'COLLECTED'],
  ])('a body that is %s', (_name, json) => {
    // Prepare
    const body = json;

    // Act
    const details = detailsOf(body);

    // Assess
    expect(details).toEqual([{ path: '', message: 'expected a JSON object' }]);
  });

  it('names VNPost, not the portal, in the error message', () => {
    // Prepare
    const json = event({ trackingNumber: 'EB123456784VN' });

    // Act
    const act = () => parsePostalEvent(json);

    // Assess
    expect(act).toThrow(/postal notification.*trackingNumber/);
  });
});
