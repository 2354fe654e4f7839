/**
 * The dashboard's tables as data: the statistics table and the lists, each with its columns, so
 * the page, the CSV and the Excel workbook show the same cells. Pure.
 *
 * CSV (RFC 4180): UTF-8 with a byte order mark (Excel then reads the Vietnamese headers right),
 * CRLF line ends, numbers without thousands separators, rates as percents with one decimal and a
 * dot ("75.5"), dates `dd/MM/yyyy HH:mm` (Vietnam time). The statistics table's merged headers
 * ("Tiếp nhận", "Đã giải quyết", "Đang giải quyết") become prefixes ("Tiếp nhận: trong kỳ").
 */
import { formatVnDateTime } from '../alert-email';
import { scrubIdentifiers } from '../mask';
import { formatVnNumber, formatVnPercent } from '../report';
import type { DashboardData, StatRow } from './compute';
import type { Sourced } from './sources';

/** The tables that download. */
export const EXPORT_TABLES = ['summary', 'statistics', 'trend', 'overdue', 'overdue-feedback', 'at-risk', 'ranking', 'scorecard'] as const;
/** One of `EXPORT_TABLES`. */
export type ExportId = (typeof EXPORT_TABLES)[number];

/** A cell: text, a number (a count, or a ratio in [0, 1] for rate columns), or empty. */
export type CellValue = string | number | null;

/** How a column's numbers read. */
export type ColumnKind = 'text' | 'int' | 'rate' | 'decimal';

/** A column, under a merged group header when `group` is set. */
export interface ExportColumn {
  header: string;
  kind: ColumnKind;
  group?: string;
}

/** A table as the page, the CSV and the workbook show it. */
export interface ExportTable {
  id: ExportId;
  title: string;
  /** Worksheet name (Excel allows 31 characters). */
  sheet: string;
  columns: ExportColumn[];
  rows: CellValue[][];
  /** A total row, when the table has one. */
  foot?: CellValue[];
  /** Null when the table's data is there; else why not ("Chưa có dữ liệu …"). */
  missing: string | null;
}

const NO_DATA = 'Chưa có dữ liệu';

const when = (iso: string | null | undefined): string => (iso ? formatVnDateTime(iso) : '');
/** Free text a desk officer typed (a procedure, field or unit name) may hold a phone or ID number: masked. */
const text = (value: string | null | undefined): string => (value ? scrubIdentifiers(value) : '');

function statCells(r: StatRow, first: CellValue[]): CellValue[] {
  return [...first, r.total, r.carried, r.inPeriod, r.early, r.onTime, r.late, r.onTimeRate, r.openOnTime, r.openOverdue];
}

/** The columns of the statistics table after its first ones (the merged groups officials use). */
export const STAT_COLUMNS: ExportColumn[] = [
  { group: 'Tiếp nhận', header: 'Tổng số', kind: 'int' },
  { group: 'Tiếp nhận', header: 'Kỳ trước chuyển sang', kind: 'int' },
  { group: 'Tiếp nhận', header: 'Trong kỳ', kind: 'int' },
  { group: 'Đã giải quyết', header: 'Trước hạn', kind: 'int' },
  { group: 'Đã giải quyết', header: 'Đúng hạn', kind: 'int' },
  { group: 'Đã giải quyết', header: 'Quá hạn', kind: 'int' },
  { group: 'Đã giải quyết', header: 'Tỷ lệ đúng hạn', kind: 'rate' },
  { group: 'Đang giải quyết', header: 'Trong hạn', kind: 'int' },
  { group: 'Đang giải quyết', header: 'Quá hạn', kind: 'int' },
];

function missingOf<T>(s: Sourced<T>, what: string): string | null {
  if (s.state === 'none') return `${NO_DATA} ${what}.`;
  if (s.state === 'failed') return `Không đọc được ${what} lúc này; vui lòng thử lại sau.`;
  return null;
}

