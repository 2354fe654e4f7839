/**
 * The working-day calendar. Runtime code imports from here; `generate-holidays.ts` (which loads
 * date-holidays) is a build-time script and is deliberately not re-exported.
 */
export {
  WORKING_MINUTES_PER_DAY,
  addWorkingDays,
  dueSoonHorizon,
  isWorkingDay,
  nextWorkingDay,
  nonWorkingReason,
  overdueWorkingDays,
  previousWorkingDay,
  workingMinutesBetween,
  type Pause,
} from './calendar';
export { LEGAL_HOLIDAYS, LEGAL_HOLIDAY_YEARS } from './holidays.generated';
export { OVERRIDES, type CalendarOverride } from './overrides';
