// "Copy as curl": a command that sends a recorded client message again
// through the gateway, in the same session. Credential headers are left out
// unless the user asks for them (and then they are as stored: the gateway
// may have masked them).

const SKIP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'accept-encoding', 'origin', 'referer', 'te', 'upgrade']);
const CREDENTIAL = /^(authorization|proxy-authorization|cookie|x-api-key|api-key)$|token|secret|password|apikey|api_key|auth/i;

/** `it's` → `'it'\''s'`: safe in POSIX shells. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface CurlInput {
  url: string;
  body: string;
  /** The recorded request headers (names any case). */
  headers: Record<string, string>;
  includeSecrets: boolean;
}

export interface CurlOutput {
  command: string;
  /** Header names left out because they carry credentials. */
  omitted: string[];
  /** Header values sent that the gateway had masked. */
  masked: string[];
}

export function curlCommand(input: CurlInput): CurlOutput {
  const headers = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase();
    if (SKIP.has(lower) || lower.startsWith('sec-') || lower.startsWith(':')) continue;
    headers.set(lower, [name, value]);
  }
  if (!headers.has('content-type')) headers.set('content-type', ['Content-Type', 'application/json']);
  if (!headers.has('accept')) headers.set('accept', ['Accept', 'application/json, text/event-stream']);
  const omitted: string[] = [];
  const masked: string[] = [];
  const lines = [`curl -sS -N -X POST ${shellQuote(input.url)}`];
  for (const [lower, [name, value]] of headers) {
    const secret = CREDENTIAL.test(lower) || value.includes('[REDACTED');
    if (secret && !input.includeSecrets) {
      omitted.push(name);
      continue;
    }
    if (value.includes('[REDACTED') || value.includes('********')) masked.push(name);
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  lines.push(`--data-raw ${shellQuote(input.body)}`);
  return { command: lines.join(' \\\n  '), omitted, masked };
}
