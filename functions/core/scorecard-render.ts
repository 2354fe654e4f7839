/**
 * The scorecard in Vietnamese, as `npm run scorecard` prints it: the groups (điểm / tối đa), every
 * indicator (tử số / mẫu số, tỷ lệ, điểm), the why-lists, the dossiers at risk and what cannot be
 * scored. Numbers as Vietnamese documents write them ("11.701", "75,5%", "15,43 điểm"). Pure.
 */
import { escapeHtml, formatVnDateTime } from './alert-email';
import { formatVnDate, formatVnNumber, formatVnPercent, type ReportFormat } from './report';
import type { AtRiskItem, IndicatorResult, Scorecard, WhyItem, WhyReason } from './scorecard';

/** What each reason reads as. */
export const REASON_LABELS: Record<WhyReason, string> = {
  finishedLate: 'Giải quyết quá hạn',
  supplements: 'Yêu cầu bổ sung quá một lần',
  openOverdue: 'Quá hạn, chưa giải quyết',
  notOnline: 'Không nộp trực tuyến',
  notPaidOnline: 'Có phí, lệ phí nhưng không thanh toán trực tuyến',
  procedureNotPaidOnline: 'Thủ tục có phí, lệ phí, chưa có hồ sơ thanh toán trực tuyến',
  noResultFile: 'Không có kết quả điện tử',
  notDigitised: 'Không số hóa thành phần hồ sơ',
  notFinished: 'Chưa có kết quả',
  notReused: 'Không tái sử dụng dữ liệu số hóa',
  notFromDataStore: 'Không lấy từ kho dữ liệu cá nhân',
  notVNeID: 'Tài khoản chưa xác thực VNeID',
  namedByFeedback: 'Có phản ánh, kiến nghị về hồ sơ',
  answeredLate: 'Trả lời quá hạn',
  dissatisfied: 'Người dân không hài lòng',
};

/** A score with two decimals and a comma ("15,43"). */
export function formatScore(score: number): string {
  const [whole, fraction] = score.toFixed(2).split('.');
  return `${formatVnNumber(Number(whole))},${fraction}`;
}

/** A working-hours figure with one decimal and a comma ("12,5"). */
function formatHours(hours: number | null): string {
  if (hours === null) return '—';
  const [whole, fraction] = hours.toFixed(1).split('.');
  return `${formatVnNumber(Number(whole))},${fraction}`;
}

const when = (iso: string | null | undefined): string => (iso ? formatVnDateTime(iso) : '');

interface Table {
  title: string;
  head: string[];
  rows: string[][];
  /** Columns from this index on are numbers (right-aligned). */
  numericFrom: number;
  note?: string;
}

interface View {
  title: string;
  paragraphs: string[];
  tables: Table[];
}

/** The rate of an indicator: from the counts, one decimal ("75,5%"); "—" without a denominator. */
const rateOf = (i: IndicatorResult): string => (i.denominator > 0 ? formatVnPercent(i.numerator / i.denominator) : '—');

