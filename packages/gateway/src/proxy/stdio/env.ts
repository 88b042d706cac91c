/**
 * The environment a stdio server gets: a short allow-list of the gateway's own
 * variables (what a program needs to find its tools and home), plus the
 * server's configured `env`. Everything else the gateway has (tokens, cloud
 * credentials in its shell) stays out of the child.
 */
const INHERITED = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'LANG', 'LANGUAGE', 'TMPDIR', 'TZ', 'XDG_RUNTIME_DIR'];

export function childEnvironment(configured: Record<string, string> | undefined, parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || value.startsWith('()')) continue; // exported shell functions
    if (INHERITED.includes(name) || name.startsWith('LC_')) env[name] = value;
  }
  return { ...env, ...(configured ?? {}) };
}
