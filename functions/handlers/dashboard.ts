/**
 * The leaders' dashboard (CONTRACT 8), one Lambda for its routes:
 *   GET  /dashboard[?period&month&quarter&year&from&to&ward&asOf]   the page
 *   GET  /dashboard/export.csv?table=…  /dashboard/export.xlsx[?table=…]   the downloads
 *   GET  /dashboard/sign-in, POST /dashboard/sign-in, GET /dashboard/callback, POST /dashboard/sign-out
 * Browsers cannot sign SigV4, so these routes are not behind the IAM authorizer: every request
 * but sign-in must carry a valid session cookie (`dashboard-auth.ts`). Answers are
 * HTML (errors too), with the security headers of `render.ts`.
 */
import middy from '@middy/core';
import { randomUUID } from 'node:crypto';
import type { DashboardData } from '../core/dashboard/compute';
import { cachedSources } from '../core/dashboard/sources';
import { choosePeriod, PeriodError } from '../core/dashboard/period';
import { renderDashboard, renderError, renderMoveOn, renderSignIn, securityHeaders } from '../core/dashboard/render';
import { clearCookie, readCookie, SESSION_COOKIE, SESSION_SECONDS, setCookie } from '../core/dashboard/session';
import { EXPORT_TABLES, type ExportId, exportFileName, exportTable, toCsv } from '../core/dashboard/tables';
import { StoreUnavailableError } from '../core/ports';
import { normaliseIso, toVnIso, vnDate } from '../core/time';
import { isWardCode, normaliseWard } from '../core/ward';
import { type DashboardAuth, OAUTH_COOKIE, authFromEnv } from '../adapters/dashboard-auth';
import { type DashboardPorts, FactCache, loadDashboard, wardList } from '../adapters/dashboard-loader';
import { type HttpEvent, type HttpResult, rawBody } from '../adapters/http';
import { logContext, logger } from '../adapters/logger';
import { flushMetrics } from '../adapters/metrics';
import { dashboardSources, dossierStore, lazyHandler, wardNames } from '../adapters/wiring';
import { workbook } from '../adapters/xlsx';

/** The query parameters the page reads (and carries into its links). */
const PAGE_PARAMS = ['period', 'month', 'quarter', 'year', 'from', 'to', 'ward', 'asOf'] as const;

/** A query parameter the page cannot read: 400 naming it. */
class BadQuery extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** What the handler works with. */
export interface DashboardDeps {
  ports: DashboardPorts;
  auth: DashboardAuth;
  cache: FactCache;
  now?: () => number;
}

function html(statusCode: number, body: string, secure: boolean, extra: Partial<HttpResult> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'text/html; charset=utf-8', ...securityHeaders(secure), ...(extra.headers as Record<string, string>) },
    body,
    ...(extra.cookies ? { cookies: extra.cookies } : {}),
  };
}

function redirect(location: string, secure: boolean, cookies?: string[]): HttpResult {
  return {
    statusCode: 303,
    headers: { location, 'content-type': 'text/html; charset=utf-8', ...securityHeaders(secure) },
    body: '',
    ...(cookies ? { cookies } : {}),
  };
}

/** A `next` target that stays on the dashboard (never another site: `//host` or a scheme). */
function safeNext(next: string | undefined): string {
  return next && /^\/dashboard(?:[/?]|$)/.test(next) && !next.startsWith('//') && !/[\r\n\\]/.test(next) ? next : '/dashboard';
}

/** POSTs from another origin are refused (the cookie is SameSite=Strict too; this covers sign-in). */
function sameOrigin(event: HttpEvent): boolean {
  const origin = event.headers?.origin;
  if (!origin || origin === 'null') return origin !== 'null';
  try {
    return new URL(origin).host === (event.headers?.host ?? event.requestContext?.domainName);
  } catch {
    return false;
  }
}

function form(event: HttpEvent): URLSearchParams {
  return new URLSearchParams(rawBody(event).toString('utf8').slice(0, 10_000));
}

/** The page's clock, period and ward from the query; throws BadQuery naming the field. */
function pageQuery(event: HttpEvent, nowMs: number) {
  const params: Record<string, string | undefined> = {};
  for (const k of PAGE_PARAMS) {
    const v = event.queryStringParameters?.[k];
    if (v !== undefined && v !== '') params[k] = v.slice(0, 100);
  }
  let asOf = toVnIso(nowMs);
  if (params.asOf !== undefined) {
    const given = normaliseIso(params.asOf);
    if (!given) throw new BadQuery('asOf', 'expected an ISO 8601 instant with an offset, e.g. 2024-04-15T08:00:00+07:00');
    asOf = given;
  }
  if (params.ward !== undefined && !isWardCode(params.ward)) throw new BadQuery('ward', 'expected an agency code, e.g. 000.00.12.H57');
  try {
    const choice = choosePeriod(params, vnDate(asOf));
    return { params, asOf, choice, ward: params.ward === undefined ? undefined : normaliseWard(params.ward) };
  } catch (err) {
    if (err instanceof PeriodError) throw new BadQuery(err.field, err.message);
    throw err;
  }
}

