/**
 * The alert emails of CONTRACT 6 and the daily digest, in Vietnamese, as a text part and an HTML
 * part. Pure: no I/O.
 *
 * What goes in: dossier code, procedure, field, due date, working days overdue and the processing
 * unit. Never the applicant's ID number, phone or email: the inputs do not carry them, and every
 * free-text field is scrubbed once more, because a desk officer may have typed a phone number into
 * a procedure or unit name.
 */
import type { FeedbackSource } from './feedback';
import { scrubIdentifiers } from './mask';

export { scrubIdentifiers };
import type { AlertLevel } from './ports';
import { byDeadline, byDueDate, type AlertGroup, type FeedbackGroup } from './recipients';
import { instantMs, toVnIso } from './time';

/** A dossier line of an alert or digest email. */
export interface AlertLine {
  code: string; // MaHoSo
  procedureName: string; // TenTTHC
  fieldName: string; // TenLinhVuc
  dueAt: string;
  workingDaysOverdue: number;
  unit: string | null; // DonViXuLy
}

/** A dossier line of the digest's "at risk" section: the forecast's figures (working hours). */
export interface RiskLine extends AlertLine {
  spentWorkingHours: number;
  leftWorkingHours: number;
  p90WorkingHours: number | null;
}

/** The digest's section title for dossiers at risk of finishing late. */
export const AT_RISK_TITLE = 'Hồ sơ có nguy cơ trễ hạn';

/**
 * A feedback item line of an alert or digest email (CONTRACT 6, last paragraph): identifiers and
 * dates only, never the citizen's words or data (the type has no field for them).
 */
export interface FeedbackLine {
  id: string; // MaPhanAnh
  source: FeedbackSource; // NguonTiepNhan
  ward: string; // MaDonVi
  receivedAt: string;
  dueAt: string;
  workingDaysOverdue: number;
  dossierCode: string | null; // MaHoSo
}

/** An email's content. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** The letter DOMAIN.md says a late dossier's applicant is owed, by its official name. */
export const APOLOGY_LETTER = 'Phiếu xin lỗi và hẹn lại ngày trả kết quả';

const SUBJECT_PREFIX = '[Một cửa]';
const NO_UNIT = '(chưa có thông tin)';
const FOOTER = 'Thư này do hệ thống Một cửa gửi tự động, vui lòng không trả lời thư này.';

/** `dd/MM/yyyy HH:mm` in Vietnam time. */
export function formatVnDateTime(iso: string): string {
  const vn = toVnIso(instantMs(iso));
  return `${vn.slice(8, 10)}/${vn.slice(5, 7)}/${vn.slice(0, 4)} ${vn.slice(11, 16)}`;
}

