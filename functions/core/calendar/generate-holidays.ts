/**
 * Writes `holidays.generated.ts`: Vietnam's legal public holidays (Labour Code 2019 art. 112) for
 * the years the pipeline serves, as plain data.
 *
 * Run: `npx tsx functions/core/calendar/generate-holidays.ts` (`--json` prints instead of writing).
 *
 * date-holidays bundles rules for every country (about 1.45 MB once bundled) and computes the
 * lunar dates (Tết, Hùng Kings) at run time. A Lambda needs five years of one country, so the
 * table is computed here, committed, and the Lambdas import only the generated file; this module
 * must never be imported by runtime code. `test/unit/calendar.test.ts` re-runs this script so the
 * committed table cannot drift from the library.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Holidays from 'date-holidays';
import { FIRST_YEAR, LAST_YEAR, buildLegalHolidays, renderModule, type RawHoliday } from './holiday-table';

/** The public holidays date-holidays computes for Vietnam (country VN, type `public`), as it gives them. */
export function publicHolidays(firstYear = FIRST_YEAR, lastYear = LAST_YEAR): RawHoliday[] {
  // Asking for public holidays only also skips a dozen lunar observances, the slow part.
  const hd = new Holidays('VN', { types: ['public'] });
  const all: RawHoliday[] = [];
  for (let year = firstYear; year <= lastYear; year++) all.push(...hd.getHolidays(year).filter((h) => h.type === 'public'));
  return all;
}

if (require.main === module) {
  const raw = publicHolidays();
  const table = buildLegalHolidays(raw);
  if (process.argv.includes('--json')) {
    // For the drift test: the same computation, printed instead of written.
    const firstDays = raw.map((h) => h.date.slice(0, 10));
    process.stdout.write(JSON.stringify({ table, firstDays, module: renderModule(table) }));
  } else {
    const target = join(__dirname, 'holidays.generated.ts');
    writeFileSync(target, renderModule(table));
    console.log(`wrote ${Object.keys(table).length} holidays (${FIRST_YEAR}–${LAST_YEAR}) to ${target}`);
  }
}
