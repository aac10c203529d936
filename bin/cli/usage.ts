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
  help [COMMAND]    Show help for a command.

Run "share-sentinel help scan" for the options of a command.
`;

export const SCAN_USAGE = `Usage: share-sentinel scan [options] [PATH ...]

Reads CloudTrail records from files and folders (recursively) and prints one finding per event
that shares a resource with a principal outside the trusted list. With no PATH it scans the
bundled samples/ folder.

Inputs: .json, .json.gz and .jsonl files holding a CloudTrail log file ({"Records": [...]}),
a single record, an EventBridge event, a JSON array of either, JSON Lines, or the output of
"aws cloudtrail lookup-events" (Event history).

Options:
  --trusted ID[,ID...]     Trusted ids: 12-digit accounts, o- organizations, ou- OUs, vpce- VPC
                           endpoints, vpc- VPCs. Repeatable.
  --trusted-file FILE      Trusted ids from a file, in the SSM parameter's formats: comma- or
                           newline-separated ids, or a JSON object mapping each id to a label.
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
