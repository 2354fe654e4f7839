/**
 * Creates the one DynamoDB table on an emulator, with the key and indexes of `TABLE` (the same
 * schema the CDK stack deploys). Used by the local stack at startup and by the adapter tests.
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';

import { FINAL_INDEX_STEP, INDEX_STEPS, type IndexSpec, TABLE } from '../../functions/adapters/table-schema';

const WAIT_ACTIVE_MS = 10_000;
const POLL_MS = 25;

/** The CreateTable input for `name`: pk/sk and the indexes of migration step `step` (default: the last), on demand. */
export function tableDefinition(name: string, step: number = FINAL_INDEX_STEP) {
  const indexes = INDEX_STEPS[step].indexes;
  const index = (spec: IndexSpec) => ({
    IndexName: spec.name,
    KeySchema: [
      { AttributeName: spec.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: spec.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection:
      spec.projection.type === 'INCLUDE'
        ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...spec.projection.attributes] }
        : { ProjectionType: spec.projection.type },
  });
  const keys = [...new Set([TABLE.partitionKey, TABLE.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])])];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: indexes.map(index),
  };
}

/**
 * Creates table `name` unless it exists, then waits until it is ACTIVE. Throws when an existing
 * table lacks one of the indexes (a data directory from an older schema: start with `--fresh`).
 */
export async function ensureTable(client: DynamoDBClient, name: string, step: number = FINAL_INDEX_STEP): Promise<TableDescription> {
  let table = await describe(client, name);
  if (!table) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(name, step)));
    } catch (err) {
      // Another process created it between our describe and create: fine, wait for it below.
      if ((err as Error).name !== 'ResourceInUseException') throw err;
    }
    table = await describe(client, name);
  }
  const deadline = Date.now() + WAIT_ACTIVE_MS;
  while (!isActive(table)) {
    if (Date.now() > deadline) throw new Error(`table ${name} is not ACTIVE after ${WAIT_ACTIVE_MS} ms (${table?.TableStatus})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    table = await describe(client, name);
  }
  const found = new Set((table!.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = INDEX_STEPS[step].indexes.map((i) => i.name).filter((i) => !found.has(i));
  if (missing.length > 0) {
    throw new Error(`table ${name} lacks index(es) ${missing.join(', ')}: its data predates the schema; start with --fresh`);
  }
  return table!;
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

function isActive(table: TableDescription | undefined): boolean {
  return table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
}
