/**
 * The HTTP API of the local stack: what API Gateway (HTTP API, payload format 2.0) does on AWS.
 * It matches `ROUTES`, plays the authorizer of the `admin` routes (bearer token), turns the
 * request into an `APIGatewayProxyEventV2`, calls the route's handler and writes its result.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

import type { RouteSpec } from '../routes';
import { lambdaContext, type LambdaHandler, TIMEOUT_MS } from './lambda';
import { errorFields, type Log } from './log';

/** API Gateway's own payload limit; the handlers enforce the contract's 5 MiB themselves. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';

export interface HttpApiOptions {
  routes: readonly RouteSpec[];
  /** Handlers by name (`RouteSpec.handler`). */
  handlers: ReadonlyMap<string, LambdaHandler>;
  /** Bearer token of the `admin` routes. */
  adminToken: string;
  log: Log;
  maxBodyBytes?: number;
}

interface CompiledRoute {
  spec: RouteSpec;
  routeKey: string;
  /** Literal segments as strings, path parameters as `{ param }`. */
  segments: Array<string | { param: string }>;
}

export type RouteMatch =
  | { kind: 'route'; route: CompiledRoute; pathParameters: Record<string, string> }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' }
  | { kind: 'bad-path' };

/** Compiles route templates such as `/dossiers/{MaHoSo}`. */
export function compileRoutes(routes: readonly RouteSpec[]): CompiledRoute[] {
  return routes.map((spec) => ({
    spec,
    routeKey: `${spec.method} ${spec.path}`,
    segments: spec.path
      .split('/')
      .slice(1)
      .map((s) => (/^\{\w+\}$/.test(s) ? { param: s.slice(1, -1) } : s)),
  }));
}

/** Finds the route of `method` + `rawPath`; path parameters come back percent-decoded. */
export function matchRoute(routes: CompiledRoute[], method: string, rawPath: string): RouteMatch {
  let parts: string[];
  try {
    parts = rawPath.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return { kind: 'bad-path' };
  }
  const allowed: string[] = [];
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = route.segments.every((seg, i) => {
      if (typeof seg === 'string') return seg === parts[i];
      params[seg.param] = parts[i];
      return parts[i].length > 0;
    });
    if (!fits) continue;
    if (route.spec.method === method) return { kind: 'route', route, pathParameters: params };
    allowed.push(route.spec.method);
  }
  return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function hasBearer(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  if (!m) return false;
  // Equal-length digests, so the comparison time says nothing about the token.
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}

/** The payload-2.0 event of a request whose body has been read. */
export function buildHttpEvent(
  req: http.IncomingMessage,
  body: Buffer,
  route: { routeKey: string; pathParameters: Record<string, string> },
  requestId: string,
  now: Date = new Date(),
): APIGatewayProxyEventV2 {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQueryString = q < 0 ? '' : url.slice(q + 1);
  const sourceIp = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    // API Gateway joins repeated headers with commas.
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');

  // Values decoded as application/x-www-form-urlencoded (`+` is a space), repeats joined with
  // commas, as API Gateway does; `rawQueryString` keeps the bytes as sent (VNPay signs those).
  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString) {
    queryStringParameters = {};
    for (const [k, v] of new URLSearchParams(rawQueryString)) {
      queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
    }
  }

  const text = body.length > 0 ? utf8(body) : undefined;
  const method = req.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127').split('.')[0],
      http: { method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(route.pathParameters).length > 0 ? { pathParameters: route.pathParameters } : {}),
    ...(body.length > 0
      ? text !== undefined
        ? { body: text, isBase64Encoded: false }
        : { body: body.toString('base64'), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  };
}

