/** Codes of the replay's refusals and failures, as the API answers them. */
export type ReplayErrorCode =
  | 'not_found'
  | 'not_replayable'
  | 'bad_ignore_path'
  | 'invalid_params'
  | 'truncated_params'
  | 'redacted_params'
  | 'confirmation_required'
  | 'session_gone'
  | 'unknown_server'
  | 'upstream_unauthorized'
  | 'upstream_failed';

const STATUS: Record<ReplayErrorCode, 400 | 404 | 409 | 422 | 502> = {
  not_found: 404,
  not_replayable: 400,
  bad_ignore_path: 400,
  invalid_params: 422,
  truncated_params: 422,
  redacted_params: 422,
  confirmation_required: 409,
  session_gone: 409,
  unknown_server: 404,
  upstream_unauthorized: 502,
  upstream_failed: 502,
};

/** A replay that was refused or could not run; `details` go into the API's error object beside code and message. */
export class ReplayError extends Error {
  override name = 'ReplayError';
  readonly status: 400 | 404 | 409 | 422 | 502;

  constructor(
    readonly code: ReplayErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