/** `dd/MM/yyyy` in Vietnam time. */
export function formatVnDate(iso: string): string {
  return formatVnDateTime(iso).slice(0, 10);
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A line as shown: free text scrubbed, missing unit named. */
interface ShownLine {
  code: string;
  procedure: string;
  field: string;
  due: string;
  days: number;
  unit: string;
}

function shown(line: AlertLine): ShownLine {
  return {
    code: line.code,
    procedure: scrubIdentifiers(line.procedureName),
    field: scrubIdentifiers(line.fieldName),
    due: formatVnDateTime(line.dueAt),
    days: line.workingDaysOverdue,
    unit: line.unit ? scrubIdentifiers(line.unit) : NO_UNIT,
  };
}

function overdueStatus(days: number): string {
  return `quá hạn ${Math.max(1, days)} ngày làm việc`;
}

const APOLOGY_REMINDER =
  `cần gửi người nộp hồ sơ "${APOLOGY_LETTER}": do lãnh đạo ký, nêu rõ lý do chậm trả và ngày hẹn trả kết quả mới ` +
  '(gửi trực tiếp, hoặc qua thư điện tử / tin nhắn với hồ sơ trực tuyến).';

/** The subject of an alert email: `[Một cửa] <n> hồ sơ quá hạn` / `… sắp đến hạn`. */
export function alertSubject(level: AlertLevel, count: number): string {
  return `${SUBJECT_PREFIX} ${count} hồ sơ ${level === 'overdue' ? 'quá hạn' : 'sắp đến hạn'}`;
}

/** Where an email links to: the dashboard's public base URL (DASHBOARD_URL), when one is set. */
export interface EmailLinks {
  dashboardUrl?: string | null;
}

/** The dashboard's address for an email, or null when there is none or it is not an http(s) URL. */
function dashboardAddress(links: EmailLinks): string | null {
  const base = links.dashboardUrl?.trim().replace(/\/+$/, '');
  return base && /^https?:\/\/[^\s"<>]+$/.test(base) ? `${base}/dashboard` : null;
}

/** The link to the dashboard, as a text line and an HTML paragraph (none without an address). */
function dashboardLink(links: EmailLinks): { text: string[]; html: string[] } {
  const url = dashboardAddress(links);
  if (!url) return { text: [], html: [] };
  return {
    text: [`Xem chi tiết trên trang điều hành: ${url}`],
    html: [`<p><a href="${escapeHtml(url)}">Xem chi tiết trên trang điều hành</a></p>`],
  };
}

const CELL = 'border:1px solid #ccc';

/** A compact HTML table: a header row, then the rows, every cell escaped. */
function htmlTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    '<table cellpadding="4" style="border-collapse:collapse">',
    `<tr>${head.map((h) => `<th scope="col" style="${CELL};text-align:left">${escapeHtml(h)}</th>`).join('')}</tr>`,
    ...rows.map((cells) => `<tr>${cells.map((c) => `<td style="${CELL}">${escapeHtml(c)}</td>`).join('')}</tr>`),
    '</table>',
  ].join('\n');
}

/** The dossiers of an alert or the digest as one table: the same columns in the text part and the HTML. */
function dossierTable(items: readonly ShownLine[], overdue: boolean): { text: string[]; html: string } {
  const head = ['STT', 'Mã hồ sơ', 'Thủ tục', 'Lĩnh vực', 'Hạn trả kết quả', overdue ? 'Quá hạn' : 'Tình trạng', 'Đơn vị xử lý'];
  const rows = items.map((d, i) => [
    String(i + 1),
    d.code,
    d.procedure,
    d.field,
    d.due,
    overdue ? `${Math.max(1, d.days)} ngày làm việc` : 'sắp đến hạn',
    d.unit,
  ]);
  return {
    text: [
      head.join(' | '),
      ...items.map(
        (d, i) =>
          `${i + 1}. ${d.code} | ${d.procedure} | ${d.field} | hạn trả ${d.due} | ${overdue ? overdueStatus(d.days) : 'sắp đến hạn'} | ${d.unit}`,
      ),
    ],
    html: htmlTable(head, rows),
  };
}

/**
 * The email of one (level, recipient) of a scan run: its dossiers in one table (longest overdue
 * first), the apology letter owed for the overdue ones said once above it, and the dashboard's link.
 */
export function alertEmail(level: AlertLevel, lines: readonly AlertLine[], links: EmailLinks = {}): EmailContent {
  const items = [...lines].sort(byDueDate).map(shown);
  const overdue = level === 'overdue';
  const intro = overdue
    ? `Hệ thống Một cửa ghi nhận ${items.length} hồ sơ đã quá hạn trả kết quả mà chưa giải quyết xong.`
    : `Hệ thống Một cửa ghi nhận ${items.length} hồ sơ sắp đến hạn trả kết quả (đến hạn trước 17:00 ngày làm việc tiếp theo).`;
  const ask = overdue ? 'Đề nghị đôn đốc giải quyết ngay.' : 'Đề nghị đôn đốc giải quyết để trả kết quả đúng hạn.';
  const todo = overdue ? [`Với mỗi hồ sơ dưới đây, ${APOLOGY_REMINDER}`] : [];
  const table = dossierTable(items, overdue);
  const link = dashboardLink(links);

  const text = [
    'Kính gửi lãnh đạo và các bộ phận liên quan,',
    '',
    intro,
    ask,
    ...todo,
    ...link.text,
    '',
    ...table.text,
    '',
    FOOTER,
    '',
  ].join('\n');
  const html = page(alertSubject(level, items.length), [
    '<p>Kính gửi lãnh đạo và các bộ phận liên quan,</p>',
    `<p>${escapeHtml(intro)}<br>${escapeHtml(ask)}</p>`,
    ...todo.map((t) => `<p><strong>${escapeHtml(t)}</strong></p>`),
    ...link.html,
    table.html,
  ]);
  return { subject: alertSubject(level, items.length), text, html };
}

