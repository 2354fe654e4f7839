/**
 * GET /feedback/{MaPhanAnh} (CONTRACT 4): a feedback item's state, its deadline and standing, the
 * citizen's words and data masked (`core/feedback-view.ts`). Authorisation happens in front (IAM
 * authorizer on AWS, bearer token on the local stack). A malformed id is answered 404, as an
 * unknown one: no item can have it.
 */
import middy from '@middy/core';
import { isFeedbackId } from '../core/feedback';
import { toFeedbackView } from '../core/feedback-view';
import type { FeedbackStore } from '../core/ports';
import { toVnIso } from '../core/time';
import { HttpError, json, jsonErrors, type HttpEvent, type HttpResult } from '../adapters/http';
import { logContext } from '../adapters/logger';
import { flushMetrics } from '../adapters/metrics';
import { feedbackStore, lazyHandler } from '../adapters/wiring';

/** Path parameters may arrive still percent-encoded (depends on the proxy); a lone `%` stays. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The handler's logic, given its store and clock. */
export function getFeedback(store: Pick<FeedbackStore, 'getFeedback'>, now = () => Date.now()) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const id = safeDecode(event.pathParameters?.MaPhanAnh ?? '').trim();
    // Checked before the store is asked: a key it could never hold is no outage and no item.
    const found = isFeedbackId(id) ? await store.getFeedback(id) : null;
    if (!found) throw new HttpError(404, 'not_found', 'No such feedback item.');
    return json(200, toFeedbackView(found, toVnIso(now())));
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(logContext())
  .use(flushMetrics())
  .use(jsonErrors())
  .handler(lazyHandler(() => getFeedback(feedbackStore())));
