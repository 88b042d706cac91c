// scripts/audit.mjs decides whether CI fails on vulnerable production
// dependencies. The registry these machines reach has no audit endpoint, so a
// stand-in `pnpm` on PATH plays each answer pnpm audit can give.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/audit.mjs', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function runWith(stdout: string, stderr = '', code = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'fake-pnpm-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'out'), stdout);
  writeFileSync(join(dir, 'err'), stderr);
  const fake = join(dir, 'pnpm');
  writeFileSync(fake, `#!/bin/sh\ncat "${join(dir, 'out')}"\ncat "${join(dir, 'err')}" >&2\nexit ${code}\n`);
  chmodSync(fake, 0o755);
  return spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` } });
}

const report = (vulnerabilities: Record<string, number>, advisories: Record<string, unknown> = {}) => JSON.stringify({ metadata: { vulnerabilities }, advisories });

describe('the CI audit step', () => {
  it('fails on a high or critical vulnerability and names it', () => {
    const result = runWith(
      report({ high: 1, moderate: 2 }, { 1: { severity: 'high', module_name: 'left-pad', vulnerable_versions: '<2', title: 'Prototype pollution', url: 'https://example.invalid/1' } }),
      '',
      1,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('high: left-pad <2: Prototype pollution');
  });

  it('passes with only moderate or low findings', () => {
    const result = runWith(report({ moderate: 3, low: 1 }));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('no high or critical vulnerabilities');
  });

  it('says plainly, without failing, when the registry has no audit endpoint', () => {
    const result = runWith('', ' ERR_PNPM_AUDIT_BAD_RESPONSE  The audit endpoint responded with 405', 1);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('were NOT checked');
  });

  it('fails when the answer cannot be read', () => {
    expect(runWith('not json', '', 1).status).toBe(1);
  });
});
