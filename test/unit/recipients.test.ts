import { readFileSync } from 'node:fs';
import path from 'node:path';
import { groupAlerts, recipientsFor, type Recipients } from '../../functions/core/recipients';
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
    const to = recipientsFor(level, field, config);

    // Assess
    expect(to).toEqual(expected);
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

  it.each([
    ['not JSON', '{', /not valid JSON/],
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
