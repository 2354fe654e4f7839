/**
 * The HTTP side of the handlers (API Gateway HTTP API, payload v2): JSON answers, errors mapped to
 * the contract's shape, and the middy middlewares that run before a handler touches the body.
 *
 * Like middy's http-error-handler: a client error (< 500) says what is wrong; a server error says
 * nothing the sender could use against us.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { StoreRefusedError, StoreUnavailableError } from '../core/ports';
import { ValidationError } from '../core/validation';
import { secretValues, type SecretName } from './config';
import { logger } from './logger';
import { countRejected } from './metrics';
import { verifySignature } from './signature';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpMiddleware = MiddlewareObj<HttpEvent, HttpResult, Error, Context>;

/** CONTRACT 3: a body over 5 MiB gets 413, checked before anything else. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** An error with the status and contract error code it answers with. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A JSON answer. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** The body bytes exactly as received (signatures cover bytes, not a re-encoded string). */
export function rawBody(event: HttpEvent): Buffer {
  if (event.body == null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/**
 * An error answer never grows with the request: at most MAX_DETAILS details (a ValidationError's
 * message gives the total), texts cut short. A 5 MiB body full of bad values would otherwise be
 * echoed back larger than it came (escaped twice, listed twice), past Lambda's 6 MB response
 * limit, and API Gateway would answer 500.
 */
const MAX_DETAILS = 100;
const MAX_MESSAGE = 2000;
const MAX_TEXT = 500;

const clip = (text: string, max = MAX_TEXT): string => (text.length > max ? `${text.slice(0, max)}…` : text);

function errorBody(code: string, message: string, details?: readonly { path: string; message: string }[]) {
  const shown = details?.slice(0, MAX_DETAILS).map((d) => ({ path: clip(d.path), message: clip(d.message) }));
  return { error: { code, message: clip(message, MAX_MESSAGE), ...(shown ? { details: shown } : {}) } };
}

/**
 * The error answer of CONTRACT 3 for any error a handler throws (counted as `Rejected` by its code).
 * `deliveryId` names the request in the log line of a refusal or a failure.
 */
export function errorResult(err: unknown, deliveryId?: string): HttpResult {
  if (err instanceof HttpError) {
    countRejected(err.code);
    return json(err.statusCode, errorBody(err.code, err.message, err.details));
  }
  if (err instanceof ValidationError) {
    countRejected('invalid_payload');
    return json(400, errorBody('invalid_payload', err.message, err.details));
  }
  if (err instanceof StoreRefusedError) {
    // A message the store can never take: the sender's error, never a retry (a 503 would make the
    // sender repeat it forever). Validation should have caught it first: an error for the IT staff.
    logger.error('store refused the message', { deliveryId, reason: err.message });
    countRejected('store_refused');
    return json(
      400,
      errorBody(
        'invalid_payload',
        "The message cannot be stored as it is (a value is over the store's limits); sending it again will not help.",
      ),
    );
  }
  if (err instanceof StoreUnavailableError) {
    logger.warn('store unavailable', { deliveryId, reason: err.message });
    countRejected('store_unavailable');
    return json(
      503,
      { error: { code: 'store_unavailable', message: 'The store cannot take this message now; retry later.' } },
      { 'retry-after': '5' },
    );
  }
  logger.error('unhandled error', err as Error);
  countRejected('internal');
  return json(500, { error: { code: 'internal', message: 'internal error' } });
}

/** The id a request's raw message is stored under: API Gateway's request id, else the invocation's. */
export function deliveryIdOf(event: HttpEvent | undefined, context: Context | undefined): string | undefined {
  return event?.requestContext?.requestId || context?.awsRequestId;
}

/** Maps any thrown error to the contract's JSON error answer. */
export function jsonErrors(): HttpMiddleware {
  return {
    onError: async (request) => {
      request.response = errorResult(request.error, deliveryIdOf(request.event, request.context));
    },
  };
}

/** Answers 413 for a body over `limit` bytes, before the signature is even looked at. */
export function bodyLimit(limit = MAX_BODY_BYTES): HttpMiddleware {
  return {
    before: async (request) => {
      const body = request.event.body;
      if (body == null) return;
      // Cheap upper bound first: a base64 or UTF-8 string is never shorter in bytes than this.
      const bytes = request.event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
      if (bytes > limit) throw new HttpError(413, 'payload_too_large', `The body is over ${limit} bytes.`);
    },
  };
}

/** Verifies `X-Motcua-Signature` (CONTRACT 3.1) on the raw bytes; 401 otherwise. */
export function signedWebhook(secret: SecretName, nowSeconds = () => Math.floor(Date.now() / 1000)): HttpMiddleware {
  return {
    before: async (request) => {
      const header = request.event.headers?.['x-motcua-signature'];
      const result = verifySignature(header, rawBody(request.event), await secretValues(secret), nowSeconds());
      if (!result.ok) throw new HttpError(401, 'bad_signature', `Signature rejected: ${result.reason}.`);
    },
  };
}

/** Parses the raw body as JSON; 400 `invalid_payload` naming the position when it is not. */
export function parseJsonBody(event: HttpEvent): unknown {
  try {
    return JSON.parse(rawBody(event).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'invalid_payload', 'The body is not valid JSON.', [{ path: '', message: (err as Error).message }]);
  }
}

/** Headers worth keeping with the raw message for audit (never Authorization). */
export function auditHeaders(event: HttpEvent): Record<string, string> {
  const keep = ['content-type', 'user-agent', 'x-motcua-signature', 'x-forwarded-for', 'x-request-id'];
  return Object.fromEntries(keep.flatMap((k) => (event.headers?.[k] ? [[k, String(event.headers[k])]] : [])));
}
