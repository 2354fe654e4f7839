/**
 * Report bench: the seed stream (15 months of phường Bình An, 11,701 received dossiers) loaded
 * into dynalite through the store, then the supervision report timed and its reads counted.
 */
import { performance } from 'node:perf_hooks';
import { packMonths } from '../../functions/adapters/month-packer';
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
    // The dossiers of a period, counted by a store of their own (its reads are not the report's).
    const counter = new DynamoDossierStore({ client: dynamo.client, tableName: 'bench-report', dueAt: (r) => effectiveDueAt(r) });
    const ask = async (from: string, to: string) => {
      const before = store.itemsRead;
      const started = performance.now();
      const res = await handle({ queryStringParameters: { from, to, asOf: EXPECTED_AS_OF } } as never);
      const ms = performance.now() - started;
      const read = store.itemsRead - before;
      let inPeriod = 0;
      for await (const _ of counter.listReceived(from, to)) inPeriod++;
      return { ms, read, inPeriod, body: JSON.parse(res.body as string) };
    };
    const periods = [
      ['01/01/2023–31/03/2024', '2023-01-01', '2024-03-31'],
      ['2023', '2023-01-01', '2023-12-31'],
      ['Q1 2024', '2024-01-01', '2024-03-31'],
    ] as const;
    const print = async (how: string) => {
      for (const [name, from, to] of periods) {
        const r = await ask(from, to);
        const p = r.body.payments;
        console.log(
          `report ${name} ${how}: ${r.ms.toFixed(0)} ms, ${r.read} items read for ${r.inPeriod} dossiers received in the period (ratio ${(r.read / r.inPeriod).toFixed(2)}); ` +
            `received ${r.body.received.total}; ${p.paidOnline}/${p.dossiersWithFees} paid online, ${p.amountVnd.toLocaleString('vi-VN')} VND`,
        );
      }
    };
    await ask('2023-01-01', '2023-01-31'); // warm-up
    // Before the daily job has packed the months: the receipt index (keys only), then the items by key.
    await print('through the index');
    // As the daily job leaves them a week after each month (month-packs.ts): one item per ward-month.
    // The store wrote at the real clock (its bumps are stamped so): the daily job two hours later.
    const later = Date.now() + 2 * 3_600_000;
    const packed = await packMonths({ store, client: dynamo.client, table: 'bench-report', now: () => later });
    console.log(`  ${packed.packed} month packs built, as the daily job builds them`);
    await print('through month packs');
    console.log(`  expected: received ${expected.whole.received.total} in the whole period`);
  } finally {
    await dynamo.stop();
  }
}
