/**
 * functions/adapters/env-credentials.ts, the bundles' stand-in for the SDK's default credential
 * chain: a real DynamoDB client given it as its default provider (as the esbuild alias does) signs
 * with the environment's credentials, and without them fails before sending, naming the variables.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultProvider } from '../../functions/adapters/env-credentials';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));

/** A DynamoDB endpoint that records the headers of each request and lists no tables. */
let server: Server;
let endpoint: string;
const received: IncomingHttpHeaders[] = [];

function client(): DynamoDBClient {
  // As in a bundle: no `credentials`, the runtime config's default provider is the shim.
  return new DynamoDBClient({ region: 'ap-southeast-1', endpoint, maxAttempts: 1, credentialDefaultProvider: defaultProvider });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.headers);
    req.resume().on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  received.length = 0;
  for (const v of VARS) delete process.env[v];
});
afterAll(async () => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
  await new Promise((resolve) => server.close(resolve));
});

describe('env-credentials defaultProvider', () => {
  it('gives the environment credentials, session token included, as Lambda sets them', async () => {
    // Prepare
    process.env.AWS_ACCESS_KEY_ID = 'ASIAENVKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_SESSION_TOKEN = 'env-session';

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAENVKEY', secretAccessKey: 'env-secret', sessionToken: 'env-session' });
  });

  it('signs a real client request with them', async () => {
    // Prepare
    process.env.AWS_ACCESS_KEY_ID = 'ASIAENVKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_SESSION_TOKEN = 'env-session';
    const dynamo = client();

    // Act
    const out = await dynamo.send(new ListTablesCommand({})).finally(() => dynamo.destroy());

    // Assess
    expect(out.TableNames).toEqual([]);
    expect(received).toHaveLength(1);
    expect(received[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAENVKEY\/\d{8}\/ap-southeast-1\/dynamodb\/aws4_request/);
    expect(received[0]['x-amz-security-token']).toBe('env-session');
  });

  it.each([
    ['no variables', {}],
    ['a key id without its secret', { AWS_ACCESS_KEY_ID: 'ASIAENVKEY' }],
    ['a profile instead (not read by a bundle)', { AWS_PROFILE: 'motcua' }],
  ])('fails before sending, naming the variables, given %s', async (_what, vars: Record<string, string>) => {
    // Prepare
    Object.assign(process.env, vars);
    const dynamo = client();

    // Act
    const sent = dynamo.send(new ListTablesCommand({})).finally(() => dynamo.destroy());

    // Assess
    await expect(sent).rejects.toThrow('no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    expect(received).toEqual([]);
  });
});
