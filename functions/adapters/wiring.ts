/**
 * The composition root of the Lambdas: clients and adapters made once per cold start (module
 * scope), from the environment documented in `config.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { effectiveDueAt } from '../core/overdue';
import { env } from './config';
import { DynamoDossierStore } from './dynamodb-store';

let store: DynamoDossierStore | null = null;

/** The dossier store of this process (DynamoDB; the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB locally). */
export function dossierStore(): DynamoDossierStore {
  store ??= new DynamoDossierStore({
    client: new DynamoDBClient({ maxAttempts: 3 }),
    tableName: env('TABLE_NAME'),
    dueAt: (record) => effectiveDueAt(record),
  });
  return store;
}