function whyTable(i: IndicatorResult): Table | null {
  if (!i.why) return null;
  const lost = formatScore(i.max - i.score);
  const feedback = i.code === 'MDHL.1' || i.code === 'MDHL.2';
  const procedures = i.code === 'TTTT.B';
  const rows = i.why.items.map((w: WhyItem) =>
    feedback
      ? [w.MaPhanAnh ?? '', REASON_LABELS[w.reason], when(w.receivedAt), when(w.dueAt)]
      : procedures
        ? [w.MaTTHC ?? '', w.TenTTHC ?? '', w.ward ?? '', REASON_LABELS[w.reason]]
        : [
            w.MaHoSo ?? '',
            REASON_LABELS[w.reason] + (w.supplements && w.supplements > 1 ? ` (${w.supplements} lần)` : ''),
            w.MaTTHC ?? '',
            w.MaLinhVuc ?? '',
            when(w.dueAt),
            when(w.finishedAt),
            w.unit ?? '',
          ],
  );
  const head = feedback
    ? ['Mã phản ánh', 'Lý do', 'Ngày tiếp nhận', 'Hạn xử lý']
    : procedures
      ? ['Mã thủ tục', 'Thủ tục', 'Đơn vị', 'Lý do']
      : ['Mã hồ sơ', 'Lý do', 'Mã thủ tục', 'Lĩnh vực', 'Hạn trả', 'Hoàn thành', 'Đơn vị xử lý'];
  const unit = feedback ? 'phản ánh, kiến nghị' : procedures ? 'thủ tục' : 'hồ sơ';
  const note =
    rows.length === 0
      ? `Không có ${unit} nào để liệt kê (mẫu số bằng 0).`
      : i.why.more > 0
        ? `… và ${formatVnNumber(i.why.more)} ${unit} khác.`
        : undefined;
  return { title: `${i.code} – ${i.name} (mất ${lost} điểm)`, head, rows, numericFrom: head.length, ...(note ? { note } : {}) };
}

function atRiskRows(items: AtRiskItem[]): string[][] {
  return items.map((r) => [
    r.MaHoSo,
    r.MaTTHC,
    r.MaLinhVuc,
    when(r.dueAt),
    formatHours(r.spentWorkingHours),
    formatHours(r.leftWorkingHours),
    formatHours(r.p90WorkingHours),
    r.basis === 'MaTTHC' ? 'thủ tục' : r.basis === 'MaLinhVuc' ? 'lĩnh vực' : '—',
  ]);
}

function buildView(card: Scorecard): View {
  const indicators = card.groups.flatMap((g) => g.indicators);
  const period = `từ ngày ${formatVnDate(card.period.from)} đến ngày ${formatVnDate(card.period.to)}`;
  const unit = card.ward ? `đơn vị ${card.ward}` : 'tất cả các đơn vị';
  const notAvailable = card.notAvailable.reduce((s, n) => s + n.max, 0);
  const source =
    card.forecast.statistics === 'stored'
      ? 'thống kê hằng ngày của hệ thống'
      : card.forecast.statistics === 'period'
        ? 'các hồ sơ đã giải quyết trong kỳ'
        : 'thống kê hằng ngày hoặc hồ sơ đã giải quyết trong kỳ';
  const paragraphs = [
    `Bộ chỉ số phục vụ người dân, doanh nghiệp theo Quyết định số 766/QĐ-TTg, ${unit}, hồ sơ tiếp nhận ${period}; số liệu tính đến ${when(card.asOf)} (giờ Việt Nam).`,
    `Tổng điểm tính được: ${formatScore(card.total.score)}/${formatVnNumber(card.total.max)} điểm. ` +
      `${formatVnNumber(notAvailable)} điểm còn lại thuộc các chỉ số hệ thống không có dữ liệu để tính (xem mục cuối).`,
    card.forecast.atRisk === 0
      ? 'Dự báo: không có hồ sơ đang giải quyết nào có nguy cơ trễ hạn.'
      : `Dự báo: ${formatVnNumber(card.forecast.atRisk)} hồ sơ đang giải quyết có nguy cơ trễ hạn; nếu trễ hạn, tổng điểm giảm ${formatScore(card.forecast.pointsAtRisk)} điểm (theo ${source}).`,
  ];
  const tables: Table[] = [
    {
      title: 'Điểm theo nhóm chỉ số',
      head: ['Mã nhóm', 'Nhóm chỉ số', 'Điểm', 'Tối đa'],
      rows: [
        ...card.groups.map((g) => [g.code, g.name, formatScore(g.score), formatVnNumber(g.max)]),
        ['', 'Tổng cộng', formatScore(card.total.score), formatVnNumber(card.total.max)],
      ],
      numericFrom: 2,
    },
    {
      title: 'Chi tiết từng chỉ số',
      head: ['Mã', 'Chỉ số', 'Tử số', 'Mẫu số', 'Tỷ lệ', 'Điểm', 'Tối đa'],
      rows: indicators.map((i) => [
        i.code,
        i.name,
        formatVnNumber(i.numerator),
        formatVnNumber(i.denominator),
        rateOf(i),
        formatScore(i.score),
        formatVnNumber(i.max),
      ]),
      numericFrom: 2,
    },
  ];
  const whys = indicators.map(whyTable).filter((t): t is Table => t !== null);
  if (whys.length > 0) tables.push(...whys.map((t) => ({ ...t, title: `Vì sao mất điểm: ${t.title}` })));
  tables.push({
    title: 'Hồ sơ có nguy cơ trễ hạn',
    head: ['Mã hồ sơ', 'Mã thủ tục', 'Lĩnh vực', 'Hạn trả', 'Đã dùng (giờ làm việc)', 'Còn lại (giờ)', 'P90 (giờ)', 'Theo số liệu'],
    rows: atRiskRows(card.forecast.items),
    numericFrom: 4,
    note:
      card.forecast.items.length === 0
        ? 'Không có hồ sơ nào.'
        : card.forecast.more > 0
          ? `… và ${formatVnNumber(card.forecast.more)} hồ sơ khác.`
          : 'P90: 90% hồ sơ cùng thủ tục (hoặc lĩnh vực) đã giải quyết, còn mở sau số giờ đã dùng, xong trong số giờ này.',
  });
  tables.push({
    title: 'Các chỉ số không tính được',
    head: ['Mã', 'Điểm tối đa', 'Lý do'],
    rows: card.notAvailable.map((n) => [n.code, formatVnNumber(n.max), n.reason]),
    numericFrom: 1,
  });
  return { title: 'Bảng điểm Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)', paragraphs, tables };
}