/** The query string that reproduces a page (its period and ward, at its clock), for its downloads. */
function reproduce(params: Record<string, string | undefined>, data: DashboardData): string {
  const q = new URLSearchParams();
  for (const k of PAGE_PARAMS) if (k !== 'asOf' && k !== 'ward' && params[k] !== undefined) q.set(k, params[k]!);
  if (data.ward) q.set('ward', data.ward);
  q.set('asOf', data.asOf);
  return q.toString().replace(/&/g, '&amp;');
}

/** The handler's logic, given its ports, sign-in and clock. */
export function dashboard(deps: DashboardDeps) {
  const { auth, cache, ports } = deps;
  const now = deps.now ?? Date.now;
  const secure = auth.secure;

  async function load(event: HttpEvent) {
    const { params, asOf, choice, ward } = pageQuery(event, now());
    const wards = await wardList(ports);
    let scope: string | null = ward ?? null;
    if (scope !== null && !wards.some((w) => w.code === scope)) {
      throw new BadQuery('ward', `no dossier of ward ${scope} has been received: check the agency code`, 404);
    }
    // A deployment of one ward shows that ward (per field) unless the province is asked for.
    if (ward === undefined && wards.length === 1) scope = wards[0].code;
    const started = Date.now();
    const data = await loadDashboard(ports, cache, { choice, asOf, ward: scope, wards });
    logger.info('dashboard', {
      route: event.routeKey,
      ward: scope ?? 'province',
      from: choice.current.from,
      to: choice.current.to,
      ms: Date.now() - started,
    });
    return { params, data };
  }

  async function session(event: HttpEvent): Promise<string | null> {
    return auth.verify(readCookie(event.cookies, event.headers?.cookie, SESSION_COOKIE), now());
  }

  const routes: Record<string, (event: HttpEvent) => Promise<HttpResult>> = {
    'GET /dashboard/sign-in': async (event) => {
      const next = safeNext(event.queryStringParameters?.next);
      if (auth.kind === 'cognito') {
        const { cookie, location } = auth.startSignIn();
        return redirect(location, secure, [setCookie(OAUTH_COOKIE, cookie, { maxAgeSeconds: 600, secure, sameSite: 'Lax' })]);
      }
      return html(200, renderSignIn({ next }), secure);
    },

    'POST /dashboard/sign-in': async (event) => {
      if (auth.kind !== 'token') return html(404, renderError('Không tìm thấy', 'Đăng nhập bằng tài khoản của tỉnh.'), secure);
      if (!sameOrigin(event)) return html(403, renderError('Không được phép', 'Yêu cầu không đến từ trang của hệ thống.'), secure);
      const body = form(event);
      const next = safeNext(body.get('next') ?? undefined);
      if (!auth.checkToken(body.get('token') ?? '')) {
        logger.warn('dashboard sign-in refused');
        return html(401, renderSignIn({ error: 'Mã truy cập không đúng.', next }), secure);
      }
      logger.info('dashboard sign-in');
      return redirect(next, secure, [setCookie(SESSION_COOKIE, auth.newSession(now()), { maxAgeSeconds: SESSION_SECONDS, secure })]);
    },

    'GET /dashboard/callback': async (event) => {
      if (auth.kind !== 'cognito')
        return html(404, renderError('Không tìm thấy', 'Trang này chỉ dùng khi đăng nhập bằng tài khoản của tỉnh.'), secure);
      const q = event.queryStringParameters ?? {};
      const kept = readCookie(event.cookies, event.headers?.cookie, OAUTH_COOKIE);
      const done = await auth.finishSignIn(q.code ?? '', q.state ?? '', kept, now());
      const clearOauth = clearCookie(OAUTH_COOKIE, secure, 'Lax');
      if (!done) {
        logger.warn('dashboard sign-in refused (callback)');
        return html(
          401,
          renderError('Đăng nhập không thành công', 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.'),
          secure,
          {
            cookies: [clearOauth],
          },
        );
      }
      logger.info('dashboard sign-in');
      // A page, not a redirect: the navigation from Cognito is cross-site, and a SameSite=Strict
      // cookie is sent only on the same-site navigation this page starts.
      return html(200, renderMoveOn('Đã đăng nhập', 'Đang mở bảng điều hành…', '/dashboard'), secure, {
        cookies: [setCookie(SESSION_COOKIE, done.token, { maxAgeSeconds: done.maxAge, secure }), clearOauth],
      });
    },

    'POST /dashboard/sign-out': async () => {
      const cookies = [clearCookie(SESSION_COOKIE, secure)];
      if (auth.kind === 'cognito') {
        return html(200, renderMoveOn('Đã đăng xuất', 'Đang kết thúc phiên đăng nhập…', auth.logoutUrl()), secure, { cookies });
      }
      return redirect('/dashboard/sign-in', secure, cookies);
    },

    'GET /dashboard': async (event) => {
      const { params, data } = await load(event);
      return html(200, renderDashboard(data, { query: reproduce(params, data), params, today: vnDate(data.asOf) }), secure);
    },

    'GET /dashboard/export.csv': async (event) => {
      const id = tableParam(event, true) as ExportId;
      const { data } = await load(event);
      return {
        statusCode: 200,
        headers: {
          ...securityHeaders(secure),
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${exportFileName(data, id, 'csv')}"`,
        },
        body: toCsv(exportTable(data, id)),
      };
    },

    'GET /dashboard/export.xlsx': async (event) => {
      const id = tableParam(event, false);
      const { data } = await load(event);
      const tables = (id ? [id] : EXPORT_TABLES.filter((t) => t !== 'ranking' || data.ranking)).map((t) => exportTable(data, t));
      const bytes = await workbook(tables);
      return {
        statusCode: 200,
        headers: {
          ...securityHeaders(secure),
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': `attachment; filename="${exportFileName(data, id ?? 'all', 'xlsx')}"`,
        },
        body: bytes.toString('base64'),
        isBase64Encoded: true,
      };
    },
  };

  const open = new Set(['GET /dashboard/sign-in', 'POST /dashboard/sign-in', 'GET /dashboard/callback', 'POST /dashboard/sign-out']);

  return async (event: HttpEvent): Promise<HttpResult> => {
    const key = event.routeKey ?? `${event.requestContext?.http?.method} ${event.rawPath}`;
    const route = routes[key];
    if (!route) return html(404, renderError('Không tìm thấy', 'Không có trang này.'), secure);
    try {
      if (!open.has(key) && !(await session(event))) {
        const next = `${event.rawPath ?? '/dashboard'}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
        return redirect(`/dashboard/sign-in?next=${encodeURIComponent(safeNext(next))}`, secure);
      }
      return await route(event);
    } catch (err) {
      if (err instanceof BadQuery) {
        const title = err.status === 404 ? 'Không tìm thấy đơn vị' : 'Tham số không hợp lệ';
        return html(err.status, renderError(title, `${err.field}: ${err.message}`), secure);
      }
      if (err instanceof StoreUnavailableError) {
        logger.warn('store unavailable', { reason: err.message });
        return html(
          503,
          renderError('Tạm thời không đọc được số liệu', 'Kho dữ liệu chưa trả lời; vui lòng thử lại sau ít phút.'),
          secure,
          {
            headers: { 'retry-after': '5' },
          },
        );
      }
      const ref = randomUUID().slice(0, 8);
      logger.error('dashboard failed', { ref, error: err as Error });
      return html(500, renderError('Đã có lỗi', `Không hiển thị được trang (mã lỗi ${ref}).`), secure);
    }
  };
}

/** The `table` parameter of an export: one of EXPORT_TABLES (required for CSV). */
function tableParam(event: HttpEvent, required: boolean): ExportId | undefined {
  const t = event.queryStringParameters?.table;
  if (t === undefined || t === '') {
    if (required) throw new BadQuery('table', `required: one of ${EXPORT_TABLES.join(', ')}`);
    return undefined;
  }
  if (!(EXPORT_TABLES as readonly string[]).includes(t)) throw new BadQuery('table', `expected one of ${EXPORT_TABLES.join(', ')}`);
  return t as ExportId;
}

/** How long the facts of a ward-month are kept in memory (DASHBOARD_CACHE_S, default 300 s). */
function cacheSeconds(): number {
  const raw = process.env.DASHBOARD_CACHE_S;
  const n = raw === undefined || raw === '' ? 300 : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : 300;
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .handler(
    lazyHandler(() =>
      dashboard({
        ports: {
          store: dossierStore(),
          wardNames,
          sources: cachedSources(dashboardSources(), cacheSeconds() * 1000),
          onSourceError: (source, error) => logger.warn('dashboard source failed', { source, reason: (error as Error)?.message }),
        },
        auth: authFromEnv(),
        cache: new FactCache(cacheSeconds() * 1000),
      }),
    ),
  );
