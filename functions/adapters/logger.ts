/**
 * The one structured logger (Powertools: JSON lines with the service name and, inside a handler,
 * the request id). Log dossier codes, counts and reasons; never a record, a body or a secret:
 * those carry citizens' ID numbers and phones.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'motcua',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});
