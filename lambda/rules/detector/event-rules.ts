/**
 * EventBridge calls that change the detector's own rules, which route CloudTrail events to the
 * detection function: DisableRule, DeleteRule, PutRule, PutTargets and RemoveTargets. The first three
 * name the rule in `requestParameters.name`, the target calls in `requestParameters.rule`. The API
 * takes a rule name only, never an ARN (EventBridge API reference, RuleName: `[\.\-_A-Za-z0-9]+`).
 * `eventBusName`, a name or an ARN, defaults to the default bus. Across an organization, the
 * central bus has the detector's other rules.
 */
import { eventName, ownerAccountId, region, requestParameters, responseElements } from '../../core/record';
import { field, str, toArray } from '../../core/read';
import type { DetectorResources, ExtractContext, PatternFilter, RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { CloudTrailRecord, RuleResult } from '../../core/types';
import { detectorRuleNames, driftRemediation, MAX_SETTING_VALUE, stackDetails, tamperGrant } from './deployment';

const EVENT_SOURCE = 'events.amazonaws.com';
const RESOURCE_TYPE = 'AWS::Events::Rule';

/** The calls that name the rule in `requestParameters.name`. */
const NAME_CALLS = ['DeleteRule', 'DisableRule', 'PutRule'];
/** The calls that name the rule in `requestParameters.rule`. */
const TARGET_CALLS = ['PutTargets', 'RemoveTargets'];
/** Target ids listed in a setting before the rest are counted. */
const MAX_LISTED_TARGETS = 10;

const BUS_ARN = /^arn:aws[\w-]*:events:[^:]+:(\d{12}):event-bus\/[^/]+$/;

function ruleParameter(record: CloudTrailRecord): string {
  return TARGET_CALLS.includes(eventName(record)) ? 'rule' : 'name';
}

/**
 * Tells whether the call is on a bus of the owner's account. The detector's rules sit on the
 * default bus and, across an organization, on the central bus, and their names carry the stack's
 * prefix, so the name decides. A bus ARN of another account names another account's rule.
 */
function onOwnBus(record: CloudTrailRecord, owner: string | undefined): boolean {
  const bus = field(requestParameters(record), 'eventBusName');
  if (bus === undefined || bus === null) {
    return true;
  }
  if (typeof bus !== 'string') {
    return false;
  }
  const match = BUS_ARN.exec(bus);
  return match === null ? !bus.startsWith('arn:') : owner === undefined || match[1] === owner;
}

/** Returns the detector rule the call names, or undefined when it names another rule or bus. */
function detectorRuleName(record: CloudTrailRecord, context: ExtractContext): string | undefined {
  const names = detectorRuleNames(context.detector);
  const name = str(requestParameters(record), ruleParameter(record));
  if (name === undefined || !names.includes(name)) {
    return undefined;
  }
  return onOwnBus(record, context.ownerAccountId ?? ownerAccountId(record)) ? name : undefined;
}

function ruleResource(record: CloudTrailRecord, name: string, owner: string | undefined): RuleResult['resource'] {
  const id = bound(name, MAX_SETTING_VALUE);
  const responseArn = str(responseElements(record), 'ruleArn');
  if (responseArn !== undefined && responseArn.startsWith('arn:')) {
    return { type: RESOURCE_TYPE, id, arn: bound(responseArn, 512) };
  }
  const ruleRegion = region(record);
  if (ruleRegion !== '' && owner !== undefined && owner !== '') {
    return { type: RESOURCE_TYPE, id, arn: bound(`arn:aws:events:${ruleRegion}:${owner}:rule/${name}`, 512) };
  }
  return { type: RESOURCE_TYPE, id };
}

/** Lists the target ids a target call names, bounded, for the setting. */
function targetIds(record: CloudTrailRecord, warnings: string[]): string {
  const parameters = requestParameters(record);
  const listed = eventName(record) === 'PutTargets' ? toArray(field(parameters, 'targets')).map((target) => field(target, 'id')) : toArray(field(parameters, 'ids'));
  const ids = listed.filter((id): id is string => typeof id === 'string');
  if (ids.length === 0) {
    warnings.push(`requestParameters.${eventName(record) === 'PutTargets' ? 'targets' : 'ids'} names no target`);
    return '';
  }
  const listedIds = ids.slice(0, MAX_LISTED_TARGETS).map((id) => bound(id, 64));
  const more = ids.length > MAX_LISTED_TARGETS ? ` and ${ids.length - MAX_LISTED_TARGETS} more` : '';
  return `: ${listedIds.join(', ')}${more}`;
}

/** Describes what the call did to the rule, and whether `enable-rule` undoes part of it. */
function describeChange(record: CloudTrailRecord, rule: string, warnings: string[]): { setting: string; disabled: boolean } {
  const parameters = requestParameters(record);
  switch (eventName(record)) {
    case 'DisableRule':
      return { setting: `EventBridge rule ${rule} disabled`, disabled: true };
    case 'DeleteRule':
      return { setting: `EventBridge rule ${rule} deleted`, disabled: false };
    case 'PutTargets':
      return { setting: `EventBridge rule ${rule} targets added or updated${targetIds(record, warnings)}`, disabled: false };
    case 'RemoveTargets':
      return { setting: `EventBridge rule ${rule} targets removed${targetIds(record, warnings)}`, disabled: false };
    default: {
      // NOTE: PutRule replaces the whole rule, and this rule cannot tell whether the new pattern
      // differs from the deployed one. So any PutRule outside a CloudFormation deployment alerts.
      const disabled = str(parameters, 'state') === 'DISABLED';
      const patternSent = field(parameters, 'eventPattern') !== undefined && field(parameters, 'eventPattern') !== null;
      if (disabled && patternSent) {
        return { setting: `EventBridge rule ${rule} disabled and its pattern replaced`, disabled };
      }
      if (disabled) {
        return { setting: `EventBridge rule ${rule} disabled`, disabled };
      }
      return { setting: patternSent ? `EventBridge rule ${rule} pattern replaced` : `EventBridge rule ${rule} replaced`, disabled };
    }
  }
}

export const detectorEventRuleChanged: RuleDefinition = {
  id: 'detector-event-rule-changed',
  eventSource: EVENT_SOURCE,
  eventNames: [...NAME_CALLS, ...TARGET_CALLS],
  title: "Detector's EventBridge rule disabled, deleted or changed",
  resourceLabel: 'EventBridge rule',
  category: 'tamper',

  appliesTo(record, context) {
    return detectorRuleName(record, context) !== undefined;
  },

  patternFilters(detector: DetectorResources | undefined): PatternFilter[] {
    const names = detectorRuleNames(detector);
    if (names.length === 0) {
      return [];
    }
    return [
      { eventNames: NAME_CALLS, eventNamePrefixes: [], requestParameters: { name: [...names] } },
      { eventNames: TARGET_CALLS, eventNamePrefixes: [], requestParameters: { rule: [...names] } },
    ];
  },

  extract(record, context = {}) {
    const warnings: string[] = [];
    const name = str(requestParameters(record), ruleParameter(record)) ?? '';
    if (name === '') {
      warnings.push(`requestParameters.${ruleParameter(record)} is missing`);
    }
    const boundedName = bound(name, MAX_SETTING_VALUE);
    const { setting, disabled } = describeChange(record, boundedName, warnings);
    return {
      resource: ruleResource(record, name, context.ownerAccountId ?? ownerAccountId(record)),
      grants: [tamperGrant(record, context.detector, setting, eventName(record))],
      warnings,
      details: { ...stackDetails(context.detector), disabled: disabled ? 1 : 0, replaced: eventName(record) === 'PutRule' ? 1 : 0 },
    };
  },

  remediation({ result, region: eventRegion }) {
    const drift = driftRemediation(result, eventRegion);
    if (result.details?.disabled !== 1 || result.resource.id === '') {
      return drift;
    }
    const enable = `aws events enable-rule --region ${shellQuote(eventRegion)} --name ${shellQuote(result.resource.id)}`;
    // DisableRule changes only the state, so enabling the rule undoes it. PutRule may also have replaced the pattern.
    return result.details.replaced === 1 ? `${enable}\n${drift}` : enable;
  },
};
