/** Values shared by the tests of the rules about the detector's own resources. */
import { DETECTOR } from '../../support/fixtures';

export const REGION = 'us-east-1';

/** The command every detector rule gives when no single command undoes the change. */
export const DRIFT =
  `aws cloudformation detect-stack-drift --region ${REGION} --stack-name ${DETECTOR.stackName}` +
  '  # then redeploy the stack. CloudFormation updates only resources whose template changed, so a drifted resource may need a template change or a new stack';

/** A name that tries to break out of a shell command, with a newline that would end it. */
export const HOSTILE = "x'$(touch /tmp/owned)\n`id`";
/** HOSTILE as shellQuote writes it. */
export const HOSTILE_QUOTED = "$'x\\'$(touch /tmp/owned)\\x0a`id`'";

export function critical(setting: string, via: string): Record<string, unknown> {
  return { kind: 'guard-lowered', setting, severity: 'critical', via, trusted: false };
}

export function deployed(setting: string, via: string): Record<string, unknown> {
  return { kind: 'guard-lowered', setting, severity: 'critical', via, trusted: true, label: `CloudFormation deployment of stack ${DETECTOR.stackName}` };
}