/** Counts by a key, largest first, then by name. */
function countBy(lines: readonly ShownLine[], key: (l: ShownLine) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(key(l), (counts.get(key(l)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'vi'));
}

/**
 * The daily digest: every overdue open dossier at `nowIso`, counted by field and by processing
 * unit; with `atRisk` (the forecast), a section "Hồ sơ có nguy cơ trễ hạn" listing those not yet
 * overdue that the ward's history says will likely finish late; then every feedback item open past
 * its deadline (its own section, none: said so).
 */
export function digestEmail(
  nowIso: string,
  lines: readonly AlertLine[],
  sections: { feedback?: readonly FeedbackLine[]; atRisk?: readonly RiskLine[] } = {},
  links: EmailLinks = {},
): EmailContent {
  const { feedback = [], atRisk } = sections;
  const subject = `${SUBJECT_PREFIX} Báo cáo hồ sơ quá hạn ngày ${formatVnDate(nowIso)}`;
  const fb = feedbackSection(nowIso, feedback);
  const items = [...lines].sort(byDueDate).map(shown);
  const asOf = formatVnDateTime(nowIso);
  const byField = countBy(items, (l) => l.field);
  const byUnit = countBy(items, (l) => l.unit);
  const summary =
    items.length === 0
      ? `Đến ${asOf}, không có hồ sơ nào quá hạn trả kết quả.`
      : `Đến ${asOf}, có ${items.length} hồ sơ đang giải quyết đã quá hạn trả kết quả.`;
  const risky = atRisk ? riskSection(atRisk) : null;
  const list = dossierTable(items, true);
  const link = dashboardLink(links);

  const text = [
    'Kính gửi lãnh đạo UBND phường,',
    '',
    summary,
    ...link.text,
    ...(items.length === 0
      ? []
      : [
          '',
          'Theo lĩnh vực:',
          ...byField.map(([name, n]) => `- ${name}: ${n} hồ sơ`),
          '',
          'Theo đơn vị xử lý:',
          ...byUnit.map(([name, n]) => `- ${name}: ${n} hồ sơ`),
          '',
          'Danh sách hồ sơ quá hạn:',
          `Với mỗi hồ sơ quá hạn, ${APOLOGY_REMINDER}`,
          ...list.text,
        ]),
    ...(risky ? ['', `${AT_RISK_TITLE}:`, ...risky.text] : []),
    '',
    ...fb.text,
    '',
    FOOTER,
    '',
  ].join('\n');

  const countTable = (title: string, rows: [string, number][]) =>
    `<h3 style="margin:16px 0 4px">${escapeHtml(title)}</h3>\n${htmlTable(
      [title.replace('Theo ', '').replace(/^./, (c) => c.toUpperCase()), 'Số hồ sơ'],
      rows.map(([name, n]) => [name, String(n)]),
    )}`;
  const listHtml = [
    '<h3 style="margin:16px 0 4px">Danh sách hồ sơ quá hạn</h3>',
    `<p><strong>${escapeHtml(`Với mỗi hồ sơ quá hạn, ${APOLOGY_REMINDER}`)}</strong></p>`,
    list.html,
  ].join('\n');

  const html = page(subject, [
    '<p>Kính gửi lãnh đạo UBND phường,</p>',
    `<p>${escapeHtml(summary)}</p>`,
    ...link.html,
    ...(items.length === 0 ? [] : [countTable('Theo lĩnh vực', byField), countTable('Theo đơn vị xử lý', byUnit), listHtml]),
    ...(risky ? [risky.html] : []),
    fb.html,
  ]);
  return { subject, text, html };
}

/** Working hours with one decimal and a comma ("12,5"). */
function hours(h: number | null): string {
  return h === null ? '—' : h.toFixed(1).replace('.', ',');
}

/** The digest's "at risk" section, as text lines and HTML. */
function riskSection(lines: readonly RiskLine[]): { text: string[]; html: string } {
  const items = [...lines]
    .sort(byDueDate)
    .map((l) => ({ ...shown(l), spent: hours(l.spentWorkingHours), left: hours(l.leftWorkingHours), p90: hours(l.p90WorkingHours) }));
  const intro =
    items.length === 0
      ? 'Không có hồ sơ nào có nguy cơ trễ hạn.'
      : `${items.length} hồ sơ chưa quá hạn nhưng có nguy cơ trễ hạn: 90% hồ sơ cùng thủ tục (hoặc lĩnh vực) của phường, ` +
        'còn mở sau chừng ấy giờ làm việc, cần nhiều giờ hơn số giờ còn lại. Đề nghị ưu tiên giải quyết.';
  const text = [
    intro,
    ...items.map(
      (d, i) =>
        `${i + 1}. ${d.code} | ${d.procedure} | ${d.field} | hạn trả ${d.due} | đã dùng ${d.spent} giờ, còn ${d.left} giờ làm việc, P90 ${d.p90} giờ | ${d.unit}`,
    ),
  ];
  const head = ['STT', 'Mã hồ sơ', 'Thủ tục', 'Lĩnh vực', 'Hạn trả kết quả', 'Đã dùng (giờ)', 'Còn lại (giờ)', 'P90 (giờ)', 'Đơn vị xử lý'];
  const html = [
    `<h3 style="margin:16px 0 4px">${escapeHtml(AT_RISK_TITLE)}</h3>`,
    `<p>${escapeHtml(intro)}</p>`,
    ...(items.length === 0
      ? []
      : [
          htmlTable(
            head,
            items.map((d, i) => [String(i + 1), d.code, d.procedure, d.field, d.due, d.spent, d.left, d.p90, d.unit]),
          ),
        ]),
  ].join('\n');
  return { text, html };
}

// ---- Feedback (phản ánh, kiến nghị): the overdue alert and the digest's section ----

const SOURCE_NAMES: Record<FeedbackSource, string> = {
  '1022': 'Tổng đài 1022',
  DVCQG: 'Cổng Dịch vụ công quốc gia (PAKN)',
};

/** A feedback line as shown: dates formatted, the source named. MaPhanAnh and MaHoSo are identifiers, shown as sent. */
interface ShownFeedback {
  id: string;
  source: string;
  ward: string;
  received: string;
  due: string;
  days: number;
  dossier: string | null;
}

function shownFeedback(line: FeedbackLine): ShownFeedback {
  return {
    id: line.id,
    source: SOURCE_NAMES[line.source] ?? line.source,
    ward: line.ward,
    received: formatVnDateTime(line.receivedAt),
    due: formatVnDateTime(line.dueAt),
    days: line.workingDaysOverdue,
    dossier: line.dossierCode,
  };
}

const FEEDBACK_ASK =
  'Đề nghị chỉ đạo xử lý, trả lời người phản ánh ngay và cập nhật kết quả trên hệ thống đã chuyển đến ' +
  '(Tổng đài 1022 hoặc Cổng Dịch vụ công quốc gia).';

/** The subject of a feedback alert email: `[Một cửa] <n> phản ánh, kiến nghị quá hạn`. */
export function feedbackAlertSubject(count: number): string {
  return `${SUBJECT_PREFIX} ${count} phản ánh, kiến nghị quá hạn`;
}

/** Feedback items as one table, in the text part and the HTML. */
function feedbackTable(items: readonly ShownFeedback[]): { text: string[]; html: string } {
  const head = ['STT', 'Mã phản ánh', 'Nguồn tiếp nhận', 'Đơn vị xử lý', 'Ngày tiếp nhận', 'Hạn xử lý', 'Quá hạn', 'Hồ sơ liên quan'];
  const rows = items.map((d, i) => [
    String(i + 1),
    d.id,
    d.source,
    d.ward,
    d.received,
    d.due,
    `${Math.max(1, d.days)} ngày làm việc`,
    d.dossier ?? '',
  ]);
  return {
    text: [
      head.join(' | '),
      ...items.map(
        (d, i) =>
          `${i + 1}. ${d.id} | ${d.source} | ${d.ward} | tiếp nhận ${d.received} | hạn ${d.due} | ${overdueStatus(d.days)}${d.dossier ? ` | hồ sơ ${d.dossier}` : ''}`,
      ),
    ],
    html: htmlTable(head, rows),
  };
}

/** The email of one recipient of a feedback scan run, listing its items (longest overdue first). */
export function feedbackAlertEmail(lines: readonly FeedbackLine[], links: EmailLinks = {}): EmailContent {
  const items = [...lines].sort(byDeadline).map(shownFeedback);
  const subject = feedbackAlertSubject(items.length);
  const intro = `Hệ thống Một cửa ghi nhận ${items.length} phản ánh, kiến nghị của người dân, doanh nghiệp đã quá hạn xử lý mà chưa được trả lời.`;
  const table = feedbackTable(items);
  const link = dashboardLink(links);
  const text = ['Kính gửi lãnh đạo UBND phường,', '', intro, FEEDBACK_ASK, ...link.text, '', ...table.text, '', FOOTER, ''].join('\n');
  const html = page(subject, [
    '<p>Kính gửi lãnh đạo UBND phường,</p>',
    `<p>${escapeHtml(intro)}<br>${escapeHtml(FEEDBACK_ASK)}</p>`,
    ...link.html,
    table.html,
  ]);
  return { subject, text, html };
}

/** The digest's section on feedback items open past their deadline at `nowIso`. */
function feedbackSection(nowIso: string, lines: readonly FeedbackLine[]): { text: string[]; html: string } {
  const items = [...lines].sort(byDeadline).map(shownFeedback);
  const asOf = formatVnDateTime(nowIso);
  const title = 'Phản ánh, kiến nghị quá hạn';
  if (items.length === 0) {
    const none = `Đến ${asOf}, không có phản ánh, kiến nghị nào quá hạn xử lý.`;
    return { text: [`${title}:`, none], html: `<h3 style="margin:16px 0 4px">${escapeHtml(title)}</h3>\n<p>${escapeHtml(none)}</p>` };
  }
  const summary = `Đến ${asOf}, có ${items.length} phản ánh, kiến nghị đang xử lý đã quá hạn. ${FEEDBACK_ASK}`;
  const table = feedbackTable(items);
  return {
    text: [`${title}:`, summary, ...table.text],
    html: [`<h3 style="margin:16px 0 4px">${escapeHtml(title)}</h3>`, `<p>${escapeHtml(summary)}</p>`, table.html].join('\n'),
  };
}

/** The email of one group of a run: a dossier alert at its level, or a feedback alert. */
export function groupEmail(group: AlertGroup | FeedbackGroup, links: EmailLinks = {}): EmailContent {
  return group.level === 'feedback' ? feedbackAlertEmail(group.alerts, links) : alertEmail(group.level, group.alerts, links);
}

/** A whole HTML document: UTF-8 declared, the footer last. */
function page(title: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="vi">',
    `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5">',
    ...body,
    `<p style="color:#666;font-size:12px">${escapeHtml(FOOTER)}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
