/**
 * CloudTrail calls that stop write management events from reaching EventBridge, which is the
 * source share-sentinel reads: StopLogging, DeleteTrail, an UpdateTrail that narrows the trail,
 * and a PutEventSelectors that leaves no selector for write management events. Each raises a
 * `critical` guard-lowered grant. The calls name the trail by name or by ARN
 * (`arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME`), in `requestParameters.name`, or
 * `requestParameters.trailName` for PutEventSelectors.
 *
 * NOTE: the rules cannot tell the trail that feeds share-sentinel from any other trail of the
 * account, so a change to any trail alerts.
 */
import { eventName, ownerAccountId, region, requestParameters, responseElements } from '../../core/record';
import { field, isObject, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { CloudTrailRecord, GrantSpec, RuleResult } from '../../core/types';

const EVENT_SOURCE = 'cloudtrail.amazonaws.com';
const RESOURCE_TYPE = 'AWS::CloudTrail::Trail';
const TRAIL_ARN_PATTERN = /^arn:[^:]+:cloudtrail:[^:]*:[^:]*:trail\/(.+)$/;

/** Reads the trail a call names, as a name and, when the record gives or implies it, an ARN. */
function trailResource(record: CloudTrailRecord, parameter: string, warnings: string[], owner: string | undefined): RuleResult['resource'] {
  const value = str(requestParameters(record), parameter);
  if (value === undefined || value === '') {
    warnings.push(`requestParameters.${parameter} is missing`);
    return { type: RESOURCE_TYPE, id: '' };
  }
  const match = TRAIL_ARN_PATTERN.exec(value);
  if (match) {
    return { type: RESOURCE_TYPE, id: bound(match[1], 256), arn: bound(value, 512) };
  }
  const name = bound(value, 256);
  const responseArn = str(responseElements(record), 'trailARN');
  if (responseArn !== undefined && TRAIL_ARN_PATTERN.test(responseArn)) {
    return { type: RESOURCE_TYPE, id: name, arn: bound(responseArn, 512) };
  }
  const trailRegion = region(record);
  if (trailRegion !== '' && owner !== undefined && owner !== '') {
    // A trail can only be stopped, deleted or changed from its home region, so the event's region is the trail's.
    return { type: RESOURCE_TYPE, id: name, arn: bound(`arn:aws:cloudtrail:${trailRegion}:${owner}:trail/${value}`, 512) };
  }
  return { type: RESOURCE_TYPE, id: name };
}

/** Reads a boolean that a client may have sent as a string. Returns undefined for anything else. */
function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() === 'true';
  }
  return undefined;
}

/** Returns the trail name shell-quoted for a CLI command, or the placeholder TRAIL when the record names no trail. */
function trailArgument(result: RuleResult): string {
  return result.resource.id === '' ? 'TRAIL' : shellQuote(result.resource.id);
}

function criticalGrant(setting: string, via: string): GrantSpec {
  return { kind: 'guard-lowered', setting, severity: 'critical', via };
}

// ---------------------------------------------------------------------------------------------
// StopLogging and DeleteTrail
// ---------------------------------------------------------------------------------------------

export const trailLoggingStopped: RuleDefinition = {
  id: 'cloudtrail-logging-stopped',
  eventSource: EVENT_SOURCE,
  eventNames: ['StopLogging', 'DeleteTrail'],
  title: 'CloudTrail trail stopped or deleted',
  resourceLabel: 'CloudTrail trail',
  category: 'tamper',

  extract(record, context = {}) {
    const warnings: string[] = [];
    const resource = trailResource(record, 'name', warnings, context.ownerAccountId ?? ownerAccountId(record));
    const deleted = eventName(record) === 'DeleteTrail';
    const grant = deleted ? criticalGrant('Trail=deleted', 'DeleteTrail') : criticalGrant('IsLogging=false', 'StopLogging');
    return { resource, grants: [grant], warnings, details: { deleted: deleted ? 1 : 0 } };
  },

  remediation({ result, region: eventRegion }) {
    const quotedRegion = shellQuote(eventRegion);
    const name = trailArgument(result);
    if (result.details?.deleted === 1) {
      // The trail's bucket, key and selectors went with it, so the user must fill in BUCKET.
      return (
        `aws cloudtrail create-trail --region ${quotedRegion} --name ${name} --s3-bucket-name BUCKET --is-multi-region-trail` +
        ` && aws cloudtrail start-logging --region ${quotedRegion} --name ${name}`
      );
    }
    return `aws cloudtrail start-logging --region ${quotedRegion} --name ${name}`;
  },
};

