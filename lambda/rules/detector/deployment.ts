/**
 * Helpers shared by the rules that watch the detector's own resources: the critical grant a change
 * raises, how a CloudFormation deployment of the stack is recognised, and the fix when no single
 * command undoes the change.
 */
import { str } from '../../core/read';
import type { DetectorResources, RemediationInput } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { CloudTrailRecord, GrantSpec, RuleResult } from '../../core/types';

/** The `sourceIPAddress`, `userAgent` and `invokedBy` that CloudTrail records for calls CloudFormation makes. */
export const CLOUDFORMATION_SERVICE = 'cloudformation.amazonaws.com';

/** Maximum length of a value from the event quoted in a finding's setting. */
export const MAX_SETTING_VALUE = 256;

/**
 * Returns a detector setting when it is a non-empty string. The settings come from the function's
 * environment or the scanner's options, which a typo can leave empty or of another type.
 */
export function detectorSetting(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Returns the detector's rule names, without any value that is not a non-empty string. */
export function detectorRuleNames(detector: DetectorResources | undefined): string[] {
  const names: unknown = detector?.ruleNames;
  return Array.isArray(names) ? names.filter((name): name is string => detectorSetting(name) !== undefined) : [];
}

/**
 * Tells whether CloudFormation made the call, as it does when it deploys or updates the stack.
 * AWS sets `sourceIPAddress` to the service name for calls a service makes, and a caller cannot
 * set it.
 *
 * NOTE: any CloudFormation deployment passes, including an UpdateStack that an attacker runs on this
 * stack with a template that switches the detector off. Such a change shows only as a stack update.
 */
export function isCloudFormationDeployment(record: CloudTrailRecord): boolean {
  return str(record, 'sourceIPAddress') === CLOUDFORMATION_SERVICE;
}

/**
 * Builds the critical guard-lowered grant of a change to the detector. A change that CloudFormation
 * made is marked trusted and labelled with the stack, so that it raises no alert.
 */
export function tamperGrant(record: CloudTrailRecord, detector: DetectorResources | undefined, setting: string, via: string): GrantSpec {
  const grant: GrantSpec = { kind: 'guard-lowered', setting, severity: 'critical', via: bound(via, 128) };
  if (!isCloudFormationDeployment(record)) {
    return grant;
  }
  const stackName = detectorSetting(detector?.stackName);
  const label = stackName !== undefined ? `CloudFormation deployment of stack ${bound(stackName, 128)}` : 'a CloudFormation deployment';
  return { ...grant, trusted: true, label };
}

/** Returns the details every detector rule stores: the stack name, which the drift command needs. */
export function stackDetails(detector: DetectorResources | undefined): Record<string, string> {
  const stackName = detectorSetting(detector?.stackName);
  return stackName !== undefined ? { stackName: bound(stackName, 128) } : {};
}

/**
 * Builds the command that shows which of the stack's resources were changed or deleted, with the
 * next step in a comment. The stack name comes from the result's details, or is the placeholder STACK.
 */
export function driftRemediation(result: RuleResult, region: string): string {
  const stackName = result.details?.stackName;
  const stack = typeof stackName === 'string' && stackName !== '' ? shellQuote(stackName) : 'STACK';
  return (
    `aws cloudformation detect-stack-drift --region ${shellQuote(region)} --stack-name ${stack}` +
    '  # then redeploy the stack. CloudFormation updates only resources whose template changed, so a drifted resource may need a template change or a new stack'
  );
}

/**
 * Adds the grants and warnings of a sharing rule that reads the same call, so that a policy written
 * onto the detector's topic or key also shows whom it shares with.
 */
export function mergeSharingResult(own: RuleResult, sharing: RuleResult | undefined): RuleResult {
  if (sharing === undefined) {
    return own;
  }
  return { ...own, grants: [...own.grants, ...sharing.grants], warnings: [...own.warnings, ...sharing.warnings] };
}

/**
 * Builds the fix for a call that may both change the detector and share its resource: the sharing
 * rule's commands for the untrusted sharing grants, if any, then the drift command unless
 * CloudFormation made the change.
 */
export function mergedRemediation(input: RemediationInput, sharingRemediation: (input: RemediationInput) => string): string {
  const sharing = input.untrusted.filter((grant) => grant.kind !== 'guard-lowered');
  const lines = sharing.length > 0 ? [sharingRemediation({ ...input, untrusted: sharing })] : [];
  if (sharing.length < input.untrusted.length) {
    lines.push(driftRemediation(input.result, input.region));
  }
  return lines.join('\n');
}
