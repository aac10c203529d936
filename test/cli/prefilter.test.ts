/**
 * The scanner's pre-filter skips text that names no watched call before parsing it. These
 * properties check that it never skips a record that evaluating every parsed record would flag,
 * whatever the JSON formatting and `\u00XX` escaping.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { extractRecords } from '../../bin/cli/inputs';
import { mayContainWatchedCall, scanPaths } from '../../bin/cli/scanner';
import { evaluateRecord, type EvaluationOptions } from '../../lambda/core/evaluate';
import { emptyTrustedList } from '../../lambda/core/trusted-list';
import type { CloudTrailRecord } from '../../lambda/core/types';
import { removeTemporaryFolders, temporaryFolder } from './harness';
import {
  OUTSIDER,
  PARTNER,
  dbSnapshotShare,
  eventBridgeEvent,
  everydayCall,
  imagePermissionRemoval,
  lookupEventsOutput,
  publicBucketPolicy,
  publicImage,
  snapshotShare,
  snsAddPermission,
} from './records';

const EVALUATION: EvaluationOptions = { trustedList: emptyTrustedList(), alertOnFailedCalls: true };

afterAll(() => {
  removeTemporaryFolders();
});

/** Returns a deterministic pseudo-random source (mulberry32), so that fast-check can replay and shrink a seed. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The layout of a generated JSON text: indentation, and how often characters become `\u00XX` escapes. */
interface JsonStyle {
  /** Indentation per level, or empty for compact output on one line. */
  indent: string;
  spaceAfterColon: boolean;
  /** Share of characters in keys and string values written as `\u00XX`. */
  escapeRate: number;
  /** Share of characters in `eventName` values written as `\u00XX`. */
  nameEscapeRate: number;
  /** Which ASCII characters may be escaped. Escaping only digits, say, leaves no escaped letter to spot. */
  escapedClass: 'any' | 'letters' | 'digits' | 'punctuation';
  upperCaseHex: boolean;
  seed: number;
}

const CHARACTER_CLASSES: Record<JsonStyle['escapedClass'], RegExp> = {
  any: /[\u0000-\u007f]/,
  letters: /[A-Za-z]/,
  digits: /[0-9]/,
  punctuation: /[^A-Za-z0-9\u0080-\uffff]/,
};

function unicodeEscape(char: string, upperCaseHex: boolean): string {
  const hex = char.charCodeAt(0).toString(16).padStart(4, '0');
  return `\\u${upperCaseHex ? hex.toUpperCase() : hex}`;
}

/** Serialises JSON like JSON.stringify, but escapes characters at random as the style sets. */
function writeJson(value: unknown, style: JsonStyle): string {
  const random = randomSource(style.seed);
  const escapable = CHARACTER_CLASSES[style.escapedClass];

  function writeString(text: string, rate: number): string {
    let out = '"';
    for (const char of text) {
      const plain = JSON.stringify(char).slice(1, -1);
      const escaped = escapable.test(char) && random() < rate;
      if (escaped) {
        out += unicodeEscape(char, style.upperCaseHex);
      } else {
        // Quotes, backslashes and control characters keep their short escape.
        out += plain;
      }
    }
    return `${out}"`;
  }

  function write(item: unknown, depth: number, key?: string): string {
    const newline = style.indent === '' ? '' : `\n${style.indent.repeat(depth + 1)}`;
    const closing = style.indent === '' ? '' : `\n${style.indent.repeat(depth)}`;
    if (item === null || typeof item === 'number' || typeof item === 'boolean') {
      return JSON.stringify(item);
    }
    if (typeof item === 'string') {
      return writeString(item, key === 'eventName' ? Math.max(style.nameEscapeRate, style.escapeRate) : style.escapeRate);
    }
    if (Array.isArray(item)) {
      if (item.length === 0) {
        return '[]';
      }
      return `[${item.map((element) => `${newline}${write(element, depth + 1)}`).join(',')}${closing}]`;
    }
    const entries = Object.entries(item as Record<string, unknown>).filter(([, member]) => member !== undefined);
    if (entries.length === 0) {
      return '{}';
    }
    const colon = style.spaceAfterColon ? ': ' : ':';
    return `{${entries.map(([name, member]) => `${newline}${writeString(name, style.escapeRate)}${colon}${write(member, depth + 1, name)}`).join(',')}${closing}}`;
  }

  return write(value, 0);
}

const styleArbitrary: fc.Arbitrary<JsonStyle> = fc.record({
  indent: fc.constantFrom('', '  ', '    ', '\t'),
  spaceAfterColon: fc.boolean(),
  escapeRate: fc.constantFrom(0, 0, 0.05, 0.3, 1),
  nameEscapeRate: fc.constantFrom(0, 0.2, 0.6, 1),
  escapedClass: fc.constantFrom<JsonStyle['escapedClass']>('any', 'letters', 'digits', 'punctuation'),
  upperCaseHex: fc.boolean(),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
});

const RECORD_BUILDERS: ((eventId: string) => CloudTrailRecord)[] = [
  (eventId) => snapshotShare(eventId, [PARTNER]),
  (eventId) => publicImage(eventId),
  (eventId) => publicBucketPolicy(eventId),
  (eventId) => dbSnapshotShare(eventId, [OUTSIDER]),
  (eventId) => imagePermissionRemoval(eventId),
  (eventId) => snsAddPermission(eventId),
  (eventId) => everydayCall(eventId, 0),
  (eventId) => everydayCall(eventId, 1),
  (eventId) => everydayCall(eventId, 2),
  (eventId) => ({ ...snapshotShare(eventId), errorCode: 'Client.UnauthorizedOperation', responseElements: null }),
];

