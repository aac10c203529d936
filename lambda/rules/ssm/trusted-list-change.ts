/**
 * Changes to the trusted-list SSM parameter, which decides which grants stay quiet: an attacker who
 * adds their own account to it can then share in silence. PutParameter raises a `high`
 * guard-lowered grant, DeleteParameter and a DeleteParameters that names the list a `critical` one,
 * and LabelParameterVersion a `low` one. A call that CloudFormation made is trusted, because the
 * stack writes the parameter on every deployment.
 *
 * PutParameter, DeleteParameter(s) and LabelParameterVersion accept the parameter name only, not
 * its ARN (SSM API reference, as bundled with @aws-sdk/client-ssm 3.1178.0), so the rule compares
 * names. CloudTrail logs the written value as `HIDDEN_DUE_TO_SECURITY_REASONS`, so this pure rule
 * cannot tell which entries changed. `lambda/trusted-list-history.ts` reads them from
 * GetParameterHistory.
 */
import { errorCode, eventName, ownerAccountId, region, requestParameters, responseElements } from '../../core/record';
import { field, str, strings } from '../../core/read';
import type { DetectorResources, ExtractContext, PatternFilter, RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { CloudTrailRecord, GrantSpec, RuleResult, Severity } from '../../core/types';
import { isCloudFormationDeployment } from '../detector/deployment';

const RESOURCE_TYPE = 'AWS::SSM::Parameter';
/** SSM allows at most 10 labels per version, so anything beyond is cut from the finding. */
const MAX_LABELS = 10;
const MAX_LABEL_LENGTH = 100;

/** Label of a PutParameter grant before the change is read from the parameter history. */
export const NOT_COMPARED_LABEL = 'entries added and removed not compared: CloudTrail hides the value written';

/** Returns the parameter names in the request: `names` for DeleteParameters, `name` for the others. */
function namedParameters(record: CloudTrailRecord): string[] {
  const parameters = requestParameters(record);
  if (eventName(record) === 'DeleteParameters') {
    return strings(field(parameters, 'names')).map((name) => name.trim());
  }
  const name = str(parameters, 'name');
  // SSM removes spaces at the start and end of a parameter name.
  return name === undefined ? [] : [name.trim()];
}

function isTrustedList(record: CloudTrailRecord, context: ExtractContext): boolean {
  const parameter = context.detector?.trustedListParameter;
  return parameter !== undefined && parameter !== '' && namedParameters(record).includes(parameter);
}

function parameterResource(name: string, record: CloudTrailRecord, owner: string | undefined): RuleResult['resource'] {
  const eventRegion = region(record);
  if (eventRegion === '' || owner === undefined || owner === '') {
    return { type: RESOURCE_TYPE, id: bound(name, 2048) };
  }
  // A parameter ARN has no slash between `parameter` and a hierarchical name's leading slash.
  return { type: RESOURCE_TYPE, id: bound(name, 2048), arn: bound(`arn:aws:ssm:${eventRegion}:${owner}:parameter/${name.replace(/^\//, '')}`, 2048) };
}

/** Reads a positive integer version that a client may have logged as a number or a string. */
function readVersion(value: unknown): number | undefined {
  const text = str(value);
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) {
    return undefined;
  }
  const version = Number(text.trim());
  return version > 0 ? version : undefined;
}

/** Returns the parameter version that a PutParameter wrote, from its response, or undefined when the record lacks it. */
export function versionWritten(record: CloudTrailRecord): number | undefined {
  return readVersion(field(responseElements(record), 'version'));
}

function guard(setting: string, severity: Severity, via: string, label?: string): GrantSpec {
  const grant: GrantSpec = { kind: 'guard-lowered', setting, severity, via };
  if (label !== undefined) {
    grant.label = label;
  }
  return grant;
}

function readPut(record: CloudTrailRecord, resource: RuleResult['resource']): RuleResult {
  const warnings: string[] = [];
  const version = versionWritten(record);
  const details: Record<string, string | number> = { call: 'put' };
  const type = str(requestParameters(record), 'type');
  if (type === 'String' || type === 'StringList') {
    details.type = type;
  }
  if (version === undefined) {
    if (errorCode(record) === undefined) {
      warnings.push('responseElements.version is missing, so the version written is unknown');
    }
    return { resource, grants: [guard('trusted list changed', 'high', 'PutParameter', NOT_COMPARED_LABEL)], warnings, details };
  }
  details.version = version;
  return { resource, grants: [guard(`trusted list changed to version ${version}`, 'high', 'PutParameter', NOT_COMPARED_LABEL)], warnings, details };
}

function readDelete(record: CloudTrailRecord, resource: RuleResult['resource'], parameter: string): RuleResult | undefined {
  const name = eventName(record);
  if (name === 'DeleteParameters') {
    const response = responseElements(record);
    const invalid = strings(field(response, 'invalidParameters'));
    const deleted = strings(field(response, 'deletedParameters'));
    // SSM lists a name that did not exist under invalidParameters, so such a call deleted nothing.
    if (invalid.includes(parameter) && !deleted.includes(parameter)) {
      return undefined;
    }
  }
  return { resource, grants: [guard('trusted list deleted', 'critical', name)], warnings: [], details: { call: 'delete' } };
}

// A label does not change the latest version, which is the one the detector reads.
const LABEL_SEVERITY = 'low';

