/**
 * The dashboard page (CONTRACT 8), rendered on the server in Vietnamese: headline cards with the
 * change against the previous period, the Decision 766 groups, the 12-month trend, the statistics
 * table with its merged headers, the lists overdue now and at risk, the province's ranking. Every
 * chart is followed by its data table; every table has a caption and header scopes; the page prints.
 *
 * Self-contained: one stylesheet inline (allowed by its hash in the Content-Security-Policy), SVG
 * drawn here, no script, no font, no image from anywhere: the page makes no request but its own
 * links and forms. Nothing of a citizen: codes, procedures, fields, units and dates only. Pure.
 */
import { createHash } from 'node:crypto';
import { formatVnDateTime } from '../alert-email';
import { scrubIdentifiers } from '../mask';
import { formatVnNumber, formatVnPercent } from '../report';
import { type BarSeries, esc, progressBars, rateLine, stackedBars } from './charts';
import type { Card, DashboardData } from './compute';
import { vnDateOf } from './period';
import type { ScorecardLike } from './sources';
import { type ColumnKind, displayValue, type ExportId, type ExportTable, exportTable, STAT_COLUMNS } from './tables';

/** The one stylesheet of every dashboard page (screen and print). */
export const STYLES = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff;line-height:1.5;font-size:15px}
a{color:#0b5394}
a:focus,button:focus,input:focus,select:focus,summary:focus{outline:3px solid #f2a900;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
.top{background:#0b3d66;color:#fff;padding:1rem 1.5rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
.top h1{margin:0;font-size:1.4rem}
.top p{margin:.2rem 0 0}
.top button{background:#fff;color:#0b3d66;border:0;border-radius:4px;padding:.45rem .9rem;font:inherit;cursor:pointer}
main,.filters,footer{max-width:76rem;margin:0 auto;padding:0 1.5rem}
.filters{padding-top:1rem}
.filters form{display:flex;flex-wrap:wrap;gap:.75rem 1rem;align-items:flex-end;background:#f3f6f9;border:1px solid #c8d3de;border-radius:6px;padding:.75rem 1rem}
.filters label{display:flex;flex-direction:column;font-size:.85rem;color:#333}
.filters input,.filters select{font:inherit;padding:.3rem .4rem;border:1px solid #6b7785;border-radius:4px;background:#fff;color:#1a1a1a}
.filters button{font:inherit;background:#0b5394;color:#fff;border:0;border-radius:4px;padding:.45rem 1rem;cursor:pointer}
.quick{margin:.5rem 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem}
.meta{color:#3d4650;font-size:.9rem;margin:.75rem 0}
h2{font-size:1.2rem;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:2px solid #0b3d66}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
.cards{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.75rem}
.card{border:1px solid #c8d3de;border-radius:6px;padding:.75rem 1rem;background:#f6f9fc}
.card h3{margin:0;font-size:.95rem;font-weight:600;color:#1d2b38}
.card .value{font-size:1.9rem;font-weight:700;margin:.2rem 0;color:#0b3d66}
.card .change{margin:0;font-size:.9rem}
.card .detail{margin:.25rem 0 0;font-size:.85rem;color:#3d4650}
.good{color:#176b2c}.bad{color:#a4161a}.flat{color:#3d4650}
.none{color:#3d4650;font-style:italic}
figure{margin:0 0 1rem}
figcaption{font-weight:600;margin-bottom:.25rem}
.chart{width:100%;max-width:720px;height:auto;display:block}
.chart .grid{stroke:#d9e0e7;stroke-width:1}
.chart .axis{stroke:#555;stroke-width:1}
.chart .tick{fill:#2b2b2b;font-size:12px;font-family:inherit}
.chart .s-direct{fill:#1f5f99}.chart .s-online{fill:#2f7d32}.chart .s-postal{fill:#b35900}
.chart .line{fill:none;stroke:#1f5f99;stroke-width:2.5}
.chart .dot{fill:#1f5f99}
.chart .track{fill:#e6ebf0}.chart .bar{fill:#1f5f99}
.table-wrap{overflow-x:auto;margin-bottom:.5rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #b7c2cd;padding:.3rem .5rem;vertical-align:top}
thead th{background:#e4ebf2;text-align:center}
tbody th,tfoot th{text-align:left;font-weight:normal}
tfoot th,tfoot td{font-weight:700;background:#f1f4f7}
td.num{text-align:right;white-space:nowrap}
.downloads{font-size:.9rem;margin:.25rem 0 1rem}
.note{font-size:.85rem;color:#3d4650}
.ranks{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}
details{margin:.25rem 0}
footer{margin-top:2.5rem;padding-bottom:2rem;font-size:.85rem;color:#3d4650}
.signin{max-width:26rem;margin:4rem auto;padding:1.5rem;border:1px solid #c8d3de;border-radius:6px}
.signin label{display:block;margin:.75rem 0 .25rem}
.signin input{width:100%;font:inherit;padding:.4rem;border:1px solid #6b7785;border-radius:4px}
.signin button{margin-top:1rem;font:inherit;background:#0b5394;color:#fff;border:0;border-radius:4px;padding:.5rem 1.2rem;cursor:pointer}
.error{color:#a4161a;font-weight:600}
@media print{
  body{font-size:10.5pt}
  .top{background:none;color:#000;border-bottom:2px solid #000;padding:0 0 .5rem}
  .top form,.filters,.downloads,.dl,.skip{display:none}
  main,footer{max-width:none;padding:0}
  section{break-inside:avoid-page}
  table{font-size:9pt}
  a{color:#000;text-decoration:none}
  .card{background:none}
  .chart{max-width:16cm}
}
`.trim();

/** The hash of STYLES as a CSP source (`'sha256-…'`). */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLES, 'utf8').digest('base64')}'`;

/**
 * The headers of every dashboard answer: a Content-Security-Policy that allows nothing from any
 * other origin (no script at all; the one inline stylesheet by its hash; images and forms to this
 * origin only; no framing), and the usual hardening. `secure`: HTTPS (AWS), adds HSTS.
 */
export function securityHeaders(secure: boolean): Record<string, string> {
  const csp = [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    // The page's one image is its icon, inline (a data: URL): no request at all, not even to this origin.
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    // The page holds the ward's figures: never kept by a shared cache or the back button's disk.
    'cache-control': 'no-store',
    ...(secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** A whole HTML document with the dashboard's head. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${esc(title)}</title>
<link rel="icon" href="${ICON_HREF}" type="image/svg+xml">
<style>${STYLES}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The page's icon (a browser asks for one: given inline, it asks nothing). */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b3d66"/>' +
  '<path d="M8 22V10h4l4 7 4-7h4v12h-3v-7l-5 8-5-8v7z" fill="#fff"/></svg>';

const ICON_HREF = `data:image/svg+xml,${encodeURIComponent(ICON_SVG)}`;

// ---- pieces ----------------------------------------------------------------------------------

const PAGE_TITLE = 'Bảng điều hành Một cửa';

function scopeName(data: DashboardData): string {
  if (data.ward === null) return `Toàn tỉnh (${formatVnNumber(data.wards.length)} đơn vị)`;
  return data.wardName ? `${data.wardName} (${data.ward})` : `Đơn vị ${data.ward}`;
}

/** "+1.234 (+12,3%)" style change text, with a word for screen readers and the colour class. */
function change(card: Card): { text: string; className: string } {
  if (card.value === null || card.previous === null) return { text: 'Không có số liệu kỳ trước để so sánh', className: 'flat' };
  const diff = card.value - card.previous;
  if (Math.abs(diff) < 1e-9) return { text: 'Không đổi so với kỳ trước', className: 'flat' };
  const up = diff > 0;
  const word = up ? 'Tăng' : 'Giảm';
  const arrow = up ? '▲' : '▼';
  const good = up === card.upIsGood;
  let amount: string;
  if (card.kind === 'rate') {
    amount = `${formatVnPercent(Math.abs(diff)).replace('%', '')} điểm %`;
  } else {
    const rel = card.previous > 0 ? ` (${formatVnPercent(Math.abs(diff) / card.previous)})` : '';
    amount = `${formatVnNumber(Math.abs(diff))}${rel}`;
  }
  return {
    text: `<span aria-hidden="true">${arrow}</span> ${word} ${amount} so với kỳ trước (${card.kind === 'rate' ? formatVnPercent(card.previous) : formatVnNumber(card.previous)})`,
    className: good ? 'good' : 'bad',
  };
}

function cardHtml(card: Card): string {
  const value =
    card.value === null
      ? `<p class="value none">—</p><p class="detail">${esc(card.missing ?? 'Chưa có dữ liệu')}</p>`
      : `<p class="value">${card.kind === 'rate' ? formatVnPercent(card.value) : formatVnNumber(card.value)}</p>`;
  const ch = change(card);
  // The change text is built from numbers and fixed words only; the arrow is decorative.
  return (
    `<li class="card" id="the-${card.id}"><h3>${esc(card.label)}</h3>${value}` +
    (card.value === null ? '' : `<p class="change ${ch.className}">${ch.text}</p>`) +
    `${card.value === null ? '' : `<p class="detail">${esc(card.detail)}</p>`}</li>`
  );
}

const numeric = (kind: ColumnKind) => kind !== 'text';

/** A table from its data: caption, column headers with scope, the first column as row headers. */
export function tableHtml(t: ExportTable, opts: { limit?: number; caption?: string } = {}): string {
  if (t.missing) return `<p class="none">${esc(t.missing)}</p>`;
  if (t.rows.length === 0) return `<p class="none">Không có.</p>`;
  const shown = opts.limit ? t.rows.slice(0, opts.limit) : t.rows;
  const cells = (row: readonly (string | number | null)[]) =>
    row
      .map((v, i) => {
        const kind = t.columns[i].kind;
        const text = esc(typeof v === 'string' ? v : displayValue(v, kind));
        if (i === 0) return `<th scope="row">${text}</th>`;
        return `<td${numeric(kind) ? ' class="num"' : ''}>${text}</td>`;
      })
      .join('');
  const head = t.columns.map((c) => `<th scope="col">${esc(c.header)}</th>`).join('');
  const body = shown.map((r) => `<tr>${cells(r)}</tr>`).join('\n');
  const foot = t.foot ? `<tfoot><tr>${cells(t.foot)}</tr></tfoot>` : '';
  const more =
    opts.limit && t.rows.length > opts.limit
      ? `<p class="note">Hiển thị ${formatVnNumber(opts.limit)}/${formatVnNumber(t.rows.length)} dòng; tải về để xem đầy đủ.</p>`
      : '';
  return `<div class="table-wrap"><table id="tbl-${t.id}"><caption>${esc(opts.caption ?? t.title)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody>${foot}</table></div>${more}`;
}

/** The statistics table with the merged group headers officials use. */
function statisticsHtml(data: DashboardData, t: ExportTable): string {
  const byField = data.statistics.rowsAre === 'field';
  const groups: { name: string; span: number }[] = [];
  for (const c of STAT_COLUMNS) {
    const last = groups.at(-1);
    if (last && last.name === c.group) last.span++;
    else groups.push({ name: c.group ?? '', span: 1 });
  }
  const colgroups = `<colgroup><col></colgroup>${groups.map((g) => `<colgroup span="${g.span}"></colgroup>`).join('')}`;
  const head1 =
    `<tr><th rowspan="2" scope="col">${byField ? 'Lĩnh vực' : 'Đơn vị'}</th>` +
    groups.map((g) => `<th colspan="${g.span}" scope="colgroup">${esc(g.name)}</th>`).join('') +
    '</tr>';
  const head2 = `<tr>${STAT_COLUMNS.map((c) => `<th scope="col">${esc(c.header)}</th>`).join('')}</tr>`;
  const row = (cells: readonly (string | number | null)[], name: string) =>
    `<tr><th scope="row">${esc(name)}</th>${cells
      .slice(2)
      .map((v, i) => `<td class="num">${esc(displayValue(v, STAT_COLUMNS[i].kind))}</td>`)
      .join('')}</tr>`;
  const label = (code: CellValueLike, name: CellValueLike) =>
    code && name && code !== name ? `${name} (${code})` : String(name ?? code ?? '');
  const body = t.rows.map((r) => row(r, label(r[0], r[1]))).join('\n');
  const foot = t.foot ? `<tfoot>${row(t.foot, 'Tổng cộng')}</tfoot>` : '';
  const withdrawn = data.statistics.total.withdrawn;
  const empty = t.rows.length === 0 ? '<p class="none">Không có hồ sơ tiếp nhận trong kỳ và không có hồ sơ kỳ trước chuyển sang.</p>' : '';
  return (
    `${empty}<div class="table-wrap"><table id="tbl-statistics" class="stats"><caption>${esc(t.title)}</caption>${colgroups}` +
    `<thead>${head1}${head2}</thead><tbody>\n${body}\n</tbody>${foot}</table></div>` +
    `<p class="note">Số liệu tại thời điểm ${esc(formatVnDateTime(data.statistics.at))}. Kỳ trước chuyển sang: hồ sơ tiếp nhận trước kỳ ` +
    `(trong 24 tháng trước) còn đang giải quyết khi bắt đầu kỳ. Đã giải quyết: hoàn thành đến cuối kỳ (trước hạn, đúng hạn, quá hạn ` +
    `so theo ngày với hạn trả); đang giải quyết: chưa hoàn thành đến cuối kỳ, quá hạn khi đã qua hạn trả. ` +
    `Hồ sơ công dân rút: ${formatVnNumber(withdrawn)} (không tính vào đã hoặc đang giải quyết).</p>`
  );
}

type CellValueLike = string | number | null;

/** Download links of a table (CSV and Excel), carrying the page's period, ward and clock. */
function downloads(id: ExportId, query: string, what: string): string {
  const q = `table=${id}${query ? `&amp;${query}` : ''}`;
  return (
    `<p class="downloads">Tải về ${esc(what)}: <a href="/dashboard/export.csv?${q}" download>CSV</a> · ` +
    `<a href="/dashboard/export.xlsx?${q}" download>Excel (.xlsx)</a></p>`
  );
}

function scorecardHtml(data: DashboardData, query: string): string {
  const t = exportTable(data, 'scorecard');
  if (data.scorecard.state !== 'ok') return `<p class="none">${esc(t.missing ?? '')}</p>`;
  const s: ScorecardLike = data.scorecard.value;
  const chart = progressBars(
    'chart-766',
    'Điểm theo nhóm chỉ số Quyết định 766',
    s.groups.map((g) => ({ label: `${g.name} (${g.code})`, value: g.score, max: g.max })),
  );
  const why = s.groups
    .flatMap((g) => g.indicators)
    .filter((i) => i.why && i.why.items.length > 0)
    .map((i) => {
      const items = i.why!.items.map((w) => {
        const code = w.MaHoSo ?? w.MaPhanAnh ?? '';
        const parts = [w.TenTTHC, w.MaLinhVuc, w.dueAt ? `hạn ${formatVnDateTime(w.dueAt)}` : null, w.unit].filter(Boolean) as string[];
        return `<li>${esc(code)}: ${esc(scrubIdentifiers(parts.join(', ')))}${parts.length ? '; ' : ''}${esc(w.reason)}</li>`;
      });
      const more = i.why!.more > 0 ? `<li>… và ${formatVnNumber(i.why!.more)} hồ sơ khác</li>` : '';
      return `<details><summary>${esc(`${i.code} ${i.name}`)}: ${formatVnNumber(i.why!.items.length + i.why!.more)} hồ sơ làm mất điểm</summary><ul>${items.join('')}${more}</ul></details>`;
    })
    .join('');
  const na = s.notAvailable.map((n) => `<li>${esc(n.code)} (${formatVnNumber(n.max)} điểm): ${esc(n.reason)}</li>`).join('');
  return (
    `<p class="value-line">Tổng điểm: <strong>${formatVnNumber(Math.round(s.total.score * 100) / 100)}/${formatVnNumber(s.total.max)}</strong> điểm tính được từ dữ liệu của hệ thống.</p>` +
    `<figure>${chart}<figcaption>Điểm theo nhóm (số liệu ở bảng sau)</figcaption></figure>` +
    tableHtml(t) +
    downloads('scorecard', query, 'bảng điểm') +
    (why ? `<h3>Hồ sơ làm mất điểm</h3>${why}` : '') +
    (na ? `<h3>Chỉ tiêu hệ thống chưa tính được</h3><ul>${na}</ul>` : '')
  );
}

function feedbackHtml(data: DashboardData): string {
  if (data.feedback.state !== 'ok') {
    return `<p class="none">${data.feedback.state === 'none' ? 'Chưa có dữ liệu phản ánh, kiến nghị.' : 'Không đọc được số liệu phản ánh, kiến nghị lúc này.'}</p>`;
  }
  const f = data.feedback.value;
  const rows: [string, number][] = [
    ['Tiếp nhận', f.received],
    ['Đã trả lời', f.answered],
    ['– Đúng hạn', f.answeredOnTime],
    ['– Quá hạn', f.answeredLate],
    ['Đang xử lý', f.open],
    ['– Quá hạn', f.openOverdue],
    ['Từ chối, lưu trữ', f.refused],
    ['Về thủ tục hành chính, quy định', f.aboutProcedures],
    ['Về hành vi nhũng nhiễu, gây phiền hà', f.aboutConduct],
    ['Người dân không hài lòng', f.dissatisfied],
  ];
  return (
    `<div class="table-wrap"><table id="tbl-feedback"><caption>Phản ánh, kiến nghị tiếp nhận trong kỳ</caption>` +
    `<thead><tr><th scope="col">Chỉ tiêu</th><th scope="col">Số lượng</th></tr></thead><tbody>` +
    rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td class="num">${formatVnNumber(v)}</td></tr>`).join('') +
    '</tbody></table></div>'
  );
}

function rankingHtml(data: DashboardData, query: string): string {
  if (!data.ranking) return '';
  const t = exportTable(data, 'ranking');
  const rows = data.ranking.rows;
  const by = data.ranking.rankedBy === 'score' ? 'điểm Chỉ số 766' : 'tỷ lệ giải quyết đúng hạn';
  const measured = rows.filter((r) => (data.ranking!.rankedBy === 'score' ? r.score !== null : r.onTimeRate !== null));
  const item = (r: (typeof rows)[number]) =>
    `<li>${esc(r.name ? `${r.name} (${r.ward})` : r.ward)}: ${
      data.ranking!.rankedBy === 'score'
        ? `${formatVnNumber(Math.round((r.score ?? 0) * 100) / 100)}/${formatVnNumber(r.max ?? 0)} điểm`
        : formatVnPercent(r.onTimeRate ?? 0)
    }</li>`;
  const n = Math.min(3, Math.floor(measured.length / 2) || measured.length);
  const top = measured.slice(0, n);
  const bottom = measured.length > n ? measured.slice(-n).reverse() : [];
  const note =
    data.ranking.rankedBy === 'score'
      ? ''
      : `<p class="note">${data.scorecard.state === 'ok' || data.wards.length === 0 ? '' : 'Chưa có dữ liệu Chỉ số 766 của từng đơn vị: '}xếp theo tỷ lệ giải quyết đúng hạn của hồ sơ tiếp nhận trong kỳ.</p>`;
  return (
    `<section aria-labelledby="h-ranking"><h2 id="h-ranking">Xếp hạng đơn vị</h2>${note}` +
    `<div class="ranks"><div><h3>Dẫn đầu (theo ${esc(by)})</h3><ol>${top.map(item).join('')}</ol></div>` +
    `<div><h3>Cần cải thiện</h3><ol>${bottom.map(item).join('') || '<li>Chưa đủ đơn vị để so sánh.</li>'}</ol></div></div>` +
    tableHtml(t) +
    downloads('ranking', query, 'bảng xếp hạng') +
    '</section>'
  );
}

/** What the filter form and the links need to know of the request. */
export interface PageContext {
  /** The query string (escaped for HTML) that reproduces this page: period, ward, clock. */
  query: string;
  /** The raw parameters as they came (to preselect the form). */
  params: Readonly<Record<string, string | undefined>>;
  /** Vietnam date of the page's clock. */
  today: string;
}

function filtersHtml(data: DashboardData, ctx: PageContext): string {
  const p = ctx.params;
  const kind = p.period ?? (p.from || p.to ? 'custom' : '');
  const opt = (value: string, label: string, selected: boolean) =>
    `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  const wardOptions = [
    data.wards.length > 1 || data.ward === null ? opt('', 'Toàn tỉnh', data.ward === null) : '',
    ...data.wards.map((w) => opt(w.code, w.name ? `${w.name} (${w.code})` : w.code, w.code === data.ward)),
  ].join('');
  const month = ctx.today.slice(0, 7);
  const year = Number(ctx.today.slice(0, 4));
  const quarter = `${year}-Q${Math.floor((Number(ctx.today.slice(5, 7)) - 1) / 3) + 1}`;
  const prevMonth = (() => {
    const [y, m] = month.split('-').map(Number);
    return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  })();
  const wardQ = data.ward ? `&amp;ward=${encodeURIComponent(data.ward)}` : '';
  const quick = [
    [`/dashboard?${wardQ.slice(5)}`, 'Tháng này (đến hôm nay)'],
    [`/dashboard?period=month&amp;month=${prevMonth}${wardQ}`, 'Tháng trước'],
    [`/dashboard?period=quarter&amp;quarter=${quarter}${wardQ}`, 'Quý này'],
    [`/dashboard?period=year&amp;year=${year}${wardQ}`, 'Năm nay'],
    [`/dashboard?period=year&amp;year=${year - 1}${wardQ}`, 'Năm trước'],
  ]
    .map(([href, label]) => `<li><a href="${href}">${esc(label)}</a></li>`)
    .join('');
  return `<nav class="filters" aria-label="Chọn kỳ báo cáo và đơn vị">
<form method="get" action="/dashboard">
<label>Kỳ<select name="period">${opt('', 'Tháng này (đến hôm nay)', kind === '')}${opt('month', 'Tháng', kind === 'month')}${opt('quarter', 'Quý', kind === 'quarter')}${opt('year', 'Năm', kind === 'year')}${opt('custom', 'Tùy chọn (từ ngày, đến ngày)', kind === 'custom')}</select></label>
<label>Tháng<input type="month" name="month" value="${esc(p.month ?? month)}"></label>
<label>Quý<input type="text" name="quarter" value="${esc(p.quarter ?? quarter)}" pattern="\\d{4}-Q[1-4]" size="8"></label>
<label>Năm<input type="number" name="year" value="${esc(p.year ?? String(year))}" min="2000" max="2999"></label>
<label>Từ ngày<input type="date" name="from" value="${esc(p.from ?? data.period.from)}"></label>
<label>Đến ngày<input type="date" name="to" value="${esc(p.to ?? data.period.to)}"></label>
<label>Đơn vị<select name="ward">${wardOptions}</select></label>
<button type="submit">Xem</button>
</form>
<ul class="quick">${quick}</ul>
</nav>`;
}

/** The dashboard page. */
export function renderDashboard(data: DashboardData, ctx: PageContext): string {
  const q = ctx.query;
  const trendMonthsList = data.trend.map((t) => t.month);
  const series: BarSeries[] = [
    { name: 'Trực tiếp', className: 's-direct', values: data.trend.map((t) => t.direct) },
    { name: 'Trực tuyến', className: 's-online', values: data.trend.map((t) => t.online) },
    { name: 'Bưu chính công ích', className: 's-postal', values: data.trend.map((t) => t.postal) },
  ];
  const trendTable = exportTable(data, 'trend');
  const receivedTable: ExportTable = {
    ...trendTable,
    id: 'trend',
    title: 'Số liệu biểu đồ: hồ sơ tiếp nhận theo tháng và kênh',
    columns: trendTable.columns.slice(0, 5),
    rows: trendTable.rows.map((r) => r.slice(0, 5)),
  };
  const rateTable: ExportTable = {
    ...trendTable,
    title: 'Số liệu biểu đồ: tỷ lệ giải quyết đúng hạn theo tháng',
    columns: [trendTable.columns[0], trendTable.columns[5], trendTable.columns[6]],
    rows: trendTable.rows.map((r) => [r[0], r[5], r[6]]),
  };
  const overdue = exportTable(data, 'overdue');
  const overdueFb = exportTable(data, 'overdue-feedback');
  const atRisk = exportTable(data, 'at-risk');
  const stats = exportTable(data, 'statistics');
  const body = `<a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
<header class="top">
<div><h1>${esc(PAGE_TITLE)}</h1><p>${esc(scopeName(data))} · ${esc(data.period.label)}</p></div>
<form method="post" action="/dashboard/sign-out"><button type="submit">Đăng xuất</button></form>
</header>
${filtersHtml(data, ctx)}
<main id="noi-dung">
<p class="meta">Kỳ báo cáo: ngày tiếp nhận từ ${esc(vnDateOf(data.period.from))} đến ${esc(vnDateOf(data.period.to))}; so với kỳ trước: ${esc(vnDateOf(data.previous.from))} – ${esc(vnDateOf(data.previous.to))}. Số liệu tính đến ${esc(formatVnDateTime(data.asOf))} (giờ Việt Nam); dữ liệu hồ sơ đọc lúc ${esc(formatVnDateTime(data.readAt))}.
<a class="dl" href="/dashboard/export.xlsx?${q}" download>Tải toàn bộ số liệu (Excel)</a></p>
<section aria-labelledby="h-cards"><h2 id="h-cards">Chỉ số chính</h2>
<ul class="cards">${data.cards.map(cardHtml).join('\n')}</ul>
${downloads('summary', q, 'chỉ số chính')}
</section>
<section aria-labelledby="h-766"><h2 id="h-766">Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)</h2>
${scorecardHtml(data, q)}
</section>
<section aria-labelledby="h-trend"><h2 id="h-trend">Xu hướng 12 tháng</h2>
<figure>${stackedBars('chart-received', 'Hồ sơ tiếp nhận theo tháng và kênh', trendMonthsList, series)}<figcaption>Hồ sơ tiếp nhận theo tháng và kênh</figcaption></figure>
${tableHtml(receivedTable)}
<figure>${rateLine(
    'chart-ontime',
    'Tỷ lệ giải quyết đúng hạn theo tháng tiếp nhận',
    trendMonthsList,
    data.trend.map((t) => t.onTimeRate),
  )}<figcaption>Tỷ lệ giải quyết đúng hạn (kể cả trước hạn) của hồ sơ tiếp nhận trong tháng</figcaption></figure>
${tableHtml(rateTable)}
${downloads('trend', q, 'số liệu 12 tháng')}
</section>
<section aria-labelledby="h-stats"><h2 id="h-stats">Tình hình tiếp nhận và giải quyết hồ sơ</h2>
${statisticsHtml(data, stats)}
${downloads('statistics', q, 'bảng thống kê')}
</section>
<section aria-labelledby="h-overdue"><h2 id="h-overdue">Hồ sơ quá hạn hiện tại (${formatVnNumber(data.overdueNow.length)})</h2>
${tableHtml(overdue, { limit: 100 })}
${data.overdueNow.length ? downloads('overdue', q, 'danh sách') : ''}
</section>
<section aria-labelledby="h-feedback"><h2 id="h-feedback">Phản ánh, kiến nghị</h2>
${feedbackHtml(data)}
<h3>Phản ánh, kiến nghị quá hạn hiện tại</h3>
${tableHtml(overdueFb, { limit: 100 })}
${overdueFb.missing || overdueFb.rows.length === 0 ? '' : downloads('overdue-feedback', q, 'danh sách')}
</section>
<section aria-labelledby="h-risk"><h2 id="h-risk">Hồ sơ có nguy cơ trễ hạn</h2>
${tableHtml(atRisk, { limit: 100 })}
${atRisk.missing || atRisk.rows.length === 0 ? '' : downloads('at-risk', q, 'danh sách')}
</section>
${rankingHtml(data, q)}
</main>
<footer>
<p>Tiếp nhận: hồ sơ có ngày tiếp nhận trong kỳ, trừ hồ sơ chỉ đăng ký hoặc không được tiếp nhận. Giải quyết đúng hạn: hồ sơ tiếp nhận trong kỳ đã giải quyết trước hoặc đúng hạn trên tổng số đã giải quyết. Thanh toán trực tuyến: hồ sơ có phí, lệ phí đã thanh toán trực tuyến đúng số tiền. Trang không hiển thị thông tin cá nhân của người nộp hồ sơ.</p>
</footer>`;
  return page(`${PAGE_TITLE}: ${scopeName(data)}, ${data.period.label}`, body);
}

/** The local sign-in form (ADMIN_TOKEN typed once). */
export function renderSignIn(opts: { error?: string; next?: string } = {}): string {
  const next = opts.next ? `<input type="hidden" name="next" value="${esc(opts.next)}">` : '';
  return page(
    `Đăng nhập: ${PAGE_TITLE}`,
    `<main class="signin"><h1>${esc(PAGE_TITLE)}</h1>
<p>Nhập mã truy cập (ADMIN_TOKEN) để xem bảng điều hành.</p>
${opts.error ? `<p class="error" role="alert">${esc(opts.error)}</p>` : ''}
<form method="post" action="/dashboard/sign-in">
<label for="token">Mã truy cập</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
${next}
<button type="submit">Đăng nhập</button>
</form></main>`,
  );
}

/** A short page that moves on to `href` (a same-site navigation, so a SameSite=Strict cookie goes along). */
export function renderMoveOn(title: string, message: string, href: string): string {
  return page(
    title,
    `<main class="signin"><h1>${esc(title)}</h1><p>${esc(message)}</p><p><a href="${esc(href)}">Tiếp tục</a></p></main>`,
  ).replace(
    '<meta name="referrer" content="same-origin">',
    `<meta name="referrer" content="same-origin">\n<meta http-equiv="refresh" content="0;url=${esc(href)}">`,
  );
}

/** An error page (bad query, unavailable store) in the dashboard's look. */
export function renderError(title: string, message: string): string {
  return page(
    title,
    `<main class="signin"><h1>${esc(title)}</h1><p>${esc(message)}</p><p><a href="/dashboard">Về bảng điều hành</a></p></main>`,
  );
}
