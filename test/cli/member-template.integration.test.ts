/**
 * `share-sentinel member-template`: the file it writes, its bad arguments, and the template
 * deployed as a stack into moto_server's CloudFormation on 127.0.0.1, as a member account would
 * run it. StackSets need a real organization, so the deploy stops at one stack.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { buildEventPatterns, type CloudTrailPattern } from '../../lib/event-pattern';
import { startMoto, type MotoServer } from '../support/moto';
import { removeTemporaryFolders, runMain, temporaryFolder } from './harness';

jest.setTimeout(90_000);

const BUS_ARN = 'arn:aws:events:eu-west-1:111122223333:event-bus/share-sentinel';

let folder: string;
let templateFile: string;
let template: { Parameters: Record<string, { Default?: string }>; Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Rules?: unknown };

beforeAll(async () => {
  folder = temporaryFolder();
  templateFile = path.join(folder, 'member.json');
  const result = await runMain(['member-template', '--central-bus-arn', BUS_ARN, '--output', templateFile]);
  if (result.code !== 0) {
    throw new Error(`member-template failed: ${result.stderr}`);
  }
  template = JSON.parse(readFileSync(templateFile, 'utf8')) as typeof template;
});

afterAll(() => {
  removeTemporaryFolders();
});

describe('member-template file', () => {
  it('fits the template-body size limit', () => {
    expect(Buffer.byteLength(readFileSync(templateFile, 'utf8'))).toBeLessThan(51_200);
  });

  it('defaults the bus parameter to the given ARN', () => {
    expect(template.Parameters.CentralEventBusArn.Default).toBe(BUS_ARN);
  });

  it('needs no CDK bootstrap', () => {
    expect(Object.keys(template.Parameters)).toEqual(['CentralEventBusArn']);
    expect(template.Rules).toBeUndefined();
  });

  it('forwards every pattern without detector rules', () => {
    const patterns = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Events::Rule')
      .map((resource) => JSON.stringify(resource.Properties.EventPattern))
      .sort();

    expect(patterns).toEqual(buildEventPatterns().map((pattern) => JSON.stringify(pattern)).sort());
  });
});

describe('member-template arguments', () => {
  it.each([
    ['a missing ARN', [], '--central-bus-arn is missing'],
    ['an invalid ARN', ['--central-bus-arn', 'arn:aws:sns:eu-west-1:111122223333:alerts'], 'invalid --central-bus-arn "arn:aws:sns:eu-west-1:111122223333:alerts"'],
    ['a stray argument', ['--central-bus-arn', BUS_ARN, 'extra'], 'unexpected argument "extra"'],
    ['a default bus', ['--central-bus-arn', 'arn:aws:events:eu-west-1:111122223333:event-bus/default'], 'a default bus admits no other account'],
  ])('rejects %s', async (_case, args, message) => {
    const result = await runMain(['member-template', ...args]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('rejects an output folder that does not exist', async () => {
    const output = path.join(folder, 'absent', 'member.json');

    const result = await runMain(['member-template', '--central-bus-arn', BUS_ARN, '--output', output]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write --output ${JSON.stringify(output)}`);
  });
});

describe('member template deployed to moto', () => {
  let moto: MotoServer;
  const config = (endpoint: string) => ({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });

  beforeAll(async () => {
    moto = await startMoto();
    const cloudFormation = new CloudFormationClient(config(moto.endpoint));
    try {
      await cloudFormation.send(
        new CreateStackCommand({
          StackName: 'share-sentinel-member-forwarder',
          TemplateBody: readFileSync(templateFile, 'utf8'),
          Capabilities: ['CAPABILITY_IAM'],
          Parameters: [{ ParameterKey: 'CentralEventBusArn', ParameterValue: BUS_ARN }],
        }),
      );
      const { Stacks: stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'share-sentinel-member-forwarder' }));
      if (stacks[0]?.StackStatus !== 'CREATE_COMPLETE') {
        throw new Error(`the member stack ended in ${stacks[0]?.StackStatus}: ${stacks[0]?.StackStatusReason}`);
      }
    } finally {
      cloudFormation.destroy();
    }
  }, 90_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('creates one forwarding rule per pattern', async () => {
    const eventBridge = new EventBridgeClient(config(moto.endpoint));
    try {
      const { Rules: rules = [] } = await eventBridge.send(new ListRulesCommand({}));
      const patterns = rules.map((rule) => JSON.parse(rule.EventPattern ?? '{}') as CloudTrailPattern).map((pattern) => JSON.stringify(pattern));

      expect(patterns.sort()).toEqual(buildEventPatterns().map((pattern) => JSON.stringify(pattern)).sort());
    } finally {
      eventBridge.destroy();
    }
  });

  it('targets the central bus with a role and dead-letter queue', async () => {
    const eventBridge = new EventBridgeClient(config(moto.endpoint));
    try {
      const { Rules: rules = [] } = await eventBridge.send(new ListRulesCommand({}));
      for (const rule of rules) {
        const { Targets: targets = [] } = await eventBridge.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));

        expect(targets).toHaveLength(1);
        expect(targets[0]).toMatchObject({ Arn: BUS_ARN, RoleArn: expect.stringContaining(':role/'), DeadLetterConfig: { Arn: expect.stringContaining(':sqs:eu-west-1:') } });
      }
    } finally {
      eventBridge.destroy();
    }
  });
});
