/**
 * `npm run report -- --from 2023-01-01 --to 2024-03-31 [--format md|json|html] [--api URL] [--as-of ISO] [--ward CODE | --province]`
 *
 * Fetches the supervision report (CONTRACT 5) from the running stack (`GET /reports/supervision`)
 * and prints it in Vietnamese as the council's notice writes figures. Node built-ins only, so it
 * runs anywhere the repo is checked out.
 *
 * Exit codes: 0 printed, 1 the API failed or could not be reached, 2 bad arguments.
 */
import {
  REPORT_FORMATS,
  isIsoDate,
  renderProvinceReport,
  renderReport,
  type ProvinceReport,
  type ReportFormat,
  type SupervisionReport,
} from '../core/report';
import { isWardCode, normaliseWard } from '../core/ward';
import { instantMs } from '../core/time';
import { runCli } from './run-cli';

/** Everything the command needs to run, after validation. */
export interface ReportCommand {
  from: string;
  to: string;
  format: ReportFormat;
  /** Base URL of the HTTP API, without a trailing slash. */
  api: string;
  /** The report's clock as given (ISO 8601 with an offset), or null for the server's real time. */
  asOf: string | null;
  token: string;
  /** One ward's report (its agency code), or null for every ward. */
  ward: string | null;
  /** The province report: every ward and the total (`GET /reports/province`). */
  province: boolean;
}

/** The outcome of reading the command line. */
export type ParsedArgs = { kind: 'run'; command: ReportCommand } | { kind: 'help' } | { kind: 'error'; message: string };

/** Usage text (Vietnamese, then English), printed for `--help` and after an argument error. */
export const USAGE = `Báo cáo giám sát tiếp nhận và giải quyết thủ tục hành chính (Bộ phận Một cửa)
Supervision report of the one-stop desk

Cách dùng / Usage:
  npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--format md|json|html] [--api URL] [--as-of ISO]
                    [--ward MÃ_ĐƠN_VỊ | --province]

Tham số / Options:
  --from YYYY-MM-DD   ngày tiếp nhận đầu kỳ (giờ Việt Nam, tính cả ngày này) / first date of receipt, inclusive
  --to YYYY-MM-DD     ngày tiếp nhận cuối kỳ (tính cả ngày này) / last date of receipt, inclusive
  --format FORMAT     md (mặc định / default), json, html
  --api URL           địa chỉ API / API base URL (mặc định / default http://127.0.0.1:$PORT, PORT=3000)
  --as-of ISO         thời điểm tính quá hạn / the report's clock, e.g. 2024-03-31T17:00:00+07:00
                      (mặc định: giờ hiện tại của máy chủ / default: the server's real time)
  --ward CODE         chỉ một phường (mã đơn vị đầu mã hồ sơ, ví dụ 000.00.12.H57) / one ward only (its agency code)
  --province          báo cáo toàn tỉnh: từng phường và tổng cộng / the province: every ward and the total
  -h, --help          hướng dẫn này / this help

Biến môi trường / Environment:
  ADMIN_TOKEN         mã truy cập / bearer token (mặc định / default local-admin-token)
  PORT                cổng API cục bộ / local API port (mặc định / default 3000)

Ví dụ / Example:
  npm run report -- --from 2023-01-01 --to 2024-03-31 --format html > bao-cao.html
`;

const DEFAULT_TOKEN = 'local-admin-token';
const DEFAULT_PORT = '3000';
const REQUEST_TIMEOUT_MS = 120_000;
const FLAGS = ['--from', '--to', '--format', '--api', '--as-of', '--ward'] as const;
type Flag = (typeof FLAGS)[number];

/** One error, in both languages, naming what is wrong; the caller adds the usage hint. */
function bilingual(vi: string, en: string): { kind: 'error'; message: string } {
  return { kind: 'error', message: `Lỗi: ${vi}\nError: ${en}` };
}

function isFlag(value: string): value is Flag {
  return (FLAGS as readonly string[]).includes(value);
}

