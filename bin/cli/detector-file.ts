/**
 * Reads the `--detector` file of `scan`: the names of a deployed detector's own resources, as the
 * stack's `DetectorResources` output gives them, so that the rules about the detector judge old
 * logs as the function would.
 */
import { keyIdFromArn } from '../../lambda/config';
import type { DetectorResources } from '../../lambda/core/rule';

const STRING_KEYS = ['stackName', 'functionName', 'topicArn', 'tamperTopicArn', 'keyId', 'keyArn', 'trustedListParameter'] as const;
const KNOWN_KEYS = [...STRING_KEYS, 'ruleNames'];
const MAX_VALUE_LENGTH = 2048;
const MAX_RULE_NAMES = 500;

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_VALUE_LENGTH;
}

/**
 * Parses the detector file. Returns the resources, or throws an Error whose message names the
 * key and the value expected.
 */
export function parseDetectorResources(text: string): DetectorResources {
  let value: unknown;
  try {
    // Windows PowerShell redirection may start the file with a byte-order mark.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message}); expected the stack output DetectorResources, a JSON object`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('not a JSON object; expected the stack output DetectorResources, such as {"stackName": "ShareSentinel", ...}');
  }

  const object = value as Record<string, unknown>;
  const unknownKey = Object.keys(object).find((key) => !KNOWN_KEYS.includes(key));
  if (unknownKey !== undefined) {
    throw new Error(`unknown key ${JSON.stringify(unknownKey.slice(0, 100))}; expected only ${KNOWN_KEYS.join(', ')}`);
  }

  const detector: DetectorResources = {};
  for (const key of STRING_KEYS) {
    const item = object[key];
    if (item === undefined) {
      continue;
    }
    if (!isShortString(item)) {
      throw new Error(`invalid ${key}: expected a non-empty string of at most ${MAX_VALUE_LENGTH} characters`);
    }
    detector[key] = item.trim();
  }

  const ruleNames = object.ruleNames;
  if (ruleNames !== undefined) {
    if (!Array.isArray(ruleNames) || ruleNames.length > MAX_RULE_NAMES || !ruleNames.every(isShortString)) {
      throw new Error(`invalid ruleNames: expected an array of at most ${MAX_RULE_NAMES} rule names`);
    }
    detector.ruleNames = ruleNames.map((name) => name.trim());
  }

  if (detector.keyId === undefined && detector.keyArn !== undefined) {
    detector.keyId = keyIdFromArn(detector.keyArn);
  }
  if (Object.keys(detector).length === 0) {
    throw new Error(`no resource named; expected at least one of ${KNOWN_KEYS.join(', ')}`);
  }
  return detector;
}
