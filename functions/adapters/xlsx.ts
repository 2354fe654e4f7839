/**
 * The dashboard's tables as an Excel workbook (.xlsx), written with `write-excel-file` (its only
 * dependency is fflate; see the README for why this library): one worksheet per table, the
 * statistics table with its merged group headers as on the page, frozen header rows, numbers as
 * numbers (rates as ratios shown "0.0%"), a title row above each table.
 */
import writeXlsxFile, { type Cell, type Row, type Sheet } from 'write-excel-file/node';
import type { ExportTable } from '../core/dashboard/tables';

const HEADER = { fontWeight: 'bold', align: 'center', alignVertical: 'center', wrap: true, backgroundColor: '#E4EBF2' } as const;

/** One worksheet: the title, the header row(s), the rows, the total row. */
function sheetOf(table: ExportTable): Sheet<Buffer> {
  const width = table.columns.length;
  const title: Row = [{ value: table.title, fontWeight: 'bold', columnSpan: width }, ...Array<Cell>(width - 1).fill(null)];
  const grouped = table.columns.some((c) => c.group);
  const head: Row[] = [];
  if (grouped) {
    // Two rows, as on the page: a group's name across its columns, a plain column across both rows.
    const top: Row = [];
    const bottom: Row = [];
    table.columns.forEach((c, i) => {
      if (!c.group) {
        top.push({ ...HEADER, value: c.header, rowSpan: 2 });
        bottom.push(null);
        return;
      }
      const first = i === 0 || table.columns[i - 1].group !== c.group;
      const span = table.columns.slice(i).findIndex((d) => d.group !== c.group);
      top.push(first ? { ...HEADER, value: c.group, columnSpan: span < 0 ? width - i : span } : null);
      bottom.push({ ...HEADER, value: c.header });
    });
    head.push(top, bottom);
  } else {
    head.push(table.columns.map((c) => ({ ...HEADER, value: c.header })));
  }
  const cell = (v: string | number | null, i: number, bold = false): Cell => {
    if (v === null || v === '') return null;
    const kind = table.columns[i].kind;
    if (typeof v === 'number') {
      return {
        value: v,
        type: Number,
        format: kind === 'rate' ? '0.0%' : kind === 'int' ? '#,##0' : '#,##0.##',
        ...(bold ? { fontWeight: 'bold' } : {}),
      };
    }
    return { value: v, type: String, ...(bold ? { fontWeight: 'bold' } : {}) };
  };
  const rows: Row[] = table.rows.map((r) => r.map((v, i) => cell(v, i)));
  if (table.foot) rows.push(table.foot.map((v, i) => cell(v, i, true)));
  if (table.missing) rows.push([{ value: table.missing, columnSpan: width }, ...Array<Cell>(width - 1).fill(null)]);
  return {
    data: [title, ...head, ...rows],
    sheet: table.sheet.slice(0, 31),
    stickyRowsCount: 1 + head.length,
    columns: table.columns.map((c) => ({ width: c.kind === 'text' ? 28 : 14 })),
  };
}

/** The workbook of `tables`, one worksheet each. */
export async function workbook(tables: readonly ExportTable[]): Promise<Buffer> {
  return writeXlsxFile(tables.map(sheetOf), { fontFamily: 'Arial', fontSize: 11 }).toBuffer();
}