/** Reads and validates the command line (the arguments after the script name). */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): ParsedArgs {
  const given = new Map<Flag, string>();
  let province = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--province') {
      province = true;
      continue;
    }
    // `--from=2023-01-01` as well as `--from 2023-01-01`: both are common habits.
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!isFlag(name)) {
      return arg.startsWith('-')
        ? bilingual(`tham số không được hỗ trợ: ${name}`, `unknown option: ${name}`)
        : bilingual(`đối số thừa: ${JSON.stringify(arg)}`, `unexpected argument: ${JSON.stringify(arg)}`);
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      // A following flag means the value was forgotten, not that the flag is the value.
      if (value === undefined || (value.startsWith('--') && value.length > 2)) {
        return bilingual(`thiếu giá trị cho ${name}`, `missing value for ${name}`);
      }
      i++;
    }
    if (value === '') return bilingual(`thiếu giá trị cho ${name}`, `missing value for ${name}`);
    if (given.has(name)) return bilingual(`${name} được nhập hai lần`, `${name} given more than once`);
    given.set(name, value);
  }

  const from = given.get('--from');
  const to = given.get('--to');
  if (from === undefined) return bilingual('thiếu tham số bắt buộc --from', 'missing required option --from');
  if (to === undefined) return bilingual('thiếu tham số bắt buộc --to', 'missing required option --to');
  for (const [flag, value] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (!isIsoDate(value)) {
      return bilingual(
        `${flag} không hợp lệ: ${JSON.stringify(value)}, cần một ngày dạng YYYY-MM-DD (ví dụ 2023-01-01)`,
        `invalid ${flag}: ${JSON.stringify(value)}, expected a date YYYY-MM-DD (e.g. 2023-01-01)`,
      );
    }
  }
  if (from > to) {
    return bilingual(`--from (${from}) phải không muộn hơn --to (${to})`, `--from (${from}) must not be after --to (${to})`);
  }

  const format = given.get('--format') ?? 'md';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    return bilingual(
      `--format không hợp lệ: ${JSON.stringify(format)}, chọn một trong ${REPORT_FORMATS.join(', ')}`,
      `invalid --format: ${JSON.stringify(format)}, expected one of ${REPORT_FORMATS.join(', ')}`,
    );
  }

  const asOf = given.get('--as-of') ?? null;
  if (asOf !== null && Number.isNaN(instantMs(asOf))) {
    return bilingual(
      `--as-of không hợp lệ: ${JSON.stringify(asOf)}, cần thời điểm ISO 8601 có múi giờ (ví dụ 2024-03-31T17:00:00+07:00)`,
      `invalid --as-of: ${JSON.stringify(asOf)}, expected an ISO 8601 instant with an offset (e.g. 2024-03-31T17:00:00+07:00)`,
    );
  }

  const ward = given.get('--ward') ?? null;
  if (ward !== null && !isWardCode(ward)) {
    return bilingual(
      `--ward không hợp lệ: ${JSON.stringify(ward)}, cần mã đơn vị (ví dụ 000.00.12.H57)`,
      `invalid --ward: ${JSON.stringify(ward)}, expected an agency code (e.g. 000.00.12.H57)`,
    );
  }
  if (ward !== null && province) return bilingual('chỉ dùng một trong --ward và --province', 'give --ward or --province, not both');

  let api = given.get('--api');
  if (api === undefined) {
    const port = env.PORT || DEFAULT_PORT;
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      return bilingual(
        `biến môi trường PORT không hợp lệ: ${JSON.stringify(port)}; dùng --api URL`,
        `invalid PORT environment variable: ${JSON.stringify(port)}; pass --api URL`,
      );
    }
    api = `http://127.0.0.1:${port}`;
  } else {
    let url: URL | null = null;
    try {
      url = new URL(api);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
      return bilingual(
        `--api không hợp lệ: ${JSON.stringify(api)}, cần địa chỉ http(s)://… (ví dụ http://127.0.0.1:3000)`,
        `invalid --api: ${JSON.stringify(api)}, expected an http(s):// base URL (e.g. http://127.0.0.1:3000)`,
      );
    }
  }

  return {
    kind: 'run',
    command: {
      from,
      to,
      format: format as ReportFormat,
      // Keep any path prefix (an API Gateway stage), so join rather than resolve against it.
      api: api.replace(/\/+$/, ''),
      asOf,
      token: env.ADMIN_TOKEN || DEFAULT_TOKEN,
      ward: ward === null ? null : normaliseWard(ward),
      province,
    },
  };
}

/** The request URL of the report route for a validated command. */
export function reportUrl(command: ReportCommand): string {
  const query = new URLSearchParams({ from: command.from, to: command.to });
  if (command.asOf) query.set('asOf', command.asOf);
  if (command.ward) query.set('ward', command.ward);
  return `${command.api}/reports/${command.province ? 'province' : 'supervision'}?${query.toString()}`;
}

