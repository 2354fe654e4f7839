/**
 * The scorecard's and the forecast's items against dynalite over the network: a ward's forecast
 * statistics (`FORECAST / <ward>`) round-trip, and the feedback items that name a dossier
 * (`F#<MaPhanAnh>` attributes of its item, written by the feedback store) reach `StoredDossier.feedback`.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoForecastStore } from '../../functions/adapters/dynamodb-forecast-store';
import { DynamoDossierStore } from '../../functions/adapters/dynamodb-store';
import { type ForecastStats, distributionOf } from '../../functions/core/forecast';
import { dossierKey } from '../../functions/core/types';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';
import { record } from '../fixtures/records';

let dynamo: DynamoEmulator;
let tableNo = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ createTable: false });
});
afterAll(async () => {
  await dynamo.stop();
});

async function freshTable(): Promise<string> {
  const name = `forecast-${++tableNo}`;
  await ensureTable(dynamo.client, name);
  return name;
}

describe('DynamoForecastStore', () => {
  it('keeps one statistics item per ward, replaced by the next computation, and answers null for a ward without one', async () => {
    // Prepare
    const store = new DynamoForecastStore(dynamo.client, await freshTable());
    const stats = (computedAt: string): ForecastStats => ({
      ward: '000.00.12.H57',
      computedAt,
      window: { from: '2023-04-06', to: '2024-04-04' },
      byProcedure: { '1.001193': distributionOf([1, 2, 3.5, 40])! },
      byField: { HT: distributionOf([1, 2, 3.5, 40, 8])! },
    });

    // Act
    await store.putStats(stats('2024-04-04T07:30:00+07:00'));
    await store.putStats(stats('2024-04-05T07:30:00+07:00'));
    const got = await store.getStats('000.00.12.H57');
    const none = await store.getStats('000.00.13.H57');

    // Assess
    expect(got).toEqual(stats('2024-04-05T07:30:00+07:00'));
    expect(none).toBeNull();
  });
});

describe('StoredDossier.feedback', () => {
  it('lists the F#<MaPhanAnh> links of the dossier item in id order, and skips one that names no item', async () => {
    // Prepare: links as the feedback store writes them ({id, ward, version}), and a damaged one.
    const table = await freshTable();
    const store = new DynamoDossierStore({ client: dynamo.client, tableName: table, dueAt: (r) => r.dueAt });
    const rec = record();
    await store.offerRecords([{ record: rec, raw: {} }]);
    const link = (id: string) => ({ M: { id: { S: id }, ward: { S: '000.00.12.H57' }, version: { S: '20240402090000' } } });
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: `D#${dossierKey(rec.code)}` }, sk: { S: 'A' } },
        UpdateExpression: 'SET #a = :a, #b = :b, #c = :c',
        ExpressionAttributeNames: { '#a': 'F#PAKN.20240402.0007', '#b': 'F#1022.20240401.0042', '#c': 'F#broken' },
        ExpressionAttributeValues: {
          ':a': link('PAKN.20240402.0007'),
          ':b': link('1022.20240401.0042'),
          ':c': { M: { note: { S: 'no id' } } },
        },
      }),
    );

    // Act
    const found = await store.getDossier(dossierKey(rec.code));
    const listed = [];
    for await (const d of store.listReceived('2024-04-01', '2024-04-01', '000.00.12.H57')) listed.push(d);

    // Assess
    const want = [
      { id: '1022.20240401.0042', ward: '000.00.12.H57', version: '20240402090000' },
      { id: 'PAKN.20240402.0007', ward: '000.00.12.H57', version: '20240402090000' },
    ];
    expect(found?.dossier.feedback).toEqual(want);
    expect(listed.map((d) => d.feedback)).toEqual([want]);
  });
});
