import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';
import { ACCESS_TOKEN, startOAuthUpstream, type OAuthUpstream } from '../test-support/oauth-upstream.js';

class TestProvider implements OAuthClientProvider {
  readonly redirectUrl = 'http://127.0.0.1:1/callback';
  readonly clientMetadata = {
    redirect_uris: [this.redirectUrl],
    client_name: 'gateway-oauth-test',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  authorizationUrl: URL | undefined;
  private info: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = '';
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

let gateway: TestGateway | undefined;
let upstream: OAuthUpstream | undefined;
afterEach(async () => {
  await gateway?.stop();
  await upstream?.close();
  gateway = upstream = undefined;
});

describe('OAuth-protected upstreams', () => {
  it('pass 401 and WWW-Authenticate through, with discovery pointed at the gateway', async () => {
    upstream = await startOAuthUpstream();
    gateway = await startTestGateway({ secured: { url: upstream.url } });
    const response = await fetch(`${gateway.url}/s/secured/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", resource_metadata="${gateway.url}/.well-known/oauth-protected-resource/s/secured/mcp"`,
    );
    const metadata = (await (await fetch(`${gateway.url}/.well-known/oauth-protected-resource/s/secured/mcp`)).json()) as Record<string, unknown>;
    expect(metadata).toEqual({ resource: `${gateway.url}/s/secured/mcp`, authorization_servers: [upstream.origin], scopes_supported: ['mcp'] });
    // The recording keeps what the upstream really said.
    const exchange = gateway.exchanges().find((e) => e.status === 401);
    expect(JSON.parse(String(exchange?.response_headers))['www-authenticate']).toContain(`${upstream.origin}/.well-known/oauth-protected-resource/mcp`);
  });

  it('let an SDK client with an OAuth provider complete the flow, with tokens masked in the recording', async () => {
    upstream = await startOAuthUpstream();
    gateway = await startTestGateway({ secured: { url: upstream.url } });
    const url = new URL(`${gateway.url}/s/secured/mcp`);
    const provider = new TestProvider();
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await expect(new Client({ name: 'c', version: '1' }).connect(first)).rejects.toThrow(UnauthorizedError);
    expect(provider.authorizationUrl?.origin).toBe(upstream.origin);

    // The user approves at the authorization server, which redirects back with a code.
    const approval = await fetch(provider.authorizationUrl!, { redirect: 'manual' });
    const code = new URL(approval.headers.get('location') ?? '').searchParams.get('code') ?? '';
    await first.finishAuth(code);
    expect(provider.tokens()?.access_token).toBe(ACCESS_TOKEN);

    const client = new Client({ name: 'c', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'authorized' }]);
    await client.close();

    // RFC 8707: the client asked for a token for the gateway URL (the documented caveat of this mode).
    expect(upstream.resources).toEqual([`${gateway.url}/s/secured/mcp`]);
    const stored = JSON.stringify(gateway.exchanges()) + JSON.stringify(gateway.messages());
    expect(stored).not.toContain(ACCESS_TOKEN);
    expect(stored).toContain('Bearer [REDACTED');
    expect(gateway.exchanges().some((e) => String(e.path).startsWith('/.well-known/oauth-protected-resource/s/secured/mcp'))).toBe(true);
  });
});