/** The table `id` of the page's data. */
export function exportTable(data: DashboardData, id: ExportId): ExportTable {
  switch (id) {
    case 'summary': {
      // Rates as percents with one decimal (75.5), so one numeric column serves counts and rates.
      const shown = (v: number | null, kind: 'count' | 'rate') => (v === null ? null : kind === 'rate' ? percent(v) : v);
      const rows: CellValue[][] = data.cards.map((c) => [
        c.label,
        shown(c.value, c.kind),
        shown(c.previous, c.kind),
        c.kind === 'rate' ? '%' : 'hồ sơ',
        c.detail,
      ]);
      const now = data.report.payments;
      const before = data.previousReport.payments;
      rows.push(
        ['Hồ sơ có phí, lệ phí', now.dossiersWithFees, before.dossiersWithFees, 'hồ sơ', ''],
        ['Hồ sơ đã thanh toán trực tuyến', now.paidOnline, before.paidOnline, 'hồ sơ', ''],
        ['Số tiền thanh toán trực tuyến', now.amountVnd, before.amountVnd, 'đồng', ''],
      );
      return {
        id,
        title: `Chỉ số chính, ${data.period.label} (so với ${data.previous.label})`,
        sheet: 'Chỉ số chính',
        columns: [
          { header: 'Chỉ số', kind: 'text' },
          { header: 'Kỳ này', kind: 'decimal' },
          { header: 'Kỳ trước', kind: 'decimal' },
          { header: 'Đơn vị tính', kind: 'text' },
          { header: 'Ghi chú', kind: 'text' },
        ],
        rows,
        missing: null,
      };
    }
    case 'statistics': {
      const byField = data.statistics.rowsAre === 'field';
      return {
        id,
        title: `Tình hình tiếp nhận và giải quyết hồ sơ ${byField ? 'theo lĩnh vực' : 'theo đơn vị'}, ${data.period.label}`,
        sheet: 'Thống kê',
        columns: [
          { header: byField ? 'Mã lĩnh vực' : 'Mã đơn vị', kind: 'text' },
          { header: byField ? 'Lĩnh vực' : 'Đơn vị', kind: 'text' },
          ...STAT_COLUMNS,
        ],
        rows: data.statistics.rows.map((r) => statCells(r, [r.code, text(r.name)])),
        foot: statCells(data.statistics.total, ['', 'Tổng cộng']),
        missing: null,
      };
    }
    case 'trend':
      return {
        id,
        title: 'Xu hướng 12 tháng: hồ sơ tiếp nhận theo kênh và tỷ lệ giải quyết đúng hạn',
        sheet: 'Xu hướng 12 tháng',
        columns: [
          { header: 'Tháng', kind: 'text' },
          { header: 'Trực tiếp', kind: 'int' },
          { header: 'Trực tuyến', kind: 'int' },
          { header: 'Bưu chính công ích', kind: 'int' },
          { header: 'Tổng số', kind: 'int' },
          { header: 'Đã giải quyết', kind: 'int' },
          { header: 'Tỷ lệ đúng hạn', kind: 'rate' },
        ],
        rows: data.trend.map((t) => [t.label, t.direct, t.online, t.postal, t.total, t.finished, t.onTimeRate]),
        missing: null,
      };
    case 'overdue':
      return {
        id,
        title: 'Hồ sơ quá hạn hiện tại',
        sheet: 'Hồ sơ quá hạn',
        columns: [
          { header: 'Mã hồ sơ', kind: 'text' },
          { header: 'Thủ tục', kind: 'text' },
          { header: 'Lĩnh vực', kind: 'text' },
          { header: 'Ngày tiếp nhận', kind: 'text' },
          { header: 'Hạn trả', kind: 'text' },
          { header: 'Số ngày làm việc quá hạn', kind: 'int' },
          { header: 'Đơn vị xử lý', kind: 'text' },
        ],
        rows: data.overdueNow.map((d) => [
          d.code,
          text(d.procedureName),
          text(d.fieldName),
          when(d.receivedAt),
          when(d.dueAt),
          Math.max(1, d.workingDaysOverdue),
          text(d.unit),
        ]),
        missing: null,
      };
    case 'overdue-feedback': {
      const items = data.overdueFeedback.state === 'ok' ? data.overdueFeedback.value : [];
      return {
        id,
        title: 'Phản ánh, kiến nghị quá hạn',
        sheet: 'Phản ánh quá hạn',
        columns: [
          { header: 'Mã phản ánh', kind: 'text' },
          { header: 'Nguồn', kind: 'text' },
          { header: 'Đơn vị', kind: 'text' },
          { header: 'Ngày tiếp nhận', kind: 'text' },
          { header: 'Hạn xử lý', kind: 'text' },
          { header: 'Số ngày làm việc quá hạn', kind: 'int' },
          { header: 'Mã hồ sơ liên quan', kind: 'text' },
        ],
        rows: items.map((f) => [
          f.MaPhanAnh,
          f.source,
          f.ward,
          when(f.receivedAt),
          when(f.dueAt),
          Math.max(1, f.workingDaysOverdue),
          f.MaHoSo ?? '',
        ]),
        missing: missingOf(data.overdueFeedback, 'về phản ánh, kiến nghị quá hạn'),
      };
    }
    case 'at-risk': {
      const items = data.atRisk.state === 'ok' ? data.atRisk.value : [];
      return {
        id,
        title: 'Hồ sơ có nguy cơ trễ hạn',
        sheet: 'Nguy cơ trễ hạn',
        columns: [
          { header: 'Mã hồ sơ', kind: 'text' },
          { header: 'Thủ tục', kind: 'text' },
          { header: 'Mã lĩnh vực', kind: 'text' },
          { header: 'Hạn trả', kind: 'text' },
          { header: 'Giờ làm việc đã dùng', kind: 'decimal' },
          { header: 'Giờ làm việc còn lại', kind: 'decimal' },
          { header: 'Thời gian dự báo (P90, giờ)', kind: 'decimal' },
          { header: 'Đơn vị xử lý', kind: 'text' },
        ],
        rows: items.map((r) => [
          r.MaHoSo,
          text(r.TenTTHC),
          r.MaLinhVuc ?? '',
          when(r.dueAt),
          r.spentWorkingHours,
          r.leftWorkingHours,
          r.p90WorkingHours,
          text(r.unit),
        ]),
        missing: missingOf(data.atRisk, 'dự báo hồ sơ có nguy cơ trễ hạn'),
      };
    }
    case 'ranking': {
      const rows = data.ranking?.rows ?? [];
      return {
        id,
        title:
          data.ranking?.rankedBy === 'score' ? 'Xếp hạng đơn vị theo điểm Chỉ số 766' : 'Xếp hạng đơn vị theo tỷ lệ giải quyết đúng hạn',
        sheet: 'Xếp hạng đơn vị',
        columns: [
          { header: 'Hạng', kind: 'int' },
          { header: 'Mã đơn vị', kind: 'text' },
          { header: 'Đơn vị', kind: 'text' },
          { header: 'Điểm 766', kind: 'decimal' },
          { header: 'Điểm tối đa', kind: 'decimal' },
          { header: 'Hồ sơ tiếp nhận trong kỳ', kind: 'int' },
          { header: 'Tỷ lệ đúng hạn', kind: 'rate' },
          { header: 'Đang quá hạn', kind: 'int' },
        ],
        rows: rows.map((r, i) => [i + 1, r.ward, text(r.name), r.score, r.max, r.received, r.onTimeRate, r.openOverdue]),
        missing: data.ranking ? null : 'Xếp hạng chỉ có ở trang toàn tỉnh.',
      };
    }
    case 'scorecard': {
      const rows: CellValue[][] = [];
      if (data.scorecard.state === 'ok') {
        for (const g of data.scorecard.value.groups) {
          rows.push([g.code, g.name, null, null, null, g.max, g.score]);
          for (const i of g.indicators) rows.push([i.code, text(i.name), i.numerator, i.denominator, i.ratio, i.max, i.score]);
        }
      }
      return {
        id,
        title: 'Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)',
        sheet: 'Chỉ số 766',
        columns: [
          { header: 'Mã', kind: 'text' },
          { header: 'Nhóm, chỉ tiêu', kind: 'text' },
          { header: 'Tử số', kind: 'int' },
          { header: 'Mẫu số', kind: 'int' },
          { header: 'Tỷ lệ', kind: 'rate' },
          { header: 'Điểm tối đa', kind: 'decimal' },
          { header: 'Điểm đạt', kind: 'decimal' },
        ],
        rows,
        foot:
          data.scorecard.state === 'ok'
            ? ['', 'Tổng điểm', null, null, null, data.scorecard.value.total.max, data.scorecard.value.total.score]
            : undefined,
        missing: missingOf(data.scorecard, 'Chỉ số 766'),
      };
    }
    default: {
      const never: never = id;
      throw new RangeError(`unknown table: ${String(never)}`);
    }
  }
}

