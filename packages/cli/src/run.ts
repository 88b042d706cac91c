import { CommanderError } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, oneLine } from './errors.js';
import { warn } from './output.js';
import { buildProgram } from './program.js';

/**
 * Parses and runs one command line; resolves to the exit code. For `start`
 * it resolves once the gateway listens, and the running server keeps the
 * process alive until a signal ends it.
 */
export async function run(args: string[]): Promise<number> {
  const dash = args.indexOf('--');
  const program = buildProgram({ afterDashDash: dash === -1 ? null : args.slice(dash + 1) });
  try {
    await program.parseAsync(args, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed help, the version or the (one-line) usage error.
    // It uses exit code 1 for usage errors; ours is 2, help and --version stay 0.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof CliError) {
    warn(`error: ${oneLine(error.message)}`);
    return error.exitCode;
  }
  // A bug or an environment problem we did not foresee: keep the stack for the report.
  warn(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT_FAILURE;
}
