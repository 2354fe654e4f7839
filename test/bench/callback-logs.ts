/**
 * Child of the cost bench (`cost.ts`): sends PayGov and VNPay callbacks of the ward stream through
 * the exported handlers (the deployed middy chains), so that the parent counts what they write to
 * stdout: a callback's log as the function writes it (its line, its metrics).
 *   tsx test/bench/callback-logs.ts <how many>   (TABLE_NAME and AWS_ENDPOINT_URL_DYNAMODB set)
 *
 * As on Lambda (`AWS_LAMBDA_FUNCTION_NAME` set, which is also what makes the metrics write their
 * lines), the secrets come from Secrets Manager: a stand-in answering `GetSecretValue` on a local
 * port holds the local secrets.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http';
import { handler as paygov } from '../../functions/handlers/paygov-confirm';
import { handler as vnpay } from '../../functions/handlers/vnpay-ipn';
import { LOCAL_SECRETS, paygovChecksum, vnpayQuery } from '../../events/generator/load';
import { generateWardStream } from '../../events/generator/ward-stream';

const SECRET_ARN = 'arn:aws:secretsmanager:ap-southeast-1:000000000000:secret:motcua-bench';

/** Answers `GetSecretValue` (AWS JSON 1.1) with the local secrets; resolves to its endpoint. */
async function secretsStandIn(): Promise<{ url: string; close: () => void }> {
  const secret = JSON.stringify({ PAYGOV_SECRET: LOCAL_SECRETS.paygov, VNPAY_HASH_SECRET: LOCAL_SECRETS.vnpay });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const ok = req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(ok ? { ARN: SECRET_ARN, Name: 'motcua-bench', SecretString: secret } : { __type: 'InvalidRequestException' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 200);
  const secrets = await secretsStandIn();
  process.env.SECRETS_ARN = SECRET_ARN;
  // Read when the handlers first need a secret, not when they load.
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
  const sample = generateWardStream()
    .messages.filter((m) => m.source === 'paygov' || m.source === 'vnpay')
    .slice(0, count);
  if (sample.length < count) throw new Error(`the ward stream has ${sample.length} callbacks, fewer than ${count}`);
  let n = 0;
  const invoke = async (h: unknown, e: HttpEvent) => {
    const out = await (h as (e: HttpEvent, c: Context) => Promise<HttpResult>)(e, {
      awsRequestId: `log-${n}`,
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context);
    if (out.statusCode !== 200) throw new Error(`callback ${n} answered ${out.statusCode}: ${out.body}`);
  };
  for (const m of sample) {
    n++;
    if (m.source === 'paygov') {
      const body = JSON.stringify({ ...m.body, MaXacThuc: paygovChecksum(m.body, LOCAL_SECRETS.paygov) });
      await invoke(paygov, {
        body,
        isBase64Encoded: false,
        headers: {},
        requestContext: { requestId: `log-${n}` },
      } as unknown as HttpEvent);
    } else if (m.source === 'vnpay') {
      await invoke(vnpay, {
        rawQueryString: vnpayQuery(m.params, LOCAL_SECRETS.vnpay),
        headers: {},
        requestContext: { requestId: `log-${n}` },
      } as unknown as HttpEvent);
    }
  }
  secrets.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
