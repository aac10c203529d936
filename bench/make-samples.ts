/**
 * Regenerates the sample CloudTrail log files under samples/AWSLogs from the corpus generator's
 * building blocks: three gzipped files of a few hundred everyday records each, with ten sharing
 * calls placed at fixed positions.
 *
 *   npx tsx bench/make-samples.ts
 *
 * The JSON in the files is deterministic, and so are the gzip bytes for one zlib build.
 * NOTE: another Node.js version may compress the same JSON to other bytes.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CloudTrailRecord } from '../lambda/core/types';
import {
  eventTimes,
  encodeLogFile,
  gzipLogFile,
  logFileKey,
  logFileSuffix,
  RecordFactory,
  type ExpectedOutcome,
  type SharingScenarioName,
} from './corpus';

export const SAMPLE_SEED = 20240501;
export const SAMPLES_DIRECTORY = join(__dirname, '..', 'samples');
const WINDOW_MS = 5 * 60 * 1000;

/** One sharing call of a sample file, at a fixed position among its records. */
export interface PlannedSharingCall {
  index: number;
  scenario: SharingScenarioName;
  failed?: boolean;
}

export interface SampleFilePlan {
  region: string;
  /** Start of the five-minute window the file covers, in epoch milliseconds. */
  windowStart: number;
  recordCount: number;
  sharing: PlannedSharingCall[];
}

export const SAMPLE_PLAN: readonly SampleFilePlan[] = [
  {
    region: 'us-east-1',
    windowStart: Date.UTC(2024, 4, 1, 9, 0),
    recordCount: 320,
    sharing: [
      { index: 41, scenario: 'ec2-snapshot-external-account' },
      { index: 128, scenario: 'ec2-image-public' },
      { index: 207, scenario: 's3-policy-public' },
      { index: 288, scenario: 'lambda-owner-account' },
    ],
  },
  {
    region: 'eu-west-1',
    windowStart: Date.UTC(2024, 4, 1, 9, 5),
    recordCount: 260,
    sharing: [
      { index: 23, scenario: 'rds-snapshot-public' },
      { index: 94, scenario: 's3-acl-all-users' },
      { index: 171, scenario: 'ec2-image-public-removal' },
      { index: 236, scenario: 's3-policy-external-account', failed: true },
    ],
  },
  {
    region: 'us-east-1',
    windowStart: Date.UTC(2024, 4, 1, 9, 10),
    recordCount: 290,
    sharing: [
      { index: 57, scenario: 'lambda-function-url-public' },
      { index: 183, scenario: 'lambda-layer-external-account' },
    ],
  },
];

/** A sharing call in a sample file, with the outcome share-sentinel should report for it. */
export interface SampleSharingCall {
  eventID: string;
  scenario: SharingScenarioName;
  expected: ExpectedOutcome;
  record: CloudTrailRecord;
}

export interface SampleFile {
  /** Path below samples/, as CloudTrail lays out its S3 keys. */
  key: string;
  records: CloudTrailRecord[];
  gzip: Buffer;
  sharing: SampleSharingCall[];
}

/** Builds the sample files in memory, in plan order. */
export function buildSampleFiles(): SampleFile[] {
  const factory = new RecordFactory(SAMPLE_SEED);
  return SAMPLE_PLAN.map((plan) => {
    const times = eventTimes(factory.random, plan.windowStart, WINDOW_MS, plan.recordCount);
    const key = logFileKey(plan.region, plan.windowStart + WINDOW_MS, logFileSuffix(factory.random));
    const planned = new Map(plan.sharing.map((call) => [call.index, call]));
    const records: CloudTrailRecord[] = [];
    const sharing: SampleSharingCall[] = [];
    for (let index = 0; index < plan.recordCount; index++) {
      const call = planned.get(index);
      if (call === undefined) {
        records.push(factory.everyday(plan.region, times[index]));
        continue;
      }
      const built = factory.sharing(plan.region, times[index], call.scenario, { failed: call.failed ?? false });
      records.push(built.record);
      sharing.push({ eventID: String(built.record.eventID), scenario: built.scenario, expected: built.expected, record: built.record });
    }
    const body = encodeLogFile(records.map((record) => JSON.stringify(record)));
    return { key, records, gzip: gzipLogFile(body), sharing };
  });
}

/** Replaces samples/AWSLogs with freshly built sample files. */
export function writeSampleFiles(directory: string = SAMPLES_DIRECTORY): SampleFile[] {
  const files = buildSampleFiles();
  rmSync(join(directory, 'AWSLogs'), { recursive: true, force: true });
  for (const file of files) {
    const path = join(directory, file.key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.gzip);
  }
  return files;
}

if (require.main === module) {
  const files = writeSampleFiles();
  for (const file of files) {
    process.stdout.write(`${file.key}: ${file.records.length} records, ${file.sharing.length} sharing calls\n`);
    for (const call of file.sharing) {
      process.stdout.write(`  ${call.eventID} ${call.scenario} (${call.expected})\n`);
    }
  }
}
