/** bin/app.ts warns about settings that would leave a deployed detector quiet. */
import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/app';
import { ShareSentinelStack } from '../../lib/share-sentinel-stack';

function mainStack(context: Record<string, string>): ShareSentinelStack {
  const saved = process.env.CDK_DEFAULT_REGION;
  process.env.CDK_DEFAULT_REGION = 'us-east-1';
  try {
    const app = buildApp(new App({ context }));
    return app.node.children.find((child): child is ShareSentinelStack => child instanceof ShareSentinelStack)!;
  } finally {
    if (saved === undefined) delete process.env.CDK_DEFAULT_REGION;
    else process.env.CDK_DEFAULT_REGION = saved;
  }
}

describe('context warnings', () => {
  // Bundling the function takes about a second per app, so each app is built once.
  const misspelled = mainStack({ alertemail: 'security@example.com' });
  const configured = mainStack({ alertEmail: 'security@example.com' });

  it('names a misspelled key', () => {
    Annotations.fromStack(misspelled).hasWarning('*', Match.stringLikeRegexp('context key "alertemail" is not read by this app; did you mean alertEmail\\?'));
  });

  it('warns when nobody is alerted', () => {
    Annotations.fromStack(misspelled).hasWarning('*', Match.stringLikeRegexp('no alertEmail and no Slack channel'));
  });

  it('stays quiet when configured', () => {
    Annotations.fromStack(configured).hasNoWarning('*', Match.stringLikeRegexp('context key|no alertEmail'));
  });
});
