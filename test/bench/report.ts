/**
 * Report bench: the seed stream (15 months of phường Bình An, 11,701 received dossiers) loaded
 * into dynalite through the store, then the supervision report timed and its reads counted.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { paygovChecksum, parsePaygovConfirm } from '../../functions/adapters/paygov';
import { parseVnpayIpn, vnpaySign } from '../../functions/adapters/vnpay';
import { parsePostalEvent } from '../../functions/adapters/vnpost';
import { effectiveDueAt } from '../../functions/core/overdue';
import { parsePortalMessage } from '../../functions/core/portal';
import type { DossierStore } from '../../functions/core/ports';
import { supervisionReport } from '../../functions/handlers/supervision-report';
import { EXPECTED_AS_OF, generateWardStream, type StreamMessage } from '../../events/generator/ward-stream';
import { ensureTable, startDynamo } from '../../infra/local/emulators';

const SECRET = 'bench-secret';

/** Offers one stream message to the store, parsed the way its handler parses it. */
export async function offerMessage(store: DossierStore, m: StreamMessage): Promise<void> {
  switch (m.source) {
    case 'portal': {
      const msg = parsePortalMessage(m.body);
      if (msg.service === 'DongBoHoSoMC') await store.offerRecords(msg.records);
      else await store.offerSteps(msg.steps);
      return;
    }
    case 'paygov': {
      const parsed = parsePaygovConfirm(JSON.stringify({ ...m.body, MaXacThuc: paygovChecksum(m.body, SECRET) }), [SECRET]);
      if (parsed.kind !== 'ok') throw new Error(`paygov message not ok: ${parsed.kind}`);
      await store.offerPayment(parsed.payment);
      return;
    }
    case 'vnpay': {
      const parsed = parseVnpayIpn(vnpaySign(m.params, SECRET), [SECRET]);
      if (parsed.kind !== 'ok') throw new Error(`vnpay message not ok: ${parsed.kind}`);
      await store.offerPayment(parsed.payment);
      return;
    }
    case 'postal':
      await store.offerPostalEvent(parsePostalEvent(m.body));
      return;
    case 'feedback':
      // Feedback items live in a store of their own; the report bench reads dossiers only.
      return;
  }
}

/** Prints the report bench. */
export async function benchReport(): Promise<void> {
  console.log('\n## Report (15 months of one ward: the seed stream)');
  const { messages, expected } = generateWardStream();
  const dynamo = await startDynamo({ createTable: false });
  try {
    await ensureTable(dynamo.client, 'bench-report');
    const store = new DynamoDossierStore({ client: dynamo.client, tableName: 'bench-report', dueAt: (r) => effectiveDueAt(r) });
    const t0 = performance.now();
    let done = 0;
    for (const m of messages) {
      await offerMessage(store, m);
      if (++done % 2000 === 0) process.stderr.write(`  loading the stream: ${done}/${messages.length} messages\n`);
    }
    console.log(`stream loaded through the store in ${((performance.now() - t0) / 1000).toFixed(1)} s (${messages.length} messages)`);

    const handle = supervisionReport({ store, wardNames: async () => ({}) });
    const ask = async (from: string, to: string) => {
      const before = store.itemsRead;
      const started = performance.now();
      const res = await handle({ queryStringParameters: { from, to, asOf: EXPECTED_AS_OF } } as never);
      const ms = performance.now() - started;
      const body = JSON.parse(res.body as string);
      let inPeriod = 0;
      for await (const _ of store.listReceived(from, to)) inPeriod++;
      return { ms, read: store.itemsRead - before - inPeriod, inPeriod, body };
    };
    await ask('2023-01-01', '2023-01-31'); // warm-up
    const whole = await ask('2023-01-01', '2024-03-31');
    console.log(
      `report 01/01/2023–31/03/2024: ${whole.ms.toFixed(0)} ms, ${whole.read} items read for ${whole.inPeriod} dossiers received in the period (ratio ${(whole.read / whole.inPeriod).toFixed(2)})`,
    );
    console.log(
      `  received ${whole.body.received.total} (online ${whole.body.received.byChannel.online}, direct ${whole.body.received.byChannel.direct}); expected ${expected.whole.received.total}`,
    );
    const y2023 = await ask('2023-01-01', '2023-12-31');
    const q1 = await ask('2024-01-01', '2024-03-31');
    for (const [name, r] of [
      ['2023', y2023],
      ['Q1 2024', q1],
    ] as const) {
      const p = r.body.payments;
      console.log(
        `report ${name}: ${r.ms.toFixed(0)} ms, ${r.read} items read; ${p.paidOnline}/${p.dossiersWithFees} paid online (${(p.onlineRate * 100).toFixed(1)}%), ${p.amountVnd.toLocaleString('vi-VN')} VND`,
      );
    }
  } finally {
    await dynamo.stop();
  }
}