// ---------------------------------------------------------------------------------------------
// UpdateTrail
// ---------------------------------------------------------------------------------------------

/** The UpdateTrail flags whose `false` narrows what reaches EventBridge, with the CLI option that sets each back. */
const NARROWING_FLAGS = [
  { parameter: 'isMultiRegionTrail', setting: 'IsMultiRegionTrail=false', option: '--is-multi-region-trail' },
  { parameter: 'includeGlobalServiceEvents', setting: 'IncludeGlobalServiceEvents=false', option: '--include-global-service-events' },
] as const;

export const trailNarrowed: RuleDefinition = {
  id: 'cloudtrail-trail-narrowed',
  eventSource: EVENT_SOURCE,
  eventNames: ['UpdateTrail'],
  title: 'CloudTrail trail narrowed to one region or without global service events',
  resourceLabel: 'CloudTrail trail',
  category: 'tamper',

  // Only an UpdateTrail that turns a flag off is routed; clients may send the flag as a string.
  patternFilters: () =>
    NARROWING_FLAGS.map((flag) => ({ requestParameters: { [flag.parameter]: [false, 'false'] } })),

  extract(record, context = {}) {
    const warnings: string[] = [];
    const parameters = requestParameters(record);
    const lowered: string[] = [];
    const options: string[] = [];
    for (const flag of NARROWING_FLAGS) {
      const value = field(parameters, flag.parameter);
      if (value === undefined || value === null) {
        // UpdateTrail leaves a setting that the request does not name unchanged.
        continue;
      }
      const on = readBoolean(value);
      if (on === undefined) {
        warnings.push(`requestParameters.${flag.parameter} is not a boolean`);
      } else if (!on) {
        lowered.push(flag.setting);
        options.push(flag.option);
      }
    }
    if (lowered.length === 0 && warnings.length === 0) {
      return undefined;
    }
    const resource = trailResource(record, 'name', warnings, context.ownerAccountId ?? ownerAccountId(record));
    const grants = lowered.length === 0 ? [] : [criticalGrant(lowered.join(', '), 'UpdateTrail')];
    return { resource, grants, warnings, details: { options: options.join(' ') } };
  },

  remediation({ result, region: eventRegion }) {
    const options = typeof result.details?.options === 'string' ? result.details.options : '';
    return `aws cloudtrail update-trail --region ${shellQuote(eventRegion)} --name ${trailArgument(result)} ${options}`.trimEnd();
  },
};

// ---------------------------------------------------------------------------------------------
// PutEventSelectors
// ---------------------------------------------------------------------------------------------

/** The management events one selector logs. */
type ManagementScope = 'none' | 'read-only' | 'write';

/**
 * Reads a basic event selector. Both fields are optional: `IncludeManagementEvents` defaults to
 * true and `ReadWriteType` to `All` (CloudTrail API reference, EventSelector).
 */
function basicSelectorScope(selector: unknown, index: number, warnings: string[]): ManagementScope {
  if (!isObject(selector)) {
    warnings.push(`eventSelectors[${index}] is not an object`);
    return 'none';
  }
  const includeValue = field(selector, 'includeManagementEvents');
  const include = includeValue === undefined || includeValue === null ? true : readBoolean(includeValue);
  if (include === undefined) {
    warnings.push(`eventSelectors[${index}].includeManagementEvents is not a boolean`);
    return 'none';
  }
  if (!include) {
    return 'none';
  }
  const readWriteValue = field(selector, 'readWriteType');
  const readWriteType = readWriteValue === undefined || readWriteValue === null ? 'All' : str(readWriteValue);
  if (readWriteType === 'All' || readWriteType === 'WriteOnly') {
    return 'write';
  }
  if (readWriteType === 'ReadOnly') {
    return 'read-only';
  }
  warnings.push(`eventSelectors[${index}].readWriteType is not All, ReadOnly or WriteOnly`);
  return 'none';
}