function escapeMd(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

function renderMd(view: View): string {
  const parts = [`# ${view.title}`, ...view.paragraphs];
  for (const t of view.tables) {
    parts.push(`## ${escapeMd(t.title)}`);
    if (t.rows.length > 0) {
      const line = (cells: string[]) => `| ${cells.map(escapeMd).join(' | ')} |`;
      const rule = `|${t.head.map((_, i) => (i >= t.numericFrom ? '---:' : '---')).join('|')}|`;
      parts.push([line(t.head), rule, ...t.rows.map(line)].join('\n'));
    }
    if (t.note) parts.push(escapeMd(t.note));
  }
  return `${parts.join('\n\n')}\n`;
}

function renderHtml(view: View): string {
  const table = (t: Table) => {
    const cell = (tag: 'th' | 'td', text: string, i: number) =>
      `<${tag}${i >= t.numericFrom ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
    const tr = (tag: 'th' | 'td', cells: string[]) => `<tr>${cells.map((c, i) => cell(tag, c, i)).join('')}</tr>`;
    return [
      `<h2>${escapeHtml(t.title)}</h2>`,
      t.rows.length > 0
        ? `<table>\n<thead>${tr('th', t.head)}</thead>\n<tbody>\n${t.rows.map((r) => tr('td', r)).join('\n')}\n</tbody>\n</table>`
        : '',
      t.note ? `<p>${escapeHtml(t.note)}</p>` : '',
    ]
      .filter(Boolean)
      .join('\n');
  };
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(view.title)}</title>
<style>
body{font-family:"Times New Roman",serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}
h1{font-size:1.4rem;text-align:center}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #666;padding:.3rem .5rem;text-align:left}
.num{text-align:right}thead th{background:#eee}
</style>
</head>
<body>
<h1>${escapeHtml(view.title)}</h1>
${view.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${view.tables.map(table).join('\n')}
</body>
</html>
`;
}

/** Prints the scorecard: `md` (Vietnamese text and tables), `html` (the same as a page), `json` (the route's answer). */
export function renderScorecard(card: Scorecard, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(card, null, 2)}\n`;
  const view = buildView(card);
  return format === 'md' ? renderMd(view) : renderHtml(view);
}
