import type { LiveRegistry } from '../registry/registry.js';

/**
 * mcp.json's `allowedOrigins`, gateway-wide and per server, as the Origin
 * check asks for them: is this exact origin allowed on this /s/<name>/...
 * path? Read from the live registry per request, so an edit applies at once.
 * The gateway adds no CORS headers: an allowed request is forwarded (preflight
 * OPTIONS included) and the upstream's own CORS answer decides what the page
 * may read, as it would without the gateway.
 */
export function allowedBrowserOrigins(registry: LiveRegistry): (origin: string, path: string) => boolean {
  return (origin, path) => {
    const name = /^\/s\/([^/]+)\//.exec(path)?.[1];
    if (name === undefined) return false;
    if (registry.settings().allowedOrigins.includes(origin)) return registry.get(name) !== undefined;
    return registry.get(name)?.entry.allowedOrigins?.includes(origin) ?? false;
  };
}
