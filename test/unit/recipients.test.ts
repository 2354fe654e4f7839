import { readFileSync } from 'node:fs';
import path from 'node:path';
import { digestMail, groupAlerts, recipientsFor, type Recipients } from '../../functions/core/recipients';
import { parseRecipients, readRecipients } from '../../functions/adapters/recipients-config';
import { alert } from './alert-fakes';

const config: Recipients = {
  default: ['chutich@binhan.local', 'phochutich@binhan.local'],
  byField: {
    HT: ['tuphap@binhan.local'],
    DD: ['diachinh@binhan.local', 'CHUTICH@binhan.local'],
    XD: [],
  },
};

describe('recipientsFor', () => {
  it.each([
    ['overdue', 'HT', ['chutich@binhan.local', 'phochutich@binhan.local', 'tuphap@binhan.local']],
    ['overdue', 'KT', ['chutich@binhan.local', 'phochutich@binhan.local']],
    ['overdue', 'DD', ['chutich@binhan.local', 'phochutich@binhan.local', 'diachinh@binhan.local']],
    ['soon', 'HT', ['tuphap@binhan.local']],
    ['soon', 'DD', ['diachinh@binhan.local', 'CHUTICH@binhan.local']],
    ['soon', 'KT', ['chutich@binhan.local', 'phochutich@binhan.local']],
    ['soon', 'XD', ['chutich@binhan.local', 'phochutich@binhan.local']],
    ['soon', 'constructor', ['chutich@binhan.local', 'phochutich@binhan.local']],
  ] as const)('%s in field %s goes to %j', (level, field, expected) => {
    // Act
    const to = recipientsFor(level, { code: '000.00.12.H57-240401-0001', fieldCode: field }, config);

    // Assess
    expect(to).toEqual(expected);
  });
});

/** A province: ward H57 with its own lists, ward H58 with only a field list, others on the top level. */
const province: Recipients = {
  default: ['vanphong@tinh.local'],
  byField: { HT: ['sotuphap@tinh.local'] },
  wards: {
    '000.00.12.H57': { name: 'Phường Bình An', default: ['chutich@binhan.local'], byField: { HT: ['tuphap@binhan.local'] } },
    '000.00.13.H58': { default: [], byField: { DD: ['diachinh@binhtay.local'] } },
  },
};

describe('recipientsFor in a province', () => {
  it.each([
    ['overdue', '000.00.12.H57-240401-0001', 'HT', ['chutich@binhan.local', 'tuphap@binhan.local']],
    ['soon', '000.00.12.h57-240401-0001', 'KT', ['chutich@binhan.local']],
    // A ward without a default list falls back to the top-level one, but keeps its own fields.
    ['overdue', '000.00.13.H58-240401-0001', 'DD', ['vanphong@tinh.local', 'diachinh@binhtay.local']],
    ['soon', '000.00.13.H58-240401-0001', 'HT', ['vanphong@tinh.local']],
    // A ward with no entry: the top-level lists.
    ['overdue', '000.00.14.H59-240401-0001', 'HT', ['vanphong@tinh.local', 'sotuphap@tinh.local']],
  ] as const)('%s for %s in field %s goes to %j', (level, code, fieldCode, expected) => {
    // Act
    const to = recipientsFor(level, { code, fieldCode }, province);

    // Assess
    expect(to).toEqual(expected);
  });
});

describe('digestMail', () => {
  it('sends each default recipient the overdue dossiers of the wards it answers for, and the others an empty digest', () => {
    // Prepare
    const lines = ['000.00.12.H57-240401-0001', '000.00.13.H58-240401-0002', '000.00.14.H59-240401-0003'].map((code) => ({ code }));

    // Act
    const mail = digestMail(lines, province);

    // Assess
    expect(mail.map((m) => `${m.recipient}: ${m.lines.map((l) => l.code.slice(0, 13)).join(',')}`)).toEqual([
      'chutich@binhan.local: 000.00.12.H57',
      'vanphong@tinh.local: 000.00.13.H58,000.00.14.H59',
    ]);
  });

  it('sends every default recipient of a one-ward deployment all the lines', () => {
    // Act
    const mail = digestMail([{ code: '000.00.12.H57-240401-0001' }], config);

    // Assess
    expect(mail.map((m) => [m.recipient, m.lines.length])).toEqual([
      ['chutich@binhan.local', 1],
      ['phochutich@binhan.local', 1],
    ]);
  });
});

