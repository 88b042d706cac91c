import { SERVER_NAME_PATTERN } from '@mcp-gateway/gateway';

/**
 * A client's server name made valid for the gateway (1-64 letters, digits, "-"
 * or "_", starting with a letter or digit): other characters become "-", runs
 * of them one, and the result is cut to 64. "My Server" → "My-Server",
 * "@scope/pkg" → "scope-pkg".
 */
export function validName(name: string): string {
  if (SERVER_NAME_PATTERN.test(name)) return name;
  const cleaned = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return cleaned === '' ? 'server' : cleaned;
}

/** `base`, or `base-2`, `base-3`, ... : the first that `taken` does not hold (compared without case, as the registry does). */
export function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, 64 - suffix.length)}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
}
