/**
 * Sends one sample message to the pipeline the way its real sender would, signed with the local
 * secrets (CONTRACT 2, 3):
 *
 *   npm run send -- events/<dir>/<file>.json [--api URL]
 *
 * The folder picks the route: `portal`, `postal` and `feedback` are POSTed as they are in the file,
 * signed with `X-Motcua-Signature`; `paygov` gets its `MaXacThuc` filled in; `vnpay` holds the IPN
 * parameters (no hash), sent as VNPay sends them, a GET with `vnp_SecureHash`. Prints the HTTP
 * status and the JSON answer; exits 1 on a non-2xx answer or when the API is unreachable, 2 on a
 * usage error. Node built-ins only (fetch), so it runs wherever `npm run send` does.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { paygovChecksum } from '../../functions/adapters/paygov';
import { signBody } from '../../functions/adapters/signature';
import { vnpaySign, type VnpayParams } from '../../functions/adapters/vnpay';

const SECRETS = {
  portal: process.env.PORTAL_SECRET || 'local-portal-secret',
  postal: process.env.POSTAL_SECRET || 'local-postal-secret',
  feedback: process.env.FEEDBACK_SECRET || 'local-feedback-secret',
  paygov: process.env.PAYGOV_SECRET || 'local-paygov-secret',
  vnpay: process.env.VNPAY_HASH_SECRET || 'local-vnpay-secret',
};

/** A request ready to send: everything but the API's base URL. */
interface Outgoing {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): { file: string; api: string } {
  let file: string | undefined;
  let api = `http://127.0.0.1:${process.env.PORT || 3000}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--api') {
      const value = argv[++i];
      if (!value) throw new UsageError('--api needs a URL');
      api = value;
    } else if (arg.startsWith('--api=')) {
      api = arg.slice('--api='.length);
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`one sample file at a time (got ${file} and ${arg})`);
    }
  }
  if (!file) throw new UsageError('which sample? e.g. npm run send -- events/postal/collected.json');
  return { file, api: api.replace(/\/+$/, '') };
}

function asObject(json: unknown, file: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`${file} does not hold a JSON object`);
  }
  return json as Record<string, unknown>;
}

/** Builds the request the sample's sender would make; the folder name says who that is. */
function buildRequest(file: string, raw: Buffer, nowSeconds: number): Outgoing {
  const source = basename(dirname(resolve(file)));
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };
  switch (source) {
    case 'portal':
    case 'postal':
    case 'feedback': {
      // The file's bytes go out untouched: the signature covers exactly what is sent.
      const path = { portal: '/webhooks/portal', postal: '/notifications/postal', feedback: '/webhooks/feedback' }[source];
      const signature = signBody(SECRETS[source], raw, nowSeconds);
      return { method: 'POST', path, headers: { ...jsonHeaders, 'x-motcua-signature': signature }, body: raw };
    }
    case 'paygov': {
      const message = asObject(json, file);
      const body = JSON.stringify({ ...message, MaXacThuc: paygovChecksum(message, SECRETS.paygov) });
      return { method: 'POST', path: '/payments/paygov/confirm', headers: jsonHeaders, body };
    }
    case 'vnpay': {
      const params = asObject(json, file) as VnpayParams;
      return { method: 'GET', path: `/payments/vnpay/ipn?${vnpaySign(params, SECRETS.vnpay)}`, headers: {} };
    }
    default:
      throw new UsageError(`no route for samples in "${source}/" (expected portal, postal, feedback, paygov or vnpay)`);
  }
}

async function main(): Promise<number> {
  const { file, api } = parseArgs(process.argv.slice(2));
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const request = buildRequest(file, raw, Math.floor(Date.now() / 1000));
  const url = `${api}${request.path}`;
  console.log(`${request.method} ${url}`);
  let response: Response;
  try {
    response = await fetch(url, { method: request.method, headers: request.headers, body: request.body });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    console.error(`cannot reach ${api}: ${cause} (is \`npm start\` running?)`);
    return 1;
  }
  const text = await response.text();
  console.log(`HTTP ${response.status}`);
  try {
    console.log(JSON.stringify(JSON.parse(text), null, 2));
  } catch {
    console.log(text);
  }
  return response.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof UsageError ? `send: ${err.message}` : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