const recordsArbitrary: fc.Arbitrary<CloudTrailRecord[]> = fc
  .array(fc.nat({ max: RECORD_BUILDERS.length - 1 }), { minLength: 1, maxLength: 6 })
  .map((choices) => choices.map((choice, index) => RECORD_BUILDERS[choice](`event-${index}`)));

type InputForm = 'log-file' | 'single-record' | 'record-array' | 'eventbridge' | 'eventbridge-array' | 'lookup-events' | 'json-lines';

/** One generated input: the file's text, and the units the scanner filters one at a time (the whole text, or each line). */
interface GeneratedInput {
  form: InputForm;
  text: string;
  units: string[];
}

function buildInput(form: InputForm, records: CloudTrailRecord[], style: JsonStyle, outerStyle: JsonStyle): GeneratedInput {
  const whole = (value: unknown): GeneratedInput => {
    const text = writeJson(value, style);
    return { form, text, units: [text] };
  };
  switch (form) {
    case 'log-file':
      return whole({ Records: records });
    case 'single-record':
      return whole(records[0]);
    case 'record-array':
      return whole(records);
    case 'eventbridge':
      return whole(eventBridgeEvent(records[0]));
    case 'eventbridge-array':
      return whole(records.map((record) => eventBridgeEvent(record)));
    case 'lookup-events': {
      // The embedded record is written in one style, then escaped again as a string in the other.
      const output = lookupEventsOutput([]);
      output.Events = records.map((record) => ({ EventId: record.eventID, EventName: 'hidden', CloudTrailEvent: writeJson(record, style) }));
      const text = writeJson(output, outerStyle);
      return { form, text, units: [text] };
    }
    case 'json-lines': {
      const lines = records.map((record) => writeJson(record, { ...style, indent: '' }));
      return { form, text: `${lines.join('\n')}\n`, units: lines };
    }
  }
}

const inputArbitrary: fc.Arbitrary<GeneratedInput> = fc
  .tuple(
    fc.constantFrom<InputForm>('log-file', 'single-record', 'record-array', 'eventbridge', 'eventbridge-array', 'lookup-events', 'json-lines'),
    recordsArbitrary,
    styleArbitrary,
    styleArbitrary,
  )
  .map(([form, records, style, outerStyle]) => buildInput(form, records, style, outerStyle));

/** Returns the event ids that evaluating every record of a unit flags, with no pre-filter. */
function flaggedEventIds(unit: string): string[] {
  const ids: string[] = [];
  for (const { record, envelopeAccount } of extractRecords(JSON.parse(unit) as unknown, { records: 0, unrecognised: 0 })) {
    const evaluation = evaluateRecord(record, envelopeAccount === undefined ? EVALUATION : { ...EVALUATION, envelopeAccount });
    if (evaluation.status === 'finding') {
      ids.push(evaluation.finding.eventId);
    }
  }
  return ids;
}

describe('mayContainWatchedCall', () => {
  it('generated inputs parse back to their records', () => {
    fc.assert(
      fc.property(recordsArbitrary, styleArbitrary, (records, style) => {
        expect(JSON.parse(writeJson(records, style))).toEqual(records);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('keeps every unit with a flagged record', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        for (const unit of input.units) {
          if (flaggedEventIds(unit).length > 0) {
            expect(mayContainWatchedCall(unit)).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it.each([
    ['escaped event name', '{"eventSource":"s3.amazonaws.com","eventName":"\\u0050ut\\u0042ucketPolicy"}'],
    ['upper-case hex escape', '{"eventName":"\\u004DodifySnapshotAttribute"}'],
    ['escaped key and name', '{"\\u0065ventName":"PutBucke\\u0074Acl"}'],
    ['escape inside embedded string', '{"Events":[{"CloudTrailEvent":"{\\"eventName\\":\\"\\\\u0050utBucketPolicy\\"}"}]}'],
    ['escaped digits of embedded escape', '{"Events":[{"CloudTrailEvent":"{\\"eventName\\":\\"\\\\u\\u0030\\u00305\\u0030utBucketPolicy\\"}"}]}'],
    ['escaped backslash of embedded escape', '{"Events":[{"CloudTrailEvent":"{\\"eventName\\":\\"\\u005cu0050utBucketPolicy\\"}"}]}'],
  ])('keeps %s', (_case, text) => {
    expect(mayContainWatchedCall(text)).toBe(true);
  });

  it.each([
    ['everyday call', '{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"e1"}'],
    ['HTML-safe escapes', '{"eventName":"DescribeInstances","userAgent":"\\u003cconsole\\u003e \\u0026 cli"}'],
  ])('skips %s', (_case, text) => {
    expect(mayContainWatchedCall(text)).toBe(false);
  });
});

describe('scan with pre-filter', () => {
  it('finds what evaluating every record finds', async () => {
    const folder = temporaryFolder();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(inputArbitrary, async (input) => {
        run += 1;
        const file = path.join(folder, `input-${run}.${input.form === 'json-lines' ? 'jsonl' : 'json'}`);
        writeFileSync(file, input.text);
        const expected = input.units.flatMap(flaggedEventIds);
        const found: string[] = [];
        const errors: string[] = [];

        await scanPaths({
          paths: [file],
          evaluation: EVALUATION,
          onFinding: (finding) => found.push(finding.eventId),
          onFileError: (name, reason) => errors.push(`${name}: ${reason}`),
        });

        expect(errors).toEqual([]);
        expect(found).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