describe('groupAlerts', () => {
  it('makes one email per recipient and level, listing every dossier of that level for them', () => {
    // Prepare
    const alerts = [
      alert({ code: '000.00.12.H57-240401-0001', fieldCode: 'HT' }),
      alert({ code: '000.00.12.H57-240401-0002', fieldCode: 'DD' }),
      alert({ code: '000.00.12.H57-240401-0003', fieldCode: 'KT' }),
      alert({ code: '000.00.12.H57-240401-0004', fieldCode: 'HT', level: 'soon', workingDaysOverdue: 0 }),
      alert({ code: '000.00.12.H57-240401-0005', fieldCode: 'KT', level: 'soon', workingDaysOverdue: 0 }),
      // A redelivered message: listed once.
      alert({ code: '000.00.12.H57-240401-0001', fieldCode: 'HT' }),
    ];

    // Act
    const groups = groupAlerts(alerts, config);

    // Assess
    const seen = groups.map((g) => `${g.level} ${g.recipient.toLowerCase()}: ${g.alerts.map((a) => a.code.slice(-4)).join(',')}`);
    expect(seen).toEqual([
      'overdue chutich@binhan.local: 0001,0002,0003',
      'overdue diachinh@binhan.local: 0002',
      'overdue phochutich@binhan.local: 0001,0002,0003',
      'overdue tuphap@binhan.local: 0001',
      'soon chutich@binhan.local: 0005',
      'soon phochutich@binhan.local: 0005',
      'soon tuphap@binhan.local: 0004',
    ]);
    expect(new Set(groups.map((g) => g.slot)).size).toBe(groups.length);
  });
});

describe('recipients configuration', () => {
  it('reads the local file of the repository', () => {
    // Prepare
    const file = path.resolve(__dirname, '../../config/recipients.local.json');

    // Act
    const r = readRecipients({ RECIPIENTS_FILE: file });

    // Assess
    expect(r.default.length).toBeGreaterThan(0);
    expect(r).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('prefers RECIPIENTS_JSON and defaults byField to none', () => {
    // Act
    const r = readRecipients({ RECIPIENTS_JSON: '{"default":[" a@b.vn "]}', RECIPIENTS_FILE: '/no/such/file' });

    // Assess
    expect(r).toEqual({ default: ['a@b.vn'], byField: {} });
  });

  it('reads the wards of a province, keyed by upper-case agency code', () => {
    // Act
    const r = parseRecipients(
      '{"default":["a@b.vn"],"wards":{"000.00.12.h57":{"name":" Phường Bình An ","default":["c@binhan.vn"]}}}',
      'RECIPIENTS_JSON',
    );

    // Assess
    expect(r.wards).toEqual({ '000.00.12.H57': { name: 'Phường Bình An', default: ['c@binhan.vn'], byField: {} } });
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['a ward key that is not an agency code', '{"default":[],"wards":{"H57/1":{"default":[]}}}', /wards\.H57\/1: expected an agency code/],
    ['a ward listed twice', '{"default":[],"wards":{"a.b":{},"A.B":{}}}', /wards\.A\.B: listed twice/],
    [
      'a bad address in a ward',
      '{"default":[],"wards":{"A.B":{"byField":{"HT":["x"]}}}}',
      /wards\.A\.B\.byField\.HT\.0: expected an email address/,
    ],
    ['no default', '{"byField":{}}', /default/],
    ['a bad address', '{"default":["chutich"]}', /default\.0: expected an email address/],
    ['a field that is not a list', '{"default":[],"byField":{"HT":"a@b.vn"}}', /byField\.HT/],
  ])('rejects %s, naming the problem', (_what, json, message) => {
    // Act
    const attempt = () => parseRecipients(json, 'RECIPIENTS_JSON');

    // Assess
    expect(attempt).toThrow(message);
  });
});