/** A ratio as a percent with one decimal (0.7554 → 75.5), rounded as people round. */
export function percent(ratio: number): number {
  return Math.round(ratio * 1000 + 1e-7) / 10;
}

/** The header a flat file shows for a column: its group as a prefix. */
export function flatHeader(c: ExportColumn): string {
  const unit = c.kind === 'rate' ? ' (%)' : '';
  return c.group ? `${c.group}: ${c.header}${unit}` : `${c.header}${unit}`;
}

/** A cell as the CSV writes it. */
function csvValue(v: CellValue, kind: ColumnKind): string {
  if (v === null) return '';
  if (typeof v === 'number') {
    if (kind === 'rate') return percent(v).toFixed(1);
    return String(Math.round(v * 100) / 100);
  }
  return v;
}

function csvField(text: string): string {
  // Formula injection: a cell starting with = + - @ would run in Excel; a quote-prefixed apostrophe keeps it text.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The table as CSV: BOM, CRLF, a header row, the rows, the total row. */
export function toCsv(table: ExportTable): string {
  const line = (cells: string[]) => cells.map(csvField).join(',');
  const rows = [...table.rows, ...(table.foot ? [table.foot] : [])];
  const lines = [line(table.columns.map(flatHeader)), ...rows.map((r) => line(r.map((v, i) => csvValue(v, table.columns[i].kind))))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** A cell as the page shows it ("11.701", "75,5%", "—" when empty). */
export function displayValue(v: CellValue, kind: ColumnKind): string {
  if (v === null || v === '') return kind === 'text' ? '' : '—';
  if (typeof v === 'string') return v;
  if (kind === 'rate') return formatVnPercent(v);
  return formatVnNumber(Math.round(v * 100) / 100);
}

/** The file name of a download: `motcua-<table>-<from>-<to>[-<ward>].<ext>`. */
export function exportFileName(data: DashboardData, id: ExportId | 'all', ext: 'csv' | 'xlsx'): string {
  const ward = data.ward ? `-${data.ward.replace(/[^A-Za-z0-9]+/g, '')}` : '';
  return `motcua-${id}-${data.period.from}-${data.period.to}${ward}.${ext}`;
}
