/**
 * The one Powertools logger of the function. Log keys are stable for queries: `eventId`,
 * `eventName`, `resourceId`, `findingCount`, `ruleId`, `severity`.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'share-sentinel' });
