/** Errors that end a command with exit status 2 and a message for the user. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const MAIN_USAGE = `Usage: share-sentinel <command> [options]

Commands:
  scan [PATH ...]   Scan CloudTrail log files for resources shared outside the trusted list.
  trusted SUBCOMMAND
                    List, check, add or remove ids in the trusted list's SSM parameter.
  member-template --central-bus-arn ARN
                    Write the template that member accounts run to forward to the central bus.
  help [COMMAND]    Show help for a command.

Run "share-sentinel help scan" for the options of a command.
`;

export const SCAN_USAGE = `Usage: share-sentinel scan [options] [PATH ...]

Reads CloudTrail records from files and folders (recursively) and prints one finding per event
that shares a resource with a principal outside the trusted list. With no PATH it scans the
bundled samples/ folder.

Inputs: .json, .jsonl, .ndjson and .gz files (gzip is recognised by content), holding a
CloudTrail log file ({"Records": [...]}), a single record, an EventBridge event, a JSON array of
either, JSON Lines, or the output of "aws cloudtrail lookup-events" (Event history). In folders,
CloudTrail digest files are skipped.

Options:
  --trusted ID[,ID...]     Trusted ids: 12-digit accounts, o- organizations, ou- OUs, vpce- VPC
                           endpoints, vpc- VPCs. Repeatable.
  --trusted-file FILE      Trusted ids from a file, in the SSM parameter's formats: comma- or
                           newline-separated ids, or a JSON object mapping each id to a label.
  --detector FILE          Names of a deployed detector's own resources, as JSON: the stack output
                           DetectorResources. With it, changes to the detector's rules, function,
                           topics, key and trusted list are findings, as the function reports them.
  --format table|json      table: one line per finding (default on a terminal).
                           json: one finding per line, as JSON (default when piped).
  --skip-failed            Leave out calls that returned an errorCode. By default they are
                           findings of severity medium, as attempted shares.
  --unrestricted-services  Report service principals with no source account or ARN as low.
  --exit-code N            Exit with status N (1-255) when there is at least one finding.
  --progress, --no-progress
                           Show or hide the progress line (default: shown on a terminal).
  -h, --help               Show this help.

Exit status: 0 when the scan completed, 2 on bad usage or when no input could be read, N from
--exit-code when there are findings.
`;

export const TRUSTED_USAGE = `Usage: share-sentinel trusted list [--parameter NAME]
       share-sentinel trusted add ID [--label TEXT] [--json] [--parameter NAME]
       share-sentinel trusted remove ID [--parameter NAME]
       share-sentinel trusted check ID [--parameter NAME]

Reads and edits the trusted list in its SSM Parameter Store parameter. The region, credentials
and endpoint come from the usual AWS settings: AWS_REGION, AWS_PROFILE or the AWS_ACCESS_KEY_ID
variables, and AWS_ENDPOINT_URL.

Subcommands:
  list        Print each id with its kind and label, the parameter's type (String or StringList),
              format (list or json) and version, and any malformed entries.
  add ID      Add an id, or change its label with --label. When the parameter does not exist,
              create it: a StringList, or a String in the JSON format with --label or --json.
  remove ID   Remove an id. The last id of a list-format parameter stays, because SSM cannot
              store an empty value, but the JSON format can be empty.
  check ID    Print "trusted" and exit 0 when the id is on the list, or print "not trusted" and
              exit 1. Only the exact id counts: an organization on the list does not put its OUs
              or accounts on it.

IDs: 12-digit accounts, o- organizations, ou- OUs, vpce- VPC endpoints, vpc- VPCs.

Options:
  --parameter NAME  The SSM parameter that contains the list
                    (default: /share-sentinel/trusted-accounts). list and check also accept a
                    parameter ARN.
  --label TEXT      add: the id's label, up to 128 characters, shown in alerts. Labels need the
                    JSON format: on a parameter in the list format, add --json as well.
  --json            add: convert a list-format parameter to the JSON format {"ID": "label", ...}.
                    Existing ids get an empty label. The parameter becomes a String, because
                    SSM uses commas in a StringList to separate its items.
  -h, --help        Show this help.

An edit keeps the parameter's type, its format and the other ids' labels, and writes a new
version of the parameter. It changes nothing when the stored list has malformed entries, invalid
JSON or # comments: fix the parameter by hand first. After writing, it checks that the version
went up by exactly one. Otherwise another writer changed the parameter at the same time, and
this write may have replaced that change, so it prints a warning.

Exit status: 0 on success (check: the id is trusted); 1 when check finds the id not trusted,
when AWS returns an error, when an edit is rejected, or when another writer changed the parameter
at the same time; 2 on bad usage, such as an invalid id.
`;

export const MEMBER_TEMPLATE_USAGE = `Usage: share-sentinel member-template --central-bus-arn ARN [--output FILE]

Writes the CloudFormation template that each member account and region of an organization runs
to forward its sharing and trail calls to the central event bus of the ShareSentinel stack (its
CentralEventBusArn output). The template needs no CDK bootstrap, so a service-managed StackSet
can deploy it to every account. It is written as minified JSON, which "aws cloudformation
create-stack-set --template-body" accepts up to 51,200 bytes of.

Options:
  --central-bus-arn ARN  The central event bus, the default of the CentralEventBusArn parameter.
  -o, --output FILE      Where to write the template (default: share-sentinel-member-forwarder.json).
  -h, --help             Show this help.

Exit status: 0 when the template was written, 2 on bad usage.
`;
