/**
 * `npm run scorecard -- --from 2024-01-01 --to 2024-03-31 [--ward CODE] [--format md|json|html] [--api URL] [--as-of ISO]`
 *
 * Fetches the Decision 766 scorecard (CONTRACT 7) from the running stack (`GET /reports/scorecard`)
 * and prints it in Vietnamese: groups, indicators, why-lists, the dossiers at risk and what
 * cannot be scored. The same options, defaults and exit codes as `npm run report` (0 printed,
 * 1 the API failed or could not be reached, 2 bad arguments); no `--province`: without `--ward`
 * the scorecard covers every ward.
 */
import type { Scorecard } from '../core/scorecard';
import { renderScorecard } from '../core/scorecard-render';
import { type CliIo, errorMessage, fetchApi, parseArgs, type ReportCommand } from './report';
import { runCli } from './run-cli';

/** Usage text (Vietnamese, then English). */
export const USAGE = `Bảng điểm Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)
The Decision 766 scorecard

Cách dùng / Usage:
  npm run scorecard -- --from YYYY-MM-DD --to YYYY-MM-DD [--ward MÃ_ĐƠN_VỊ] [--format md|json|html] [--api URL] [--as-of ISO]

Tham số / Options:
  --from YYYY-MM-DD   ngày tiếp nhận đầu kỳ (tính cả ngày này) / first date of receipt, inclusive
  --to YYYY-MM-DD     ngày tiếp nhận cuối kỳ (tính cả ngày này) / last date of receipt, inclusive
  --ward CODE         một phường (ví dụ 000.00.12.H57); mặc định: tất cả / one ward; default: every ward
  --format FORMAT     md (mặc định / default), json, html
  --api URL           địa chỉ API / API base URL (mặc định / default http://127.0.0.1:$PORT, PORT=3000)
  --as-of ISO         thời điểm tính / the scorecard's clock, e.g. 2024-04-15T08:00:00+07:00
  -h, --help          hướng dẫn này / this help

Biến môi trường / Environment: ADMIN_TOKEN, PORT (như / as npm run report)
`;

/** The request URL of the scorecard route. */
export function scorecardUrl(command: ReportCommand): string {
  const query = new URLSearchParams({ from: command.from, to: command.to });
  if (command.asOf) query.set('asOf', command.asOf);
  if (command.ward) query.set('ward', command.ward);
  return `${command.api}/reports/scorecard?${query.toString()}`;
}

/** Enough of the shape to render. */
function looksLikeScorecard(value: unknown): value is Scorecard {
  const c = value as Partial<Scorecard> | null;
  return (
    !!c &&
    typeof c === 'object' &&
    typeof c.period?.from === 'string' &&
    typeof c.total?.score === 'number' &&
    Array.isArray(c.groups) &&
    c.groups.every((g) => Array.isArray(g?.indicators)) &&
    Array.isArray(c.notAvailable) &&
    Array.isArray(c.forecast?.items)
  );
}

/** Runs the command; resolves to the process exit code. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), fetch: globalThis.fetch },
): Promise<number> {
  if (argv.includes('--province')) {
    io.stderr(
      'Lỗi: bảng điểm không có --province; bỏ --ward để tính tất cả các đơn vị.\nError: no --province here: leave out --ward for every ward.\n',
    );
    return 2;
  }
  const parsed = parseArgs(argv, env);
  if (parsed.kind === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.stderr(`${parsed.message}\nXem / See: npm run scorecard -- --help\n`);
    return 2;
  }
  const url = scorecardUrl(parsed.command);
  const body = await fetchApi(url, parsed.command, io);
  if (body === null) return 1;
  let card: unknown;
  try {
    card = JSON.parse(body);
  } catch {
    card = null;
  }
  if (!looksLikeScorecard(card)) {
    io.stderr(`Lỗi: ${url} không trả về bảng điểm: ${errorMessage(body)}\nError: ${url} did not answer with a scorecard.\n`);
    return 1;
  }
  io.stdout(renderScorecard(card, parsed.command.format));
  return 0;
}

if (require.main === module) runCli((argv) => main(argv), 'Lỗi / Error');
