import {
  feedbackSentence,
  formatVnDate,
  formatVnNumber,
  formatVnPercent,
  renderReport,
  type SupervisionReport,
} from '../../functions/core/report';

/** The figures of the council's notice (01/01/2023 – 31/03/2024), plus processing figures. */
const NOTICE: SupervisionReport = {
  period: { from: '2023-01-01', to: '2024-03-31' },
  received: { total: 11_701, byChannel: { direct: 2_722, online: 8_979, postal: 0 } },
  payments: { dossiersWithFees: 4_709, paidOnline: 3_557, onlineRate: 0.7554, amountVnd: 67_170_000 },
  processing: {
    finishedEarly: 9_000,
    finishedOnTime: 2_000,
    finishedLate: 301,
    openOnTime: 300,
    openOverdue: 50,
    withdrawn: 50,
    onTimeRate: 0.9734,
  },
  byField: [
    { MaLinhVuc: 'CT', TenLinhVuc: 'Chứng thực', received: 6_000, finishedLate: 1, openOverdue: 0 },
    { MaLinhVuc: 'HT', TenLinhVuc: 'Hộ tịch', received: 5_701, finishedLate: 300, openOverdue: 50 },
  ],
  feedback: {
    received: 22,
    answered: 22,
    answeredOnTime: 21,
    answeredLate: 1,
    open: 0,
    openOverdue: 0,
    refused: 0,
    aboutProcedures: 15,
    aboutConduct: 0,
    dissatisfied: 1,
  },
};

describe('formatVnNumber', () => {
  it.each([
    { n: 0, text: '0' },
    { n: 999, text: '999' },
    { n: 1_000, text: '1.000' },
    { n: 2_722, text: '2.722' },
    { n: 11_701, text: '11.701' },
    { n: 67_170_000, text: '67.170.000' },
    { n: 1_234_567_890, text: '1.234.567.890' },
    { n: -22_778_000, text: '-22.778.000' },
  ])('$n → $text', ({ n, text }) => {
    // Prepare (nothing: pure input)

    // Act
    const result = formatVnNumber(n);

    // Assess
    expect(result).toBe(text);
  });
});

describe('formatVnPercent', () => {
  it.each([
    { ratio: 3_557 / 4_709, text: '75,5%' },
    { ratio: 1_686 / 1_754, text: '96,1%' },
    { ratio: 0, text: '0,0%' },
    { ratio: 1, text: '100,0%' },
    { ratio: 0.125, text: '12,5%' },
    { ratio: 0.0555, text: '5,6%' },
    { ratio: 2 / 3, text: '66,7%' },
    { ratio: 0.00049, text: '0,0%' },
    { ratio: Number.NaN, text: '0,0%' },
  ])('$ratio → $text', ({ ratio, text }) => {
    // Prepare (nothing: pure input)

    // Act
    const result = formatVnPercent(ratio);

    // Assess
    expect(result).toBe(text);
  });
});

describe('formatVnDate', () => {
  it.each([
    { date: '2023-01-01', text: '01/01/2023' },
    { date: '2024-03-31', text: '31/03/2024' },
  ])('$date → $text', ({ date, text }) => {
    // Act
    const result = formatVnDate(date);

    // Assess
    expect(result).toBe(text);
  });
});

