import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { test, type Page } from '@playwright/test';
import { ARTIFACTS_DIR } from './paths.js';

/**
 * Saves a full-page PNG to e2e/artifacts/<name>.png (kept after the run, gitignored) and
 * attaches it to the current test's report. Returns the absolute file path.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const safe = name.replace(/\.png$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'screenshot';
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${safe}.png`);
  await page.screenshot({ path: file, fullPage: true });
  try {
    await test.info().attach(safe, { path: file, contentType: 'image/png' });
  } catch {
    // called outside a running test (e.g. from a script): the file is still saved
  }
  return file;
}
