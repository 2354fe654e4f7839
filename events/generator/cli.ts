/**
 * Loads the ward's generated stream into a running stack, or dumps it:
 *
 *   npx tsx events/generator/cli.ts [--api http://127.0.0.1:3000] [--seed N] [--concurrency 4]
 *   npx tsx events/generator/cli.ts --dump stream.jsonl [--seed N]
 *
 * Secrets come from PORTAL_SECRET, POSTAL_SECRET, PAYGOV_SECRET, VNPAY_HASH_SECRET (local defaults
 * otherwise). Afterwards `npm run report -- --from 2023-01-01 --to 2024-03-31` should read the
 * notice's figures, which this command prints first.
 */
import { writeFileSync } from 'node:fs';
import { loadStream, LOCAL_SECRETS } from './load';
import { DEFAULT_SEED, generateWardStream, type PeriodFigures } from './ward-stream';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const line = (label: string, f: PeriodFigures): string =>
  `${label}: received ${f.received.total} (online ${f.received.byChannel.online}, direct ${f.received.byChannel.direct}, postal ${f.received.byChannel.postal}); ` +
  `fees ${f.payments.paidOnline}/${f.payments.dossiersWithFees} paid online, ${f.payments.amountVnd} VND; ` +
  `feedback ${f.feedback.received} received, ${f.feedback.answered} answered (${f.feedback.answeredOnTime} on time), ${f.feedback.aboutConduct} about conduct`;

async function main(): Promise<void> {
  const seed = Number(arg('seed') ?? DEFAULT_SEED);
  const api = arg('api') ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const dump = arg('dump');
  const concurrency = Number(arg('concurrency') ?? 4);

  const started = Date.now();
  const { messages, expected } = generateWardStream({ seed });
  const bySource: Record<string, number> = {};
  for (const m of messages) bySource[m.source] = (bySource[m.source] ?? 0) + 1;
  console.log(`stream (seed ${seed}): ${messages.length} messages ${JSON.stringify(bySource)}, generated in ${Date.now() - started} ms`);
  console.log(line('2023-01-01…2024-03-31', expected.whole));
  console.log(line('2023', expected.year2023));
  console.log(line('Q1 2024', expected.q1Of2024));

  if (dump) {
    writeFileSync(dump, `${messages.map((m) => JSON.stringify(m)).join('\n')}\n`);
    console.log(`wrote ${messages.length} lines to ${dump}`);
    return;
  }

  const t0 = Date.now();
  let lastShown = -1;
  const summary = await loadStream(api, messages, {
    concurrency,
    secrets: {
      portal: process.env.PORTAL_SECRET ?? LOCAL_SECRETS.portal,
      postal: process.env.POSTAL_SECRET ?? LOCAL_SECRETS.postal,
      feedback: process.env.FEEDBACK_SECRET ?? LOCAL_SECRETS.feedback,
      paygov: process.env.PAYGOV_SECRET ?? LOCAL_SECRETS.paygov,
      vnpay: process.env.VNPAY_HASH_SECRET ?? LOCAL_SECRETS.vnpay,
    },
    onProgress(done, total) {
      const pct = Math.floor((done / total) * 20) * 5; // one line every 5 %
      if (pct === lastShown) return;
      lastShown = pct;
      const s = (Date.now() - t0) / 1000;
      console.log(
        `loaded ${String(pct).padStart(3)}% (${done}/${total}) in ${s.toFixed(1)} s, ${(done / Math.max(s, 0.001)).toFixed(0)} msg/s`,
      );
    },
  });
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(summary)}`);
  console.log('now: npm run report -- --from 2023-01-01 --to 2024-03-31');
}

main().catch((e: Error) => {
  console.error(`load failed: ${e.message}`);
  process.exit(1);
});
