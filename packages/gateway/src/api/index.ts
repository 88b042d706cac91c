import type Database from 'better-sqlite3';
import type { Hono } from 'hono';
import type { HomePaths } from '../home/home.js';
import type { LiveRegistry } from '../registry/registry.js';
import type { MessageRow } from '../store/rows.js';
import type { Writer } from '../store/writer.js';
import { apiRoutes } from './routes.js';

export interface ApiDeps {
  registry: LiveRegistry;
  writer: Writer;
  sqlite: Database.Database;
  paths: HomePaths;
  version: string;
  /** Base URL clients use to reach the gateway, for proxy URLs. */
  baseUrl: () => string;
  log: (message: string) => void;
}

/** The REST API under /api, and the feed of newly stored messages it publishes. */
export interface Api {
  routes: Hono;
  /** Called by the writer after each flush with the messages it stored, in id order. */
  publish(rows: MessageRow[]): void;
  close(): void;
}

export function createApi(deps: ApiDeps): Api {
  return {
    routes: apiRoutes(deps),
    publish: () => undefined,
    close: () => undefined,
  };
}
