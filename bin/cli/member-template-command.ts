/**
 * `share-sentinel member-template`: writes the CloudFormation template that member accounts of an
 * organization run, through a service-managed StackSet, to forward their sharing calls to the
 * central event bus in the security account.
 */
import { promises as fs } from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EVENT_BUS_ARN_PATTERN, ShareSentinelMemberForwarderStack } from '../../lib/member-forwarder-stack';
import type { CommandIo } from './scan-command';
import { describeFsError } from './inputs';
import { MEMBER_TEMPLATE_USAGE, UsageError } from './usage';

export const DEFAULT_MEMBER_TEMPLATE_FILE = 'share-sentinel-member-forwarder.json';
export const MEMBER_STACK_ID = 'ShareSentinelMemberForwarder';

/** Synthesizes the member template and returns it as minified JSON, which `--template-body` takes up to 51,200 bytes of. */
export function synthesizeMemberTemplate(centralEventBusArn: string): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'share-sentinel-member-'));
  try {
    const app = new App({ outdir });
    const stack = new ShareSentinelMemberForwarderStack(app, MEMBER_STACK_ID, {
      description: 'share-sentinel: forwards sharing and trail calls of this account and region to the central event bus',
      centralEventBusArn,
    });
    // The main app's AwsSolutions checks run here too, so an unacknowledged finding fails synthesis.
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const template = readFileSync(path.join(assembly.directory, assembly.getStackArtifact(stack.artifactId).templateFile), 'utf8');
    return JSON.stringify(JSON.parse(template));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs `member-template` with the given arguments and returns the exit status. */
export async function runMemberTemplate(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'central-bus-arn': { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(MEMBER_TEMPLATE_USAGE);
    return 0;
  }

  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; the bus ARN goes after --central-bus-arn`);
  }
  const arn = values['central-bus-arn'];
  if (arn === undefined) {
    throw new UsageError('--central-bus-arn is missing; pass the CentralEventBusArn output of the ShareSentinel stack');
  }
  if (!new RegExp(EVENT_BUS_ARN_PATTERN).test(arn)) {
    throw new UsageError(`invalid --central-bus-arn ${JSON.stringify(arn)}; expected an event bus ARN such as arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel`);
  }
  if (arn.endsWith(':event-bus/default')) {
    throw new UsageError(`invalid --central-bus-arn ${JSON.stringify(arn)}: a default bus admits no other account; pass the CentralEventBusArn output of the ShareSentinel stack`);
  }

  const output = values.output ?? DEFAULT_MEMBER_TEMPLATE_FILE;
  const template = `${synthesizeMemberTemplate(arn)}\n`;
  try {
    await fs.writeFile(output, template);
  } catch (error) {
    throw new UsageError(`cannot write --output ${JSON.stringify(output)}: ${describeFsError(error)}`);
  }
  io.stderr.write(`share-sentinel: wrote ${output} (${Buffer.byteLength(template)} bytes), forwarding to ${arn}\n`);
  return 0;
}
