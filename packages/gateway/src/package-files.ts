import { fileURLToPath } from 'node:url';

// scripts/pack.mjs bundles the gateway and the CLI into <package>/lib/*.js and
// has esbuild define this as true. Nothing declares it anywhere else, so in the
// workspace (tsc's dist/, or the sources under vitest) `typeof` sees undefined.
declare const MCP_GATEWAY_BUNDLED: boolean | undefined;
const bundled = typeof MCP_GATEWAY_BUNDLED !== 'undefined' && MCP_GATEWAY_BUNDLED;

export interface PackageFiles {
  /** The package.json whose `version` is the gateway's version (the repository root's in the workspace). */
  manifest: string;
  /** drizzle-kit's migrations folder (SQL files and meta/_journal.json). */
  migrations: string;
  /** The built UI (index.html and assets/). */
  ui: string;
}

const at = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/**
 * The files the gateway reads at run time that are not code. This module is
 * src/package-files.ts or dist/package-files.js in the workspace, one folder
 * below the gateway package either way; in the published package its code sits
 * in lib/, one folder below the package root, where pack.mjs puts the files.
 */
export const PACKAGE_FILES: PackageFiles = bundled
  ? { manifest: at('../package.json'), migrations: at('../drizzle'), ui: at('../ui') }
  : { manifest: at('../../../package.json'), migrations: at('../drizzle'), ui: at('../../ui/dist') };
