import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** <repo>/e2e */
export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** <repo> */
export const REPO_ROOT = path.resolve(E2E_DIR, '..');
/** The built CLI entry point (produced by `pnpm build`); E2E_GATEWAY_CLI overrides it (debugging only). */
export const CLI_MAIN = process.env.E2E_GATEWAY_CLI
  ? path.resolve(process.env.E2E_GATEWAY_CLI)
  : path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');
/** Explicit screenshots and other artifacts (gitignored). */
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');
