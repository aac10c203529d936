/**
 * Loads the trusted list from SSM Parameter Store through Powertools' cached provider. The last
 * list read successfully is kept for outages; with none, the handler alerts on every external
 * grant and says so, because an outage must never silence an alert.
 */
import { ParameterNotFoundError } from '@aws-lambda-powertools/parameters/errors';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import { emptyTrustedList, parseTrustedList, type TrustedList } from './core/trusted-list';
import { logger } from './logger';

export type TrustedListStatus = 'fresh' | 'stale' | 'unavailable';

export interface LoadedTrustedList {
  list: TrustedList;
  status: TrustedListStatus;
}

export class TrustedListSource {
  private lastGood: TrustedList | undefined;
  private lastValue: string | undefined;

  constructor(
    private readonly parameterName: string,
    private readonly maxAgeSeconds: number,
    private readonly provider: SSMProvider = new SSMProvider({ awsSdkV3Client: new SSMClient({ maxAttempts: 2 }) }),
  ) {}

  async load(): Promise<LoadedTrustedList> {
    let value: string | undefined;
    try {
      value = await this.provider.get(this.parameterName, { maxAge: this.maxAgeSeconds, throwOnMissing: true });
    } catch (error) {
      return this.fallback(error);
    }
    if (typeof value !== 'string') {
      return this.fallback(new Error('the parameter has no value'));
    }
    if (value !== this.lastValue) {
      // Parse and log only when the value changed, not on every cached read.
      const list = parseTrustedList(value);
      if (list.documentError !== undefined) {
        // A list that cannot be read at all must not replace the last good one with an empty list.
        return this.fallback(new Error(`the trusted list parameter is ${list.documentError}`));
      }
      for (const entry of list.errors) {
        logger.warn('trusted list entry skipped', { parameter: this.parameterName, value: entry.value, reason: entry.reason });
      }
      logger.info('trusted list loaded', { parameter: this.parameterName, entryCount: list.entries.size, format: list.format });
      this.lastGood = list;
      this.lastValue = value;
    }
    return { list: this.lastGood ?? emptyTrustedList(), status: 'fresh' };
  }

  private fallback(error: unknown): LoadedTrustedList {
    const notFound = error instanceof ParameterNotFoundError;
    if (notFound) {
      logger.error('trusted list parameter not found', {
        parameter: this.parameterName,
        fix: `aws ssm put-parameter --name ${this.parameterName} --type StringList --value 111122223333,444455556666`,
      });
    } else {
      logger.error('trusted list could not be read', { parameter: this.parameterName, error: error as Error });
    }
    if (this.lastGood) {
      logger.warn('using the last trusted list read', { parameter: this.parameterName, entryCount: this.lastGood.entries.size });
      return { list: this.lastGood, status: 'stale' };
    }
    return { list: emptyTrustedList(), status: 'unavailable' };
  }
}
