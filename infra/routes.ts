/**
 * The HTTP routes, in one place: the CDK stack and the local stack both wire exactly these.
 * `handler` names the file `functions/handlers/<handler>.ts`, which exports `handler`.
 * `auth`: `signed` (HMAC header, CONTRACT 3.1), `platform` (the platform's own checksum, 3.3/3.4),
 * `admin` (bearer token locally, an authorizer on AWS), `session` (the dashboard: browsers cannot
 * sign SigV4, so no authorizer; the handler verifies its own session cookie on every request).
 */
export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  handler: string;
  auth: 'signed' | 'platform' | 'admin' | 'session';
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'POST', path: '/webhooks/portal', handler: 'portal-webhook', auth: 'signed' },
  { method: 'POST', path: '/payments/paygov/confirm', handler: 'paygov-confirm', auth: 'platform' },
  { method: 'GET', path: '/payments/vnpay/ipn', handler: 'vnpay-ipn', auth: 'platform' },
  { method: 'POST', path: '/notifications/postal', handler: 'postal-notification', auth: 'signed' },
  { method: 'POST', path: '/webhooks/feedback', handler: 'feedback-webhook', auth: 'signed' },
  { method: 'GET', path: '/dossiers/{MaHoSo}', handler: 'get-dossier', auth: 'admin' },
  { method: 'GET', path: '/feedback/{MaPhanAnh}', handler: 'get-feedback', auth: 'admin' },
  { method: 'GET', path: '/reports/supervision', handler: 'supervision-report', auth: 'admin' },
  // Each ward's report and the province's total: the same Lambda, told apart by its route key.
  { method: 'GET', path: '/reports/province', handler: 'supervision-report', auth: 'admin' },
  { method: 'GET', path: '/reports/scorecard', handler: 'scorecard-report', auth: 'admin' },
  { method: 'POST', path: '/admin/overdue-scan', handler: 'overdue-scan', auth: 'admin' },
  // The leaders' dashboard (CONTRACT 8): one Lambda; sign-in is the only part answered without a
  // session.
  { method: 'GET', path: '/dashboard', handler: 'dashboard', auth: 'session' },
  { method: 'GET', path: '/dashboard/export.csv', handler: 'dashboard', auth: 'session' },
  { method: 'GET', path: '/dashboard/export.xlsx', handler: 'dashboard', auth: 'session' },
  { method: 'GET', path: '/dashboard/sign-in', handler: 'dashboard', auth: 'session' },
  { method: 'POST', path: '/dashboard/sign-in', handler: 'dashboard', auth: 'session' },
  { method: 'GET', path: '/dashboard/callback', handler: 'dashboard', auth: 'session' },
  { method: 'POST', path: '/dashboard/sign-out', handler: 'dashboard', auth: 'session' },
];

/** Lambdas that no HTTP route calls: the queue consumer and the scheduled jobs. */
export const BACKGROUND = {
  notifier: 'alert-notifier', // SQS event source: the alert queue
  scheduledScan: 'overdue-scan', // EventBridge every 15 min (same handler, scheduled event)
  digest: 'daily-digest', // EventBridge 07:30 Asia/Ho_Chi_Minh
} as const;
