import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

// Debian's Chromium, installed by `bash scripts/setup.sh` (apt). Playwright's own browser
// download is unavailable on this machine type: never run `npx playwright install`.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM_PATH)) {
  throw new Error(
    `Chromium not found at ${CHROMIUM_PATH}; the e2e tests need it.\n` +
      `Fix: run \`bash scripts/setup.sh\` (installs it), or ` +
      `\`sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium\`.`,
  );
}

const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(E2E_DIR, '..');
const CI = !!process.env.CI;

export default defineConfig({
  testDir: './tests',
  outputDir: 'test-results', // traces, failure screenshots (gitignored)
  fullyParallel: false,
  workers: 1,
  retries: CI ? 1 : 0,
  forbidOnly: CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // JSON path: scripts/test-all.mjs overrides it with PLAYWRIGHT_JSON_OUTPUT_FILE (same file).
  reporter: [['list'], ['json', { outputFile: path.join(REPO_ROOT, '.test-results', 'e2e.json') }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
