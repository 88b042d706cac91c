import type Database from 'better-sqlite3';

/**
 * Prepared statements by SQL text. List queries are built from the filters a
 * request uses, so each combination ("shape") is prepared once and reused.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly sqlite: Database.Database,
    private readonly max = 256,
  ) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      if (this.statements.size >= this.max) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * A WHERE clause from conditions whose value may be absent: `[sql, value]`
 * pairs with one `?` each; a pair whose value is undefined is left out.
 */
export function whereOf(conditions: Array<[string, unknown]>): { where: string; params: unknown[] } {
  const used = conditions.filter(([, value]) => value !== undefined);
  return {
    where: used.length > 0 ? `WHERE ${used.map(([sql]) => sql).join(' AND ')}` : '',
    params: used.map(([, value]) => value),
  };
}
