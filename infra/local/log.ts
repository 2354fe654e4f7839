/**
 * The local stack's own log: one JSON line per event on stderr, so stdout carries only the
 * startup lines (URLs, then `ready`) that scripts and the e2e harness read (main.ts sends the
 * handlers' own log lines to stderr as well).
 * Callers pass facts (route, status, duration, ids), never headers, bodies or settings: those may
 * hold a secret, a bearer token or a citizen's ID number.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** An error as loggable fields (name, message, stack), for stderr only: never sent to a client. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { error: { name: err.name, message: err.message, stack: err.stack } };
  return { error: { message: String(err) } };
}

/** A JSON-lines logger on stderr; `level` (or LOG_LEVEL) drops the chattier lines. */
export function createLog(component = 'local', level: LogLevel = readLevel()): Log {
  const min = ORDER[level];
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const line = { time: new Date().toISOString(), level: lvl, component, msg, ...fields };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

function readLevel(): LogLevel {
  const v = (process.env.LOG_LEVEL ?? '').toLowerCase();
  return v in ORDER ? (v as LogLevel) : 'info';
}
