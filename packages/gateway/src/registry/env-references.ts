/**
 * `${env:NAME}` references in mcp.json (headers, stdio env, args, command), so
 * secrets need not be written into the file, and the configured headers they
 * expand to. Read by the proxy, the redactor (to mask the expanded values) and
 * the API's health check, hence here beside the registry they belong to.
 */
/** A `${env:NAME}` reference to a variable the gateway does not have. */
export class MissingVariableError extends Error {
  override name = 'MissingVariableError';
}

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${env:NAME}` with the gateway's NAME, so secrets need not be written into mcp.json. */
export function expandReferences(value: string, env: NodeJS.ProcessEnv, where: string): string {
  return value.replace(REFERENCE, (_, name: string) => {
    const found = env[name];
    if (found === undefined) {
      throw new MissingVariableError(`${where} uses \${env:${name}}, but ${name} is not set in the gateway's environment; set it before starting the gateway`);
    }
    return found;
  });
}

export function expandRecord(
  values: Record<string, string> | undefined,
  env: NodeJS.ProcessEnv,
  where: string,
): Record<string, string> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, expandReferences(v, env, `${where} "${k}"`)]));
}

/** A server's configured headers with `${env:NAME}` expanded ({} when it has none); throws MissingVariableError naming the header. */
export function configuredHeaders(server: { name: string; entry: { headers?: Record<string, string> } }, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return expandRecord(server.entry.headers, env, `server "${server.name}" header`) ?? {};
}

/**
 * `configuredHeaders` for the proxy's every request: remembered per mcp.json
 * entry (a reload makes new entries) while its headers name no `${env:NAME}`,
 * since then they are fixed text; with a reference they are expanded per use,
 * so the environment is read when the request is made, as it always was.
 */
export function configuredHeadersCache(): (server: { name: string; entry: { headers?: Record<string, string> } }) => Readonly<Record<string, string>> {
  const fixed = new WeakMap<object, Readonly<Record<string, string>>>();
  return (server) => {
    const known = fixed.get(server.entry);
    if (known) return known;
    const headers = configuredHeaders(server);
    if (!Object.values(server.entry.headers ?? {}).some((value) => value.includes('${env:'))) fixed.set(server.entry, Object.freeze(headers));
    return headers;
  };
}
