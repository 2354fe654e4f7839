/**
 * The one structured logger (Powertools: JSON lines with the service name and, inside a handler,
 * the request id). Log dossier codes, counts and reasons; never a record, a body or a secret:
 * those carry citizens' ID numbers and phones.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'motcua',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});

/** True until the first invocation of this execution environment has begun. */
let coldStart = true;

/**
 * Middy middleware, first in every handler's chain: every line of the invocation carries the
 * request id and cold start (function_request_id, cold_start) and, for an HTTP request, `deliveryId`
 * (the API Gateway request id, the id the raw message is stored under); the keys are dropped when
 * the invocation ends, answered or failed.
 *
 * What Powertools' `injectLambdaContext` does, less two things: its sampling refresh puts the log
 * level back to the initial one at every invocation (undoing `setLogLevel`), and it may log the
 * whole event (POWERTOOLS_LOGGER_LOG_EVENT), which holds citizens' ID numbers. The keys are per process: right on Lambda (one invocation at a time
 * per execution environment). On the local stack every function shares one process, so a line
 * written while another invocation runs may carry that one's function_* fields (or lose
 * `deliveryId` when it ends first): the handlers' own lines name their `deliveryId` and dossier
 * explicitly for that reason.
 */
export function logContext<E = unknown, R = unknown>(): MiddlewareObj<E, R, Error, Context> {
  const reset = async () => {
    logger.resetKeys();
  };
  return {
    before: async (request) => {
      // The request id and whether the environment is new, not Powertools' whole context: the
      // function's name, ARN and memory are the log group's, and repeating them on every line is
      // a third of what a callback's log costs.
      if (request.context) logger.appendKeys({ function_request_id: request.context.awsRequestId, cold_start: coldStart });
      coldStart = false;
      // As the handlers name it: the request id, else (an event without one) the invocation's.
      const http = (request.event as { requestContext?: { requestId?: unknown } } | null)?.requestContext;
      if (http && typeof http === 'object') {
        const deliveryId = typeof http.requestId === 'string' && http.requestId ? http.requestId : request.context?.awsRequestId;
        if (deliveryId) logger.appendKeys({ deliveryId });
      }
    },
    after: reset,
    onError: reset,
  };
}
