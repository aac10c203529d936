/**
 * The memory size and timeout recommended for the Lambda function, derived from the handler
 * benchmark. Lambda gives a function CPU in proportion to its memory, one vCPU at 1,769 MB (AWS
 * Lambda Developer Guide, "Configuring Lambda function memory"), so CPU-bound times measured here
 * on one core are scaled by 1769 / memory. That assumes one core here does the work of one Lambda
 * vCPU, which makes every scaled figure an estimate.
 */
import type { LambdaResult } from './lambda-bundle';

/** Memory at which a function has the equivalent of one vCPU, in MB. */
export const ONE_VCPU_MEMORY_MB = 1769;
/** Memory sizes considered, smallest first. */
export const CANDIDATE_MEMORY_MB = [128, 256, 512, 1024] as const;
/**
 * Maximum share of the memory size that the peak RSS measured may use. The margin is a choice made
 * here, for records larger than the generated ones and for a heap that V8 collects later.
 */
export const MAX_RSS_SHARE = 0.75;
/**
 * Requests in the slowest normal invocation: SSM GetParameter with 2 attempts (lambda/trusted-source.ts
 * sets maxAttempts 2) and SNS Publish with the SDK's default 3 attempts.
 */
export const REQUEST_ATTEMPTS = 5;
/** An allowance per request attempt to a regional AWS endpoint, generous next to the tens of milliseconds such calls usually take. */
export const ALLOWANCE_PER_ATTEMPT_MS = 1000;
/** The timeout is at least this, and at least twice the slowest normal invocation. */
export const MIN_TIMEOUT_SECONDS = 10;

export interface MemoryEstimate {
  memoryMb: number;
  /** Estimated time to load the bundle, beyond an empty handler, with --enable-source-maps. */
  initMs: number;
  /** Estimated CPU time of the first invocation (SSM read, client creation, publish), excluding HTTP round trips. */
  firstInvocationMs: number;
  /** Estimated CPU time of a warm invocation that publishes a finding, excluding HTTP round trips. */
  warmFindingMs: number;
  rssShare: number;
  /** True when the peak RSS stays within `MAX_RSS_SHARE` of the memory. */
  fits: boolean;
}

export interface SizingRecommendation {
  memoryMb: number;
  timeoutSeconds: number;
  peakRssBytes: number;
  estimates: MemoryEstimate[];
  /** The slowest normal invocation at the recommended memory: scaled first-invocation CPU plus the request allowance. */
  slowestNormalInvocationMs: number;
}

function scale(localMs: number, memoryMb: number): number {
  return localMs * (ONE_VCPU_MEMORY_MB / Math.min(memoryMb, ONE_VCPU_MEMORY_MB));
}

/**
 * Recommends the smallest candidate memory size with room for the peak RSS, and a timeout. CPU time
 * does not decide the size: the estimated times below only delay an alert, by well under the timeout.
 */
export function recommendSizing(lambda: LambdaResult): SizingRecommendation {
  const { handler, require: requireTimes } = lambda;
  const peakRssBytes = handler.maxRss;
  const bundleInitMs = Math.max(0, requireTimes.bundleSourceMapsMs - requireTimes.emptyMs);
  const firstCpuMs = Math.max(0, handler.first.totalMs - handler.first.roundTripMs);
  const warmFindingCpuMs = handler.warmFindings.count > 0 ? handler.warmFindings.medianExcludingRoundTripsMs : handler.warm.medianExcludingRoundTripsMs;

  const estimates = CANDIDATE_MEMORY_MB.map((memoryMb): MemoryEstimate => {
    const rssShare = peakRssBytes / (memoryMb * 1024 * 1024);
    const firstInvocationMs = scale(firstCpuMs, memoryMb);
    return {
      memoryMb,
      initMs: scale(bundleInitMs, memoryMb),
      firstInvocationMs,
      warmFindingMs: scale(warmFindingCpuMs, memoryMb),
      rssShare,
      fits: rssShare <= MAX_RSS_SHARE,
    };
  });
  const chosen = estimates.find((estimate) => estimate.fits) ?? estimates[estimates.length - 1];
  const slowestNormalInvocationMs = chosen.firstInvocationMs + REQUEST_ATTEMPTS * ALLOWANCE_PER_ATTEMPT_MS;
  const timeoutSeconds = Math.max(MIN_TIMEOUT_SECONDS, Math.ceil((2 * slowestNormalInvocationMs) / 1000 / 5) * 5);
  return { memoryMb: chosen.memoryMb, timeoutSeconds, peakRssBytes, estimates, slowestNormalInvocationMs };
}
