/**
 * Settings of the local stack, read once from the environment and the command line, with the
 * defaults of CONTRACT section 2. Paths are resolved against the working directory (`npm start`
 * runs at the repository root).
 */
import os from 'node:os';
import path from 'node:path';

import type { SecretName } from '../../functions/adapters/config';

export interface LocalSettings {
  /** HTTP API port; 0 lets the OS pick (tests). */
  port: number;
  sesPort: number;
  dynamoPort: number;
  sqsPort: number;
  /** Absolute path of the data directory. */
  dataDir: string;
  /** `--fresh`: wipe `dataDir` before starting. */
  fresh: boolean;
  /** Seconds between overdue scans; 0 = no timer and no scan at start. */
  scanIntervalS: number;
  /** The daily digest at 07:30 Vietnam time (`DIGEST=off` disables it). */
  digest: boolean;
  adminToken: string;
  /** Absolute path of the recipients JSON. */
  recipientsFile: string;
  alertSender: string;
  secrets: Record<SecretName, string>;
  /** The dashboard's public base URL (emails link to it); default `http://127.0.0.1:<PORT>`. */
  dashboardUrl: string | null;
  /** Key of the dashboard's session cookies; a random one per start when unset (a restart signs out). */
  sessionSecret: string | null;
  /** Seconds the dashboard keeps a ward-month's figures in memory (DASHBOARD_CACHE_S, default 300). */
  dashboardCacheS: number;
  /**
   * Threads the HTTP functions run in (HANDLER_THREADS), as Lambda runs concurrent invocations in
   * environments of their own; 0 runs them in the main thread. Default: one core less than the
   * machine has (dynalite, in its own process, takes about a core under load), 1 to 4.
   */
  handlerThreads: number;
  /** Close the stack when stdin ends (`LIFELINE=stdin`): a test runner that dies takes it along. */
  stdinLifeline: boolean;
}

/** Host every listener binds: the local stack is for this machine only. */
export const HOST = '127.0.0.1';
export const REGION = 'ap-southeast-1';
export const TABLE_NAME = 'motcua-local';
export const ALERT_QUEUE = 'motcua-alerts';
export const ALERT_DLQ = 'motcua-alerts-dlq';

const SECRET_DEFAULTS: Record<SecretName, string> = {
  PORTAL_SECRET: 'local-portal-secret',
  POSTAL_SECRET: 'local-postal-secret',
  FEEDBACK_SECRET: 'local-feedback-secret',
  PAYGOV_SECRET: 'local-paygov-secret',
  VNPAY_HASH_SECRET: 'local-vnpay-secret',
};

/** Reads the settings; throws one error listing every invalid value. */
export function readSettings(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): LocalSettings {
  const problems: string[] = [];
  const port = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) problems.push(`${name} must be a port number (0-65535), got "${raw}"`);
    return n;
  };
  const unknownArgs = argv.filter((a) => a !== '--fresh');
  if (unknownArgs.length > 0) problems.push(`unknown argument(s): ${unknownArgs.join(' ')} (only --fresh is known)`);

  const rawInterval = env.SCAN_INTERVAL_S ?? '';
  const scanIntervalS = rawInterval === '' ? 60 : Number(rawInterval);
  if (!Number.isFinite(scanIntervalS) || scanIntervalS < 0) {
    problems.push(`SCAN_INTERVAL_S must be a number of seconds >= 0, got "${rawInterval}"`);
  }
  const rawCache = env.DASHBOARD_CACHE_S ?? '';
  const dashboardCacheS = rawCache === '' ? 300 : Number(rawCache);
  if (!Number.isFinite(dashboardCacheS) || dashboardCacheS < 0) {
    problems.push(`DASHBOARD_CACHE_S must be a number of seconds >= 0, got "${rawCache}"`);
  }
  const dashboardUrl = env.DASHBOARD_URL || null;
  if (dashboardUrl !== null && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(dashboardUrl)) {
    problems.push(`DASHBOARD_URL must be an http(s) base URL, got "${dashboardUrl}"`);
  }
  const rawThreads = env.HANDLER_THREADS ?? '';
  const handlerThreads = rawThreads === '' ? Math.max(1, Math.min(4, os.availableParallelism() - 1)) : Number(rawThreads);
  if (!Number.isInteger(handlerThreads) || handlerThreads < 0 || handlerThreads > 64) {
    problems.push(`HANDLER_THREADS must be a whole number from 0 to 64, got "${rawThreads}"`);
  }
  const rawDigest = (env.DIGEST ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(rawDigest)) problems.push(`DIGEST must be on or off, got "${env.DIGEST}"`);

  const settings: LocalSettings = {
    port: port('PORT', 3000),
    sesPort: port('SES_PORT', 8005),
    dynamoPort: port('DYNAMODB_PORT', 8000),
    sqsPort: port('SQS_PORT', 9324),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    fresh: argv.includes('--fresh'),
    scanIntervalS,
    digest: ['on', 'true', '1'].includes(rawDigest),
    adminToken: env.ADMIN_TOKEN || 'local-admin-token',
    recipientsFile: path.resolve(env.RECIPIENTS_FILE || 'config/recipients.local.json'),
    alertSender: env.ALERT_SENDER || 'motcua@binhan.local',
    secrets: Object.fromEntries((Object.keys(SECRET_DEFAULTS) as SecretName[]).map((k) => [k, env[k] || SECRET_DEFAULTS[k]])) as Record<
      SecretName,
      string
    >,
    stdinLifeline: env.LIFELINE === 'stdin',
    dashboardUrl,
    sessionSecret: env.SESSION_SECRET || null,
    dashboardCacheS,
    handlerThreads,
  };
  if (problems.length > 0) throw new Error(`invalid settings:\n  ${problems.join('\n  ')}`);
  return settings;
}
