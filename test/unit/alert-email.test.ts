import fc from 'fast-check';
import {
  alertEmail,
  alertSubject,
  APOLOGY_LETTER,
  digestEmail,
  escapeHtml,
  formatVnDateTime,
  groupEmail,
  scrubIdentifiers,
  type AlertLine,
} from '../../functions/core/alert-email';

const line = (over: Partial<AlertLine> = {}): AlertLine => ({
  code: '000.00.12.H57-240401-0003',
  procedureName: 'Thủ tục đăng ký khai sinh',
  fieldName: 'Hộ tịch',
  dueAt: '2024-04-03T17:00:00+07:00',
  workingDaysOverdue: 3,
  unit: 'Bộ phận Tư pháp - Hộ tịch',
  ...over,
});

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('alert email subject', () => {
  it.each([
    ['overdue', 3, '[Một cửa] 3 hồ sơ quá hạn'],
    ['overdue', 1, '[Một cửa] 1 hồ sơ quá hạn'],
    ['soon', 2, '[Một cửa] 2 hồ sơ sắp đến hạn'],
  ] as const)('%s with %i dossier(s) reads "%s"', (level, n, expected) => {
    // Prepare
    const lines = Array.from({ length: n }, (_, i) => line({ code: `000.00.12.H57-240401-000${i + 1}` }));

    // Act
    const email = alertEmail(level, lines);

    // Assess
    expect(email.subject).toBe(expected);
    expect(alertSubject(level, n)).toBe(expected);
  });
});