/** Where the command writes and how it reaches the API; tests pass fakes. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  fetch: typeof fetch;
}

/** The network error code buried in a fetch failure (undici nests it in `cause`, or in `errors`). */
function networkCode(error: unknown): string | null {
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 10; seen++) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    if (cause) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return null;
}

/** The API's own error message (`{"error":{"message"}}`), else the start of the body. */
export function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown }; message?: unknown };
    const message = parsed.error?.message ?? parsed.message;
    const code = parsed.error?.code;
    if (typeof message === 'string') return typeof code === 'string' ? `${code}: ${message}` : message;
  } catch {
    // Not JSON: a proxy or a crash page; show what came back.
  }
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > 500 ? `${text.slice(0, 500)}…` : text || '(empty body)';
}

/**
 * GETs `url` with the command's token; the body on a 2xx, else null after saying why on stderr
 * (in both languages: the stack is not running, a timeout, the API's own error message).
 */
export async function fetchApi(url: string, command: Pick<ReportCommand, 'api' | 'token'>, io: CliIo): Promise<string | null> {
  let response: Response;
  try {
    response = await io.fetch(url, {
      headers: { authorization: `Bearer ${command.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const code = networkCode(error);
    if (code === 'ECONNREFUSED') {
      io.stderr(
        `Lỗi: không kết nối được tới ${command.api} (ECONNREFUSED). Hãy chạy hệ thống cục bộ bằng \`npm start\`, hoặc chỉ định --api URL.\n` +
          `Error: cannot connect to ${command.api} (connection refused). Start the local stack with \`npm start\`, or pass --api URL.\n`,
      );
    } else if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      io.stderr(
        `Lỗi: ${command.api} không trả lời sau ${REQUEST_TIMEOUT_MS / 1000} giây.\n` +
          `Error: ${command.api} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.\n`,
      );
    } else {
      const detail = `${error instanceof Error ? error.message : String(error)}${code ? ` (${code})` : ''}`;
      io.stderr(`Lỗi: không gọi được ${url}: ${detail}\nError: request to ${url} failed: ${detail}\n`);
    }
    return null;
  }

  const body = await response.text();
  if (!response.ok) {
    const hint = response.status === 401 || response.status === 403 ? '\nKiểm tra ADMIN_TOKEN / Check ADMIN_TOKEN.' : '';
    io.stderr(`Lỗi / Error: HTTP ${response.status} ${response.statusText}: ${errorMessage(body)}${hint}\n`);
    return null;
  }
  return body;
}

/** Enough of the shape to render without crashing on something that is not the report. */
function looksLikeReport(value: unknown): value is SupervisionReport {
  const r = value as Partial<SupervisionReport> | null;
  return (
    !!r &&
    typeof r === 'object' &&
    typeof r.period?.from === 'string' &&
    typeof r.received?.byChannel === 'object' &&
    typeof r.payments?.dossiersWithFees === 'number' &&
    typeof r.processing?.finishedLate === 'number' &&
    Array.isArray(r.byField)
  );
}

/** Runs the command; resolves to the process exit code. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    fetch: globalThis.fetch,
  },
): Promise<number> {
  const parsed = parseArgs(argv, env);
  if (parsed.kind === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.stderr(`${parsed.message}\nXem / See: npm run report -- --help\n`);
    return 2;
  }
  const { command } = parsed;
  const url = reportUrl(command);
  const body = await fetchApi(url, command, io);
  if (body === null) return 1;

  let report: unknown;
  try {
    report = JSON.parse(body);
  } catch {
    report = null;
  }
  if (command.province) {
    const p = report as Partial<ProvinceReport> | null;
    if (!p || !looksLikeReport(p.total) || !Array.isArray(p.wards) || !p.wards.every((w) => looksLikeReport(w?.report))) {
      io.stderr(
        `Lỗi: ${url} không trả về báo cáo toàn tỉnh: ${errorMessage(body)}\nError: ${url} did not answer with a province report.\n`,
      );
      return 1;
    }
    io.stdout(renderProvinceReport(p as ProvinceReport, command.format));
    return 0;
  }
  if (!looksLikeReport(report)) {
    io.stderr(
      `Lỗi: ${url} không trả về báo cáo giám sát: ${errorMessage(body)}\n` + `Error: ${url} did not answer with a supervision report.\n`,
    );
    return 1;
  }
  io.stdout(renderReport(report, command.format, command.asOf ? { asOf: command.asOf } : {}));
  return 0;
}

if (require.main === module) runCli((argv) => main(argv), 'Lỗi / Error');
