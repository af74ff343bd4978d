/**
 * SQL for "lies below": a LIKE pattern matching every path below the path in `column`, with
 * LIKE's wildcards in the names escaped (the SQL twin of `subtreePattern`).
 */
export const belowPath = (column: string) =>
  `replace(replace(replace(${column}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '/%'`;