describe('alert email content', () => {
  it('lists every dossier with code, procedure, field, due date, days overdue and unit, in text and HTML', () => {
    // Prepare
    const lines = [
      line(),
      line({
        code: '000.00.12.H57-240402-0007',
        procedureName: 'Chứng thực bản sao từ bản chính',
        fieldName: 'Chứng thực',
        dueAt: '2024-04-02T10:30:00+07:00',
        workingDaysOverdue: 5,
        unit: null,
      }),
    ];

    // Act
    const { text, html } = alertEmail('overdue', lines);

    // Assess
    for (const part of [text, html]) {
      expect(part).toContain('000.00.12.H57-240401-0003');
      expect(part).toContain('Thủ tục đăng ký khai sinh');
      expect(part).toContain('Hộ tịch');
      expect(part).toContain('03/04/2024 17:00');
      expect(part).toContain('3 ngày làm việc');
      expect(part).toContain('Bộ phận Tư pháp - Hộ tịch');
      expect(part).toContain('000.00.12.H57-240402-0007');
      expect(part).toContain('Chứng thực bản sao từ bản chính');
      expect(part).toContain('02/04/2024 10:30');
      expect(part).toContain('5 ngày làm việc');
      expect(part).toContain('(chưa có thông tin)');
    }
    expect(text).toContain('quá hạn 3 ngày làm việc');
    // One table, one row a dossier: the columns of the dashboard's lists, in both parts.
    expect(text).toContain('STT | Mã hồ sơ | Thủ tục | Lĩnh vực | Hạn trả kết quả | Quá hạn | Đơn vị xử lý');
    expect(text).toContain(
      '1. 000.00.12.H57-240402-0007 | Chứng thực bản sao từ bản chính | Chứng thực | hạn trả 02/04/2024 10:30 | quá hạn 5 ngày làm việc | (chưa có thông tin)',
    );
    expect(count(html, '<table')).toBe(1);
    expect(count(html, '<tr>')).toBe(lines.length + 1);
    expect(html).toContain('<th scope="col" style="border:1px solid #ccc;text-align:left">Quá hạn</th>');
    // Longest overdue first.
    expect(text.indexOf('240402-0007')).toBeLessThan(text.indexOf('240401-0003'));
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta charset="utf-8">');
  });

  it('says once, above the table, that the apology letter is owed for each overdue dossier, and never in a due-soon email', () => {
    // Prepare
    const lines = Array.from({ length: 26 }, (_, i) => line({ code: `000.00.12.H57-240401-${String(i + 1).padStart(4, '0')}` }));

    // Act
    const overdue = alertEmail('overdue', lines);
    const soon = alertEmail(
      'soon',
      lines.map((l) => ({ ...l, workingDaysOverdue: 0 })),
    );

    // Assess
    expect(count(overdue.text, APOLOGY_LETTER)).toBe(1);
    expect(count(overdue.html, APOLOGY_LETTER)).toBe(1);
    expect(overdue.text.indexOf(APOLOGY_LETTER)).toBeLessThan(overdue.text.indexOf('STT | Mã hồ sơ'));
    expect(overdue.html.indexOf(APOLOGY_LETTER)).toBeLessThan(overdue.html.indexOf('<table'));
    // 26 overdue dossiers: a line each, not a block of six (the email was 180 lines).
    expect(overdue.text.split('\n').length).toBeLessThan(26 + 15);
    expect(overdue.text).toContain('lãnh đạo ký');
    expect(overdue.text).toContain('ngày hẹn trả kết quả mới');
    expect(soon.text).not.toContain('Phiếu xin lỗi');
    expect(soon.html).not.toContain('Phiếu xin lỗi');
    expect(soon.text).not.toContain('quá hạn');
    expect(soon.text).toContain('sắp đến hạn');
    expect(soon.text).toContain('STT | Mã hồ sơ | Thủ tục | Lĩnh vực | Hạn trả kết quả | Tình trạng | Đơn vị xử lý');
  });

  it('links to the dashboard when its public base URL is set, and only to an http(s) one', () => {
    // Act
    const linked = alertEmail('overdue', [line()], { dashboardUrl: 'https://motcua.binhan.gov.vn/' });
    const feedback = groupEmail(
      {
        level: 'feedback',
        slot: 'x',
        recipient: 'a@b.vn',
        alerts: [
          {
            id: '1022.20240210.0001',
            source: '1022',
            ward: '000.00.12.H57',
            receivedAt: '2024-02-10T08:00:00+07:00',
            dueAt: '2024-02-20T17:00:00+07:00',
            workingDaysOverdue: 2,
            dossierCode: null,
          },
        ],
      } as never,
      { dashboardUrl: 'https://motcua.binhan.gov.vn' },
    );
    const none = alertEmail('overdue', [line()]);
    const bad = alertEmail('overdue', [line()], { dashboardUrl: 'javascript:alert(1)' });

    // Assess
    expect(linked.text).toContain('Xem chi tiết trên trang điều hành: https://motcua.binhan.gov.vn/dashboard');
    expect(linked.html).toContain('<a href="https://motcua.binhan.gov.vn/dashboard">');
    expect(feedback.text).toContain('https://motcua.binhan.gov.vn/dashboard');
    expect(feedback.html).toContain('<table');
    expect(none.text).not.toContain('trang điều hành');
    expect(bad.html).not.toContain('javascript:');
  });

  it('shows due dates in Vietnam time whatever offset they were written with', () => {
    // Act
    const shown = formatVnDateTime('2024-04-03T10:00:00Z');

    // Assess
    expect(shown).toBe('03/04/2024 17:00');
  });

  it('masks an ID number, a phone and an email typed into free-text fields, and leaves the dossier code alone', () => {
    // Prepare
    const malicious = line({
      procedureName: 'Khai sinh cho con bà Hồng CCCD 079212345612',
      fieldName: 'Hộ tịch (gọi 0912 345 678)',
      unit: 'Liên hệ hong.nguyen@example.vn hoặc +84 912.345.678',
    });

    // Act
    const { subject, text, html } = alertEmail('overdue', [malicious]);

    // Assess
    for (const part of [subject, text, html]) {
      expect(part).not.toContain('079212345612');
      expect(part).not.toContain('0912 345 678');
      expect(part).not.toContain('0912345678');
      expect(part).not.toContain('912.345.678');
      expect(part).not.toContain('hong.nguyen@example.vn');
    }
    expect(text).toContain('0792******12');
    expect(text).toContain('000.00.12.H57-240401-0003');
  });

  it('never lets a 9 to 12 digit number or an email address through, wherever it is typed', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{9,12}$/),
        fc.emailAddress(),
        fc.constantFrom('procedureName', 'fieldName', 'unit'),
        fc.string({ maxLength: 20 }),
        (digits, email, where, noise) => {
          // Prepare
          const dirty = line({ [where]: `${noise} ${digits} ${email} ${noise}` });

          // Act
          const { text, html } = alertEmail('overdue', [dirty]);

          // Assess
          for (const part of [text, html]) {
            expect(part).not.toContain(digits);
            expect(part).not.toContain(escapeHtml(email));
            expect(part).not.toContain(email);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('escapes HTML in every field of the HTML part', () => {
    // Prepare
    const nasty = line({ procedureName: '<script>alert("x")</script> & co', unit: '<b>Phòng "A"</b>' });

    // Act
    const { text, html } = alertEmail('overdue', [nasty]);

    // Assess
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>Phòng');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(html).toContain('&lt;b&gt;Phòng &quot;A&quot;&lt;/b&gt;');
    expect(text).toContain('<script>alert("x")</script> & co'); // plain text stays as typed
  });

  it('scrubIdentifiers keeps dates, amounts and short codes', () => {
    // Act
    const out = scrubIdentifiers('Hạn 05/04/2024, lệ phí 1.500.000 đồng, mã 1.001193, năm 2024-04-05');

    // Assess
    expect(out).toBe('Hạn 05/04/2024, lệ phí 1.500.000 đồng, mã 1.001193, năm 2024-04-05');
  });
});

describe('daily digest email', () => {
  it('counts the overdue dossiers by field and by unit and lists each one', () => {
    // Prepare
    const lines = [
      line(),
      line({ code: '000.00.12.H57-240401-0004', workingDaysOverdue: 1 }),
      line({
        code: '000.00.12.H57-240401-0005',
        fieldName: 'Đất đai',
        unit: 'Bộ phận Địa chính',
        dueAt: '2024-03-29T17:00:00+07:00',
        workingDaysOverdue: 7,
      }),
    ];

    // Act
    const { subject, text, html } = digestEmail('2024-04-05T07:30:00+07:00', lines);

    // Assess
    expect(subject).toBe('[Một cửa] Báo cáo hồ sơ quá hạn ngày 05/04/2024');
    expect(text).toContain('có 3 hồ sơ đang giải quyết đã quá hạn');
    expect(text).toContain('- Hộ tịch: 2 hồ sơ');
    expect(text).toContain('- Đất đai: 1 hồ sơ');
    expect(text).toContain('- Bộ phận Tư pháp - Hộ tịch: 2 hồ sơ');
    expect(text).toContain('- Bộ phận Địa chính: 1 hồ sơ');
    expect(text).toContain(
      '000.00.12.H57-240401-0005 | Thủ tục đăng ký khai sinh | Đất đai | hạn trả 29/03/2024 17:00 | quá hạn 7 ngày làm việc',
    );
    expect(text).toContain(APOLOGY_LETTER);
    for (const code of ['240401-0003', '240401-0004', '240401-0005']) expect(html).toContain(code);
  });

  it('says so when nothing is overdue', () => {
    // Act
    const { subject, text } = digestEmail('2024-04-05T07:30:00+07:00', []);

    // Assess
    expect(subject).toBe('[Một cửa] Báo cáo hồ sơ quá hạn ngày 05/04/2024');
    expect(text).toContain('không có hồ sơ nào quá hạn');
  });
});
