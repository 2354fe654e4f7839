/**
 * The forecast statistics in the dossier table: one item per ward, `FORECAST / <agency code>`,
 * holding the ward's `ForecastStats` as JSON (about 30 numbers per procedure and per field: tens of
 * KB for a ward, well under DynamoDB's 400 KB). Written once a day by the daily digest, read by
 * the scorecard, the digest and `GET /dossiers/{MaHoSo}` with one GetItem.
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { sendChecked } from './dynamodb-limits';
import type { ForecastStats, ForecastStatsStore } from '../core/forecast';

/** The partition of the statistics items (sort key: the ward). */
export const FORECAST_PK = 'FORECAST';

/** The DynamoDB `ForecastStatsStore`. */
export class DynamoForecastStore implements ForecastStatsStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async getStats(ward: string): Promise<ForecastStats | null> {
    const input = { TableName: this.table, Key: { pk: { S: FORECAST_PK }, sk: { S: ward } }, ProjectionExpression: 'stats' };
    const out = await sendChecked('DynamoDB read of the forecast statistics', input, () => this.client.send(new GetItemCommand(input)));
    const json = out.Item?.stats?.S;
    return json ? (JSON.parse(json) as ForecastStats) : null;
  }

  async putStats(stats: ForecastStats): Promise<void> {
    const input = {
      TableName: this.table,
      Item: { pk: { S: FORECAST_PK }, sk: { S: stats.ward }, computedAt: { S: stats.computedAt }, stats: { S: JSON.stringify(stats) } },
    };
    await sendChecked('DynamoDB write of the forecast statistics', input, () => this.client.send(new PutItemCommand(input)));
  }
}
