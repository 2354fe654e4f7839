/**
 * The dashboard's charts, drawn on the server as inline SVG: no script, no font, no request. Each
 * chart is an image with a title and a description for screen readers (`role="img"`), and the page
 * puts its data table right after it. Colours come from presentation attributes and classes, never
 * `style` attributes, so the Content-Security-Policy needs no 'unsafe-inline'. Pure.
 */
import { formatVnNumber, formatVnPercent } from '../report';

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One series of a stacked bar chart. */
export interface BarSeries {
  name: string;
  /** CSS class of its bars and legend swatch (the stylesheet gives the colour). */
  className: string;
  values: number[];
}

/** A "nice" axis maximum and step for values up to `max` (1, 2 or 5 times a power of ten). */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: ticks, step: 1 };
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  // Counts: never a step below one dossier.
  const s = Math.max(1, Math.round(step));
  return { top: Math.ceil(max / s) * s, step: s };
}

const W = 720;
const H = 280;
const M = { top: 16, right: 16, bottom: 48, left: 64 };
const num = (n: number) => Number(n.toFixed(1));

/** The frame of a chart: the accessible SVG element with title and description. */
function svg(id: string, title: string, desc: string, body: string, height = H): string {
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${body}</svg>`
  );
}

/** Horizontal grid lines and their labels, for a y axis from 0 to `top`. */
function yAxis(top: number, step: number, label: (v: number) => string, plotH: number): string {
  let out = '';
  for (let v = 0; v <= top + 1e-9; v += step) {
    const y = num(M.top + plotH - (v / top) * plotH);
    out +=
      `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}"/>` +
      `<text class="tick" x="${M.left - 6}" y="${y + 4}" text-anchor="end">${esc(label(v))}</text>`;
  }
  return out;
}

/** "T3/24": a month label short enough for twelve under a chart. */
export function shortMonth(month: string): string {
  return `T${Number(month.slice(5, 7))}/${month.slice(2, 4)}`;
}

/** Month labels under the plot. */
function xLabels(months: readonly string[], x: (i: number) => number, plotH: number): string {
  return months
    .map((m, i) => `<text class="tick" x="${num(x(i))}" y="${M.top + plotH + 18}" text-anchor="middle">${esc(shortMonth(m))}</text>`)
    .join('');
}

/** A stacked bar chart over months (received by channel). */
export function stackedBars(id: string, title: string, months: readonly string[], series: readonly BarSeries[]): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const totals = months.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const { top, step } = niceScale(Math.max(0, ...totals));
  const band = plotW / Math.max(1, months.length);
  const barW = num(band * 0.62);
  const x = (i: number) => M.left + band * i + band / 2;
  let bars = '';
  months.forEach((_, i) => {
    let y = M.top + plotH;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const h = (v / top) * plotH;
      y -= h;
      bars += `<rect class="${s.className}" x="${num(x(i) - barW / 2)}" y="${num(y)}" width="${barW}" height="${num(h)}"/>`;
    }
  });
  const legend = series
    .map(
      (s, i) =>
        `<rect class="${s.className}" x="${M.left + i * 150}" y="${H - 14}" width="12" height="12"/>` +
        `<text class="tick" x="${M.left + i * 150 + 18}" y="${H - 4}">${esc(s.name)}</text>`,
    )
    .join('');
  const peak = totals.length ? Math.max(...totals) : 0;
  const desc = `Biểu đồ cột chồng theo tháng, ${months.length} tháng; cao nhất ${formatVnNumber(peak)} hồ sơ. Số liệu chi tiết ở bảng ngay sau biểu đồ.`;
  const axis = `<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}"/>`;
  return svg(id, title, desc, yAxis(top, step, formatVnNumber, plotH) + bars + axis + xLabels(months, x, plotH) + legend);
}

/** A line chart of a rate (0–100 %) over months; months without a value leave a gap. */
export function rateLine(id: string, title: string, months: readonly string[], values: readonly (number | null)[]): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const band = plotW / Math.max(1, months.length);
  const x = (i: number) => M.left + band * i + band / 2;
  const y = (v: number) => M.top + plotH - v * plotH;
  let path = '';
  let pen = false;
  let dots = '';
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${num(x(i))} ${num(y(v))}`;
    pen = true;
    dots += `<circle class="dot" cx="${num(x(i))}" cy="${num(y(v))}" r="4"/>`;
  });
  const known = values.filter((v): v is number => v !== null);
  const desc = known.length
    ? `Đường tỷ lệ theo tháng, thấp nhất ${formatVnPercent(Math.min(...known))}, cao nhất ${formatVnPercent(Math.max(...known))}. Số liệu chi tiết ở bảng ngay sau biểu đồ.`
    : 'Chưa có tháng nào có hồ sơ đã giải quyết.';
  const axis = `<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}"/>`;
  const line = path ? `<path class="line" d="${path}"/>` : '';
  return svg(id, title, desc, yAxis(1, 0.25, (v) => `${Math.round(v * 100)}%`, plotH) + axis + line + dots + xLabels(months, x, plotH));
}

/** One bar of a horizontal bar chart: a part of a maximum. */
export interface ProgressBar {
  label: string;
  value: number;
  max: number;
}

/** Horizontal bars, each its value against its own maximum (the 766 groups: score / max). */
export function progressBars(id: string, title: string, bars: readonly ProgressBar[]): string {
  const rowH = 34;
  const height = M.top + bars.length * rowH + 8;
  const left = 250;
  const plotW = W - left - 110;
  let body = '';
  bars.forEach((b, i) => {
    const y = M.top + i * rowH;
    const share = b.max > 0 ? Math.max(0, Math.min(1, b.value / b.max)) : 0;
    body +=
      `<text class="tick" x="${left - 8}" y="${y + 17}" text-anchor="end">${esc(b.label)}</text>` +
      `<rect class="track" x="${left}" y="${y + 4}" width="${plotW}" height="18"/>` +
      `<rect class="bar" x="${left}" y="${y + 4}" width="${num(plotW * share)}" height="18"/>` +
      `<text class="tick" x="${left + plotW + 8}" y="${y + 17}">${esc(`${formatVnNumber(Math.round(b.value * 100) / 100)}/${formatVnNumber(b.max)}`)}</text>`;
  });
  const desc = `Biểu đồ thanh ngang, ${bars.length} nhóm; điểm đạt so với điểm tối đa của từng nhóm. Số liệu chi tiết ở bảng ngay sau biểu đồ.`;
  return svg(id, title, desc, body, height);
}
