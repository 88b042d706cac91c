import type { Context } from 'hono';
import { request, type Dispatcher } from 'undici';
import type { Recorder } from '../capture/recorder.js';
import type { LiveRegistry } from '../registry/registry.js';
import { describeUpstreamFailure } from './errors.js';
import { flatHeaders } from './headers.js';
import { configuredHeaders } from '../registry/env-references.js';

export interface OAuthDiscoveryOptions {
  registry: LiveRegistry;
  recorder: Recorder;
  dispatcher: Dispatcher;
  /** The gateway's own base URL: metadata must name the gateway, built from config, never from Host. */
  baseUrl: () => string;
}

const PRM_PREFIX = '/.well-known/oauth-protected-resource';

/** Where a client finds a proxied server's protected-resource metadata. */
export function gatewayMetadataUrl(baseUrl: string, name: string): string {
  return `${baseUrl}${PRM_PREFIX}/s/${name}/mcp`;
}

/**
 * OAuth discovery through the gateway (RFC 9728). An SDK client discovers
 * from the URL it was given, the gateway's, and refuses metadata whose
 * `resource` names another origin; so the gateway serves the upstream's
 * metadata with `resource` pointed at itself and everything else (the
 * authorization servers above all) untouched. The token flow itself runs
 * between the client and the authorization server.
 */
export class OAuthDiscovery {
  /** The upstream's own metadata URL, as its last 401 named it. */
  private readonly announced = new Map<string, string>();

  constructor(private readonly options: OAuthDiscoveryOptions) {}

  /** For a proxied 401/403: remember the upstream's metadata URL and point the client at the gateway's. */
  rewriteChallenge(name: string, upstreamUrl: URL, value: string): string {
    const match = /resource_metadata="([^"]*)"/.exec(value);
    if (match?.[1]) this.announced.set(name, new URL(match[1], upstreamUrl).href);
    const ours = `resource_metadata="${gatewayMetadataUrl(this.options.baseUrl(), name)}"`;
    return match ? value.replace(match[0], ours) : value;
  }

  readonly route = async (c: Context): Promise<Response> => {
    const name = c.req.param('name') ?? '';
    const server = this.options.registry.get(name);
    if (!server?.entry.url) return c.json({ error: 'not_found', error_description: `No HTTP server named "${name}"` }, 404);
    const upstream = new URL(server.entry.url);
    const capture = this.options.recorder.beginExchange({
      server: name,
      sessionId: null,
      method: 'GET',
      path: new URL(c.req.url).pathname,
      requestHeaders: flatHeaders(c.req.raw.headers),
    });
    let headers: Record<string, string>;
    try {
      headers = configuredHeaders(server);
    } catch (error) {
      capture.finish((error as Error).message);
      return c.json({ error: 'server_error', error_description: (error as Error).message }, 500);
    }
    for (const candidate of this.candidates(name, upstream)) {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(candidate, { method: 'GET', headers: { ...headers, accept: 'application/json' }, dispatcher: this.options.dispatcher });
      } catch (error) {
        capture.finish(`${candidate} unreachable: ${describeUpstreamFailure(error)}`);
        return c.json({ error: 'temporarily_unavailable', error_description: `Upstream "${name}" is unreachable` }, 502);
      }
      if (response.statusCode !== 200) {
        await response.body.dump().catch(() => undefined);
        continue;
      }
      const metadata = (await response.body.json().catch(() => null)) as Record<string, unknown> | null;
      if (!metadata || typeof metadata !== 'object') continue;
      const rewritten = { ...metadata, resource: `${this.options.baseUrl()}/s/${name}/mcp` };
      capture.upstreamResponse(200, flatHeaders(response.headers));
      capture.finish();
      return c.json(rewritten);
    }
    capture.upstreamResponse(404, {});
    capture.finish('the upstream publishes no protected-resource metadata');
    return c.json({ error: 'not_found', error_description: `Upstream "${name}" publishes no protected-resource metadata` }, 404);
  };

  /** RFC 9728 order: what the 401 named, then path-inserted, then the root. */
  private candidates(name: string, upstream: URL): string[] {
    const path = upstream.pathname === '/' ? '' : upstream.pathname.replace(/\/$/, '');
    const list = [this.announced.get(name), `${upstream.origin}${PRM_PREFIX}${path}`, `${upstream.origin}${PRM_PREFIX}`];
    return [...new Set(list.filter((u): u is string => u !== undefined))];
  }
}
