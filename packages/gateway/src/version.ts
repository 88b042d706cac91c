import { readFileSync } from 'node:fs';
import { PACKAGE_FILES } from './package-files.js';

/** The one version (root package.json; in the published package, its own), also the OpenAPI document's. */
export const VERSION: string = (JSON.parse(readFileSync(PACKAGE_FILES.manifest, 'utf8')) as { version: string }).version;
