/** Dispatches `share-sentinel <command>` and turns usage errors into exit status 2. */
import type { CommandIo } from './scan-command';
import { MAIN_USAGE, MEMBER_TEMPLATE_USAGE, SCAN_USAGE, TRUSTED_USAGE, UsageError } from './usage';

// Each command is loaded when it runs: `trusted` brings in the AWS SDK, which would add about
// 0.4 s to every `scan` start.
const COMMANDS: Record<string, { run: (args: string[], io: CommandIo) => Promise<number>; usage: string }> = {
  scan: { run: (args, io) => (require('./scan-command') as typeof import('./scan-command')).runScan(args, io), usage: SCAN_USAGE },
  trusted: { run: (args, io) => (require('./trusted-command') as typeof import('./trusted-command')).runTrusted(args, io), usage: TRUSTED_USAGE },
  'member-template': {
    run: (args, io) => (require('./member-template-command') as typeof import('./member-template-command')).runMemberTemplate(args, io),
    usage: MEMBER_TEMPLATE_USAGE,
  },
};

export async function main(args: string[], io: CommandIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '-h' || command === '--help') {
    io.stdout.write(MAIN_USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    io.stdout.write(topic ? topic.usage : MAIN_USAGE);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    io.stderr.write(`share-sentinel: unknown command ${JSON.stringify(command)}\n\n${MAIN_USAGE}`);
    return 2;
  }
  try {
    return await entry.run(rest, io);
  } catch (error) {
    // parseArgs raises TypeErrors with an ERR_PARSE_ARGS_* code for unknown or malformed options.
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`share-sentinel ${command}: ${(error as Error).message}\nRun "share-sentinel help ${command}" for the options.\n`);
      return 2;
    }
    throw error;
  }
}