describe('renderReport', () => {
  it.each([
    'Từ ngày 01/01/2023 đến ngày 31/03/2024',
    'tiếp nhận 11.701 hồ sơ, trong đó',
    'trực tuyến 8.979 hồ sơ',
    'trực tiếp 2.722 hồ sơ',
    'qua dịch vụ bưu chính công ích 0 hồ sơ',
    'thanh toán trực tuyến 3.557/4.709 hồ sơ đạt tỷ lệ 75,5%',
    'Số tiền thu: 67.170.000 đồng',
    'trước hạn 9.000 hồ sơ',
    'đúng hạn 2.000 hồ sơ',
    'quá hạn 301 hồ sơ',
    'tỷ lệ đúng hạn (kể cả trước hạn) 97,3%',
    'đang giải quyết trong hạn 300 hồ sơ',
    'quá hạn chưa giải quyết 50 hồ sơ',
    'rút hồ sơ: 50 hồ sơ',
    '| Mã lĩnh vực | Lĩnh vực | Tiếp nhận | Giải quyết quá hạn | Quá hạn đang xử lý |',
    '| HT | Hộ tịch | 5.701 | 300 | 50 |',
    '| CT | Chứng thực | 6.000 | 1 | 0 |',
  ])('md contains "%s"', (phrase) => {
    // Act
    const md = renderReport(NOTICE, 'md');

    // Assess
    expect(md).toContain(phrase);
  });

  it.each(['md', 'html'] as const)('%s computes percents from the counts, not the rounded ratio', (format) => {
    // Prepare: a rate field that disagrees with its counts must not leak into the text.
    const report = { ...NOTICE, payments: { ...NOTICE.payments, onlineRate: 0.1 } };

    // Act
    const text = renderReport(report, format);

    // Assess
    expect(text).toContain('75,5%');
    expect(text).not.toContain('10,0%');
  });

  it('md states the clock when given one, in Vietnam time', () => {
    // Act
    const md = renderReport(NOTICE, 'md', { asOf: '2024-03-31T10:00:00Z' });

    // Assess
    expect(md).toContain('Số liệu tính đến 17:00 ngày 31/03/2024');
  });

  it('md says so when no field has a received dossier', () => {
    // Prepare
    const empty: SupervisionReport = { ...NOTICE, byField: [] };

    // Act
    const md = renderReport(empty, 'md');

    // Assess
    expect(md).toContain('Không có hồ sơ được tiếp nhận trong kỳ.');
    expect(md).not.toContain('| Mã lĩnh vực |');
  });

  it('md keeps a field name with a pipe inside its cell', () => {
    // Prepare
    const report: SupervisionReport = {
      ...NOTICE,
      byField: [{ MaLinhVuc: 'X', TenLinhVuc: 'A | B', received: 1, finishedLate: 0, openOverdue: 0 }],
    };

    // Act
    const md = renderReport(report, 'md');

    // Assess
    expect(md).toContain('| X | A \\| B | 1 | 0 | 0 |');
  });

  it('html is a self-contained Vietnamese UTF-8 page with the same content', () => {
    // Act
    const html = renderReport(NOTICE, 'html');

    // Assess
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="vi">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<(link|script)\b|src=|href=/);
    for (const phrase of [
      'Từ ngày 01/01/2023 đến ngày 31/03/2024',
      'tiếp nhận 11.701 hồ sơ',
      'thanh toán trực tuyến 3.557/4.709 hồ sơ đạt tỷ lệ 75,5%',
      'Số tiền thu: 67.170.000 đồng',
      'quá hạn chưa giải quyết 50 hồ sơ',
      '<th>Mã lĩnh vực</th>',
      '<td>Hộ tịch</td>',
    ]) {
      expect(html).toContain(phrase);
    }
  });

  it('html escapes the text it is given', () => {
    // Prepare
    const report: SupervisionReport = {
      ...NOTICE,
      byField: [{ MaLinhVuc: 'X&Y', TenLinhVuc: '<script>alert("x")</script>', received: 1, finishedLate: 0, openOverdue: 0 }],
    };

    // Act
    const html = renderReport(report, 'html');

    // Assess
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('X&amp;Y');
  });

  it('json is the report itself, pretty-printed', () => {
    // Act
    const json = renderReport(NOTICE, 'json');

    // Assess
    expect(JSON.parse(json)).toEqual(NOTICE);
    expect(json).toContain('\n  "period": {');
  });
});

describe('the feedback sentence (the notice: "Đã tiếp nhận 22 tin phản ánh, kiến nghị …")', () => {
  it.each(['md', 'html'] as const)('%s prints the sentence and the feedback rows', (format) => {
    // Act
    const text = renderReport(NOTICE, format);

    // Assess
    expect(text).toContain(
      'Đã tiếp nhận 22 tin phản ánh, kiến nghị; đã trả lời 22 (đúng hạn 21, trễ hạn 1); ' +
        'không có phản ánh, kiến nghị nào về hành vi nhũng nhiễu, gây phiền hà.',
    );
    expect(text).toContain('Người phản ánh chưa hài lòng với kết quả trả lời: 1.');
    expect(text).toContain('Phản ánh về hành vi nhũng nhiễu, gây phiền hà');
  });

  it('json carries the feedback block as the contract writes it', () => {
    // Act
    const json = JSON.parse(renderReport(NOTICE, 'json'));

    // Assess
    expect(json.feedback).toEqual(NOTICE.feedback);
  });

  it.each([
    [
      'items about conduct, open and refused ones',
      {
        ...NOTICE.feedback,
        received: 1_030,
        answered: 1_000,
        answeredOnTime: 990,
        answeredLate: 10,
        open: 25,
        openOverdue: 3,
        refused: 5,
        aboutConduct: 2,
        dissatisfied: 0,
      },
      'Đã tiếp nhận 1.030 tin phản ánh, kiến nghị; đã trả lời 1.000 (đúng hạn 990, trễ hạn 10); đang xử lý 25 (quá hạn 3); ' +
        'từ chối, lưu trữ 5; có 2 phản ánh, kiến nghị về hành vi nhũng nhiễu, gây phiền hà.',
    ],
    [
      'none at all',
      { ...NOTICE.feedback, received: 0, answered: 0, answeredOnTime: 0, answeredLate: 0, aboutProcedures: 0, dissatisfied: 0 },
      'Đã tiếp nhận 0 tin phản ánh, kiến nghị; đã trả lời 0 (đúng hạn 0, trễ hạn 0); không có phản ánh, kiến nghị nào về hành vi nhũng nhiễu, gây phiền hà.',
    ],
  ])('says %s', (_what, feedback, sentence) => {
    // Act
    const sentenceOf = feedbackSentence(feedback);

    // Assess
    expect(sentenceOf).toBe(sentence);
    expect(renderReport({ ...NOTICE, feedback }, 'md')).toContain(sentence);
  });

  it('prints a report without a feedback block (an older server) without the sentence', () => {
    // Prepare
    const { feedback: _dropped, ...older } = NOTICE;

    // Act
    const md = renderReport(older as typeof NOTICE, 'md');

    // Assess
    expect(md).toContain('tiếp nhận 11.701 hồ sơ');
    expect(md).not.toContain('phản ánh');
  });
});
