import { is, Param, Placeholder, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Queries } from "../../packages/core/src/db/queries";

export interface CompiledStatement {
  text: string;
  params: string[];
}

const dialect = new PgDialect();

/**
 * `query` as the text PostgreSQL runs and the names of its placeholders, in order. Constants of the query (a lock
 * mode, a table's name) are written into the text as literals; everything a request supplies is a placeholder.
 */
export function compile(name: string, query: Queries[string]): CompiledStatement {
  const sql: SQL = "getSQL" in query ? query.getSQL() : query;
  const { sql: text, params } = dialect.sqlToQuery(sql.inlineParams());
  return {
    text,
    // An insert's or update's values come as a column's Param around the placeholder: the driver gets them as
    // given, not through the column's encoder, which is the identity for every column type the schema uses.
    params: params.map((param, index) => {
      const value: unknown = is(param, Param) ? param.value : param;
      if (!is(value, Placeholder)) throw new Error(`${name}: parameter $${index + 1} is a value, not a placeholder`);
      return value.name;
    }),
  };
}
