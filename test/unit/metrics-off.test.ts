/**
 * Off Lambda (tests, benches, the local stack) the handlers write no EMF line by default: stdout of
 * the local stack carries only its startup lines, and a test run is not flooded. On Lambda
 * (AWS_LAMBDA_FUNCTION_NAME, set by the runtime) metrics are on.
 */
import type { Context } from 'aws-lambda';
import { lambdaContext, localEnvironment, postEvent } from './fuzz-support';

type Handler = (event: unknown, context: Context) => Promise<{ statusCode: number }>;

describe('metrics off Lambda', () => {
  it('writes nothing for a counted request when POWERTOOLS_METRICS_DISABLED is unset', async () => {
    // Prepare: a fresh metrics.ts, loaded with the variable unset and not on Lambda
    const saved = process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const restore = localEnvironment();
    let handler!: Handler;
    jest.isolateModules(() => {
      handler = jest.requireActual('../../functions/handlers/portal-webhook').handler;
    });
    const written: string[] = [];
    const spies = [process.stdout, process.stderr].map((s) =>
      jest.spyOn(s, 'write').mockImplementation((chunk: unknown) => {
        written.push(String(chunk));
        return true;
      }),
    );

    // Act
    let status: number;
    let flag: string | undefined;
    try {
      ({ statusCode: status } = await handler(postEvent('/webhooks/portal', '{}'), lambdaContext));
      flag = process.env.POWERTOOLS_METRICS_DISABLED;
    } finally {
      for (const spy of spies) spy.mockRestore();
      restore();
      if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = saved;
    }

    // Assess
    expect(status).toBe(401); // counted as Rejected, had metrics been on
    expect(flag).toBe('true'); // metrics.ts's default off Lambda
    expect(written.join('')).not.toContain('"_aws"');
  });
});