function readLabel(record: CloudTrailRecord, resource: RuleResult['resource']): RuleResult {
  const warnings: string[] = [];
  const parameters = requestParameters(record);
  const response = responseElements(record);
  const invalid = new Set(strings(field(response, 'invalidLabels')));
  const requested = strings(field(parameters, 'labels'));
  if (requested.length === 0) {
    warnings.push('requestParameters.labels is missing');
  }
  const labels = requested.filter((label) => !invalid.has(label));
  const attached = labels.slice(0, MAX_LABELS).map((label) => bound(label, MAX_LABEL_LENGTH));
  if (labels.length > MAX_LABELS) {
    warnings.push(`only the first ${MAX_LABELS} of ${labels.length} labels were read`);
  }
  // The response names the version labeled, which the request may leave out to mean the latest.
  const version = readVersion(field(response, 'parameterVersion')) ?? readVersion(field(parameters, 'parameterVersion'));
  const target = version === undefined ? 'the latest version' : `version ${version}`;
  const details: Record<string, string | number> = { call: 'label', labels: JSON.stringify(attached) };
  if (version !== undefined) {
    details.version = version;
  }
  if (attached.length === 0) {
    // A request without labels leaves the labels moved unknown, and one with only invalid labels attached none.
    return { resource, grants: [], warnings, details };
  }
  const setting = `trusted list labels ${attached.join(', ')} moved to ${target}`;
  return { resource, grants: [guard(setting, LABEL_SEVERITY, 'LabelParameterVersion')], warnings, details };
}

function trustedListPatternFilters(detector: DetectorResources | undefined): PatternFilter[] {
  const parameter = detector?.trustedListParameter;
  if (parameter === undefined || parameter === '') {
    return [];
  }
  return [
    { eventNames: ['PutParameter', 'DeleteParameter', 'LabelParameterVersion'], requestParameters: { name: [parameter] } },
    { eventNames: ['DeleteParameters'], requestParameters: { names: [parameter] } },
  ];
}

function readLabels(result: RuleResult): string[] {
  const text = result.details?.labels;
  if (typeof text !== 'string') {
    return [];
  }
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((label): label is string => typeof label === 'string') : [];
  } catch {
    return [];
  }
}

function historyQuery(version: unknown): string {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return "'Parameters[-2:].[Version,LastModifiedUser,Value]'";
  }
  const versions = version > 1 ? `Version==\`${version - 1}\` || Version==\`${version}\`` : `Version==\`${version}\``;
  return `'Parameters[?${versions}].[Version,LastModifiedUser,Value]'`;
}

export const trustedListChange: RuleDefinition = {
  id: 'ssm-trusted-list-changed',
  eventSource: 'ssm.amazonaws.com',
  eventNames: ['PutParameter', 'DeleteParameter', 'DeleteParameters', 'LabelParameterVersion'],
  title: 'share-sentinel trusted list parameter changed, deleted or labeled',
  resourceLabel: 'SSM parameter',
  category: 'tamper',

  appliesTo: isTrustedList,
  patternFilters: trustedListPatternFilters,

  extract(record, context = {}) {
    const parameter = context.detector?.trustedListParameter;
    if (parameter === undefined || parameter === '' || !isTrustedList(record, context)) {
      return undefined;
    }
    const resource = parameterResource(parameter, record, context.ownerAccountId ?? ownerAccountId(record));
    const name = eventName(record);

    if (isCloudFormationDeployment(record)) {
      const stack = context.detector?.stackName;
      // NOTE: any CloudFormation deployment passes, including one of another stack that writes this parameter.
      const label = stack === undefined || stack === '' ? 'CloudFormation deployment' : `CloudFormation deployment of stack ${bound(stack, 256)}`;
      return { resource, grants: [{ kind: 'guard-lowered', setting: `trusted list written by ${name}`, via: name, trusted: true, label }], warnings: [] };
    }

    switch (name) {
      case 'PutParameter':
        return readPut(record, resource);
      case 'DeleteParameter':
      case 'DeleteParameters':
        return readDelete(record, resource, parameter);
      case 'LabelParameterVersion':
        return readLabel(record, resource);
      default:
        return undefined;
    }
  },

  remediation({ result, region: eventRegion }) {
    const target = `--region ${shellQuote(eventRegion)} --name ${shellQuote(result.resource.id)}`;
    const call = result.details?.call;
    if (call === 'delete') {
      return `aws ssm put-parameter ${target} --type StringList --value ACCOUNT_IDS  # ACCOUNT_IDS: the trusted ids, comma-separated; the parameter's history went with it`;
    }
    if (call === 'label') {
      const labels = readLabels(result);
      const version = result.details?.version;
      if (labels.length === 0 || typeof version !== 'number') {
        return `aws ssm get-parameter-history ${target} --query 'Parameters[].[Version,Labels]' --output text`;
      }
      return `aws ssm unlabel-parameter-version ${target} --parameter-version ${version} --labels ${labels.map(shellQuote).join(' ')}`;
    }
    const type = result.details?.type === 'String' ? 'String' : 'StringList';
    return (
      `aws ssm get-parameter-history ${target} --query ${historyQuery(result.details?.version)} --output text` +
      `  # to undo, write back the previous version's value: aws ssm put-parameter ${target} --type ${type} --overwrite --value PREVIOUS_VALUE`
    );
  },
};