/** A handler's result as status, headers and bytes, by API Gateway's payload-2.0 rules. */
export function toHttpResponse(result: unknown): { statusCode: number; headers: Record<string, string>; cookies: string[]; body: Buffer } {
  // A result without `statusCode` is the body itself: 200, JSON.
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    const body = result === undefined ? '' : typeof result === 'string' ? result : JSON.stringify(result);
    return { statusCode: 200, headers: { 'content-type': JSON_TYPE }, cookies: [], body: Buffer.from(body, 'utf8') };
  }
  const r = result as APIGatewayProxyStructuredResultV2;
  const statusCode = r.statusCode;
  if (!Number.isInteger(statusCode) || statusCode! < 100 || statusCode! > 599) {
    throw new Error(`handler returned an invalid statusCode: ${String(statusCode)}`);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  headers['content-type'] ??= JSON_TYPE;
  const raw = r.body ?? '';
  const body = r.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return { statusCode: statusCode!, headers, cookies: r.cookies ?? [], body };
}

/** Creates (does not start) the HTTP server of the API. */
export function createHttpApi(opts: HttpApiOptions): http.Server {
  const routes = compileRoutes(opts.routes);
  const limit = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  for (const r of opts.routes) {
    if (!opts.handlers.has(r.handler)) throw new Error(`no handler loaded for route ${r.method} ${r.path} (${r.handler})`);
  }

  return http.createServer((req, res) => {
    const started = Date.now();
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const rawPath = (req.url ?? '/').split('?')[0];
    let routeKey = '-';
    res.setHeader('apigw-requestid', requestId);
    res.on('finish', () =>
      opts.log.info('request', { requestId, method, path: rawPath, route: routeKey, status: res.statusCode, ms: Date.now() - started }),
    );

    const match = matchRoute(routes, method, rawPath);
    if (match.kind === 'bad-path') return sendError(res, 400, 'bad_request', 'malformed percent-encoding in the path');
    if (match.kind === 'none') return sendError(res, 404, 'not_found', `no route for ${method} ${rawPath}`);
    if (match.kind === 'method') {
      res.setHeader('allow', match.allowed.join(', '));
      return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${rawPath}`);
    }
    const { route, pathParameters } = match;
    routeKey = route.routeKey;

    if (route.spec.auth === 'admin' && !hasBearer(req.headers.authorization, opts.adminToken)) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'a valid bearer token is required');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return tooLarge(res, limit);

    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    req.on('data', (chunk: Buffer) => {
      if (rejected) return; // discard the rest: Node drains it so the connection stays usable
      size += chunk.length;
      if (size > limit) {
        rejected = true;
        chunks.length = 0;
        return tooLarge(res, limit);
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => opts.log.warn('request aborted', { requestId, ...errorFields(err) }));
    req.on('end', () => {
      if (rejected) return;
      const event = buildHttpEvent(req, Buffer.concat(chunks), { routeKey, pathParameters }, requestId, new Date(started));
      void invoke(opts.handlers.get(route.spec.handler)!, route.spec.handler, event, requestId).then((out) => {
        if (!out.ok) {
          opts.log.error('handler failed', { requestId, route: routeKey, handler: route.spec.handler, ...errorFields(out.error) });
          return sendError(res, 500, 'internal', 'internal error');
        }
        for (const [k, v] of Object.entries(out.response.headers)) res.setHeader(k, v);
        if (out.response.cookies.length > 0) res.setHeader('set-cookie', out.response.cookies);
        res.setHeader('content-length', out.response.body.length);
        res.writeHead(out.response.statusCode);
        res.end(out.response.body);
      });
    });
  });
}

async function invoke(
  handler: LambdaHandler,
  name: string,
  event: APIGatewayProxyEventV2,
  requestId: string,
): Promise<{ ok: true; response: ReturnType<typeof toHttpResponse> } | { ok: false; error: unknown }> {
  try {
    const result = await handler(event, lambdaContext(name, TIMEOUT_MS.http, requestId));
    return { ok: true, response: toHttpResponse(result) };
  } catch (error) {
    return { ok: false, error };
  }
}

function tooLarge(res: http.ServerResponse, limit: number): void {
  sendError(res, 413, 'payload_too_large', `the body exceeds ${limit} bytes`);
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  const body = Buffer.from(JSON.stringify({ error: { code, message } }), 'utf8');
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': body.length });
  res.end(body);
}

/** The body as text when it is valid UTF-8, else undefined (sent base64 then). */
function utf8(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's `requestContext.time`. */
function clfTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
