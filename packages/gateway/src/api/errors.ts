import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError } from '../types.js';

export function apiError(code: string, message: string): ApiError {
  return { error: { code, message } };
}

/** A failure with a status and a message meant for the caller. Anything else thrown is a 500 with no details. */
export class ApiFailure extends Error {
  override name = 'ApiFailure';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    /** More fields of the error object, beside code and message (the paths of masked params, say). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badParameter = (message: string): ApiFailure => new ApiFailure(400, 'bad_parameter', message);
export const badBody = (message: string): ApiFailure => new ApiFailure(400, 'bad_body', message);
export const notFound = (message: string): ApiFailure => new ApiFailure(404, 'not_found', message);

/** The API's error handler: the failure's own status and message, or a logged 500 that says nothing internal. */
export function errorHandler(log: (message: string) => void) {
  return (error: Error, c: Context): Response => {
    if (error instanceof ApiFailure) return c.json({ error: { ...error.details, code: error.code, message: error.message } }, error.status);
    log(`internal error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json(apiError('internal', 'Internal gateway error; see the gateway log'), 500);
  };
}
