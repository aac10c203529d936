/**
 * Detection core: the time `evaluateRecord` takes per record, for sharing calls (which a rule
 * reads) and for everyday calls (which no rule reads), with the records built in memory first.
 */
import { evaluateRecord, type Evaluation } from '../lambda/core/evaluate';
import { emptyTrustedList } from '../lambda/core/trusted-list';
import type { CloudTrailRecord } from '../lambda/core/types';
import { everydayRecords, sharingRecords } from './corpus';
import { median, nowNs } from './measure';

export interface CoreSeries {
  records: number;
  /** Timed passes over all records, after untimed warm-up passes. */
  passes: number;
  nsPerEvent: number;
  eventsPerSecond: number;
  /** How many records ended in each evaluation status in one pass. */
  statuses: Partial<Record<Evaluation['status'], number>>;
}

export interface CoreResult {
  sharing: CoreSeries;
  everyday: CoreSeries;
}

/** Warm-up passes run before timing, so that V8 has optimised the rules the records reach. */
const WARM_UP_PASSES = 2;

function measureSeries(records: readonly CloudTrailRecord[], passes: number): CoreSeries {
  const options = { trustedList: emptyTrustedList() };
  const statuses: Partial<Record<Evaluation['status'], number>> = {};
  for (const record of records) {
    const { status } = evaluateRecord(record, options);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  for (let i = 1; i < WARM_UP_PASSES; i += 1) {
    for (const record of records) {
      evaluateRecord(record, options);
    }
  }

  // Each timed pass counts its findings and checks the count, so that no evaluation can be optimised away.
  const expectedFindings = statuses.finding ?? 0;
  const timings: number[] = [];
  for (let p = 0; p < passes; p += 1) {
    let findings = 0;
    const started = nowNs();
    for (let i = 0; i < records.length; i += 1) {
      if (evaluateRecord(records[i], options).status === 'finding') {
        findings += 1;
      }
    }
    timings.push(Number(nowNs() - started) / records.length);
    if (findings !== expectedFindings) {
      throw new Error(`evaluateRecord is not deterministic: a timed pass found ${findings} findings, the first pass ${expectedFindings}`);
    }
  }
  const nsPerEvent = median(timings);
  return { records: records.length, passes, nsPerEvent, eventsPerSecond: 1e9 / nsPerEvent, statuses };
}

/** Measures both series with records from `seed`. */
export function measureCore(seed: number, sharingCount: number, everydayCount: number, passes: number): CoreResult {
  const sharing = [...sharingRecords(seed, sharingCount)];
  const everyday = [...everydayRecords(seed, everydayCount)];
  return {
    sharing: measureSeries(sharing, passes),
    everyday: measureSeries(everyday, passes),
  };
}