/** Returns the string values of one operator, such as `equals`, of an advanced field selector. */
function operatorValues(fieldSelector: unknown, operator: string): string[] {
  const values = field(fieldSelector, operator);
  return Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
}

/**
 * Reads an advanced event selector. Its field selectors are ANDed: the selector logs management
 * events only when `eventCategory` equals `Management`, and write events unless `readOnly` is
 * limited to `true`.
 *
 * NOTE: an `eventSource` condition that leaves out some services still counts as keeping write
 * management events, so excluding only a few sources raises no finding.
 */
function advancedSelectorScope(selector: unknown, index: number, warnings: string[]): ManagementScope {
  const fieldSelectors = field(selector, 'fieldSelectors');
  if (!Array.isArray(fieldSelectors)) {
    warnings.push(`advancedEventSelectors[${index}].fieldSelectors is not a list`);
    return 'none';
  }
  let management = false;
  let writes = true;
  for (const fieldSelector of fieldSelectors) {
    const name = str(fieldSelector, 'field');
    if (name === 'eventCategory') {
      management = operatorValues(fieldSelector, 'equals').includes('Management') && !operatorValues(fieldSelector, 'notEquals').includes('Management');
    } else if (name === 'readOnly') {
      const equals = operatorValues(fieldSelector, 'equals');
      const notEquals = operatorValues(fieldSelector, 'notEquals');
      if ((equals.length > 0 && !equals.includes('false')) || notEquals.includes('false')) {
        writes = false;
      }
    }
  }
  if (!management) {
    return 'none';
  }
  return writes ? 'write' : 'read-only';
}

/** Returns the lowered setting, or undefined when some selector still keeps write management events. */
function loweredSelectorSetting(parameters: Record<string, unknown> | undefined, warnings: string[]): string | undefined {
  const basic = field(parameters, 'eventSelectors');
  const advanced = field(parameters, 'advancedEventSelectors');
  if (!Array.isArray(basic) && !Array.isArray(advanced)) {
    warnings.push('requestParameters.eventSelectors and advancedEventSelectors are missing, so the new selectors are unknown');
    return undefined;
  }
  const basicScopes = Array.isArray(basic) ? basic.map((selector, index) => basicSelectorScope(selector, index, warnings)) : [];
  const advancedScopes = Array.isArray(advanced) ? advanced.map((selector, index) => advancedSelectorScope(selector, index, warnings)) : [];
  const scopes = [...basicScopes, ...advancedScopes];
  if (scopes.includes('write')) {
    return undefined;
  }
  if (scopes.length === 0) {
    return 'no event selectors';
  }
  const readOnlyKept = scopes.includes('read-only');
  if (Array.isArray(advanced) && advanced.length > 0) {
    return readOnlyKept ? 'advanced selectors log read-only management events only' : 'advanced selectors log no management events';
  }
  return readOnlyKept ? 'ReadWriteType=ReadOnly' : 'IncludeManagementEvents=false';
}

const ALL_MANAGEMENT_EVENTS = '[{"ReadWriteType":"All","IncludeManagementEvents":true}]';

export const managementEventsExcluded: RuleDefinition = {
  id: 'cloudtrail-management-events-excluded',
  eventSource: EVENT_SOURCE,
  eventNames: ['PutEventSelectors'],
  title: 'CloudTrail event selectors without write management events',
  resourceLabel: 'CloudTrail trail',
  category: 'tamper',

  extract(record, context = {}) {
    const warnings: string[] = [];
    const setting = loweredSelectorSetting(requestParameters(record), warnings);
    if (setting === undefined && warnings.length === 0) {
      return undefined;
    }
    const resource = trailResource(record, 'trailName', warnings, context.ownerAccountId ?? ownerAccountId(record));
    const grants = setting === undefined ? [] : [criticalGrant(setting, 'PutEventSelectors')];
    return { resource, grants, warnings };
  },

  remediation({ result, region: eventRegion }) {
    // NOTE: PutEventSelectors replaces every selector of the trail, so data event selectors must be added back to this list.
    return `aws cloudtrail put-event-selectors --region ${shellQuote(eventRegion)} --trail-name ${trailArgument(result)} --event-selectors '${ALL_MANAGEMENT_EVENTS}'`;
  },
};
