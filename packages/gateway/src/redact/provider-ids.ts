// Marker ids for secretlint findings. secretlint names findings by message id
// (`GITHUB_TOKEN`); markers use short gitleaks-style ids (`github-pat`) as in
// redaction.md §2.4, so the UI can show one vocabulary for every layer.

const BY_MESSAGE_ID: Readonly<Record<string, string>> = {
  AWSAccessKeyID: 'aws-access-token',
  AWSSecretAccessKey: 'aws-secret-access-key',
  AWSAccountID: 'aws-account-id',
  PrivateKey: 'pem-private-key',
  PrivateKeyP12: 'gcp-service-account',
  PrivateKeyJSON: 'gcp-service-account',
  NPM_ACCESS_TOKEN: 'npm-access-token',
  Npmrc_authToken: 'npm-access-token',
  PackageJSON_xOauthToken: 'github-oauth-url',
  IncomingWebhook: 'slack-webhook-url',
  BasicAuth: 'url-userinfo',
  SENDGRID_KEY: 'sendgrid-api-token',
  SHOPIFY_KEY: 'shopify-token',
  STRIPE_SECRET_KEY_LIVE: 'stripe-secret-key',
  STRIPE_SECRET_KEY_TEST: 'stripe-secret-key',
  STRIPE_RESTRICTED_KEY_LIVE: 'stripe-restricted-key',
  STRIPE_RESTRICTED_KEY_TEST: 'stripe-restricted-key',
  GITLAB_PERSONAL_ACCESS_TOKEN: 'gitlab-pat',
  GRAFANA_CLOUD_API_TOKEN: 'grafana-cloud-api-token',
  GRAFANA_SERVICE_ACCOUNT_TOKEN: 'grafana-service-account-token',
  OPENAI_TOKEN: 'openai-api-key',
  ANTHROPIC_API_KEY: 'anthropic-api-key',
  GROQ_API_KEY: 'groq-api-key',
  HUGGINGFACE_USER_ACCESS_TOKEN: 'huggingface-access-token',
  LINEAR_API_TOKEN: 'linear-api-key',
  NOTION_INTEGRATION_TOKEN: 'notion-api-token',
  OPS_TOKEN: '1password-service-account-token',
  MongoDBConnection: 'db-url',
  MySQLConnection: 'db-url',
  PostgreSQLConnection: 'db-url',
  HASHICORP_VAULT_SERVICE_TOKEN: 'vault-service-token',
  HASHICORP_VAULT_BATCH_TOKEN: 'vault-batch-token',
  HASHICORP_VAULT_RECOVERY_TOKEN: 'vault-recovery-token',
  VERCEL_PERSONAL_ACCESS_TOKEN: 'vercel-token',
  VERCEL_INTEGRATION_TOKEN: 'vercel-token',
  VERCEL_APP_ACCESS_TOKEN: 'vercel-token',
  VERCEL_APP_REFRESH_TOKEN: 'vercel-token',
  VERCEL_AI_GATEWAY_API_KEY: 'vercel-token',
  DATABRICKS_PERSONAL_ACCESS_TOKEN: 'databricks-api-token',
  DOCKER_PERSONAL_ACCESS_TOKEN: 'docker-pat',
  FIGMA_PERSONAL_ACCESS_TOKEN: 'figma-pat',
  CLOUDFLARE_GLOBAL_API_KEY: 'cloudflare-api-key',
  CLOUDFLARE_USER_API_TOKEN: 'cloudflare-api-token',
  CLOUDFLARE_ACCOUNT_API_TOKEN: 'cloudflare-api-token',
};

const GITHUB_BY_PREFIX: ReadonlyArray<readonly [string, string]> = [
  ['github_pat_', 'github-fine-grained-pat'],
  ['ghp_', 'github-pat'],
  ['gho_', 'github-oauth'],
  ['ghu_', 'github-app-token'],
  ['ghs_', 'github-app-token'],
  ['ghr_', 'github-refresh-token'],
];

const SLACK_BY_PREFIX: ReadonlyArray<readonly [string, string]> = [
  ['xoxb-', 'slack-bot-token'],
  ['xoxp-', 'slack-user-token'],
  ['xapp-', 'slack-app-token'],
];

function byPrefix(table: ReadonlyArray<readonly [string, string]>, matched: string, fallback: string): string {
  for (const [prefix, id] of table) if (matched.startsWith(prefix)) return id;
  return fallback;
}

/** Unknown message ids (a newer preset) still get a stable, readable id. */
export function providerMarkerId(messageId: string, matched: string): string {
  if (messageId === 'GITHUB_TOKEN') return byPrefix(GITHUB_BY_PREFIX, matched, 'github-token');
  if (messageId === 'SLACK_TOKEN') return byPrefix(SLACK_BY_PREFIX, matched, 'slack-token');
  if (messageId.startsWith('TAILSCALE_')) return 'tailscale-key';
  return BY_MESSAGE_ID[messageId] ?? `secretlint-${messageId.toLowerCase().replace(/_/g, '-')}`;
}
