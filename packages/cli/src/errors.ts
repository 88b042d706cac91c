export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** Usage errors exit 2 (like most Unix tools), so scripts can tell "you called it wrong" from "it failed". */
export const EXIT_USAGE = 2;

/** An error whose message is meant for the user as is: printed as one `error:` line, no stack. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** The command was called wrongly or with input that cannot be used; the message names the fix. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/** One line, whatever the message holds: a multi-line message would read as several errors. */
export function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}
