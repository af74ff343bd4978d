import { z } from 'zod';
import { DEFAULT_MAX_PARQUET_ROWS } from './export-size.ts';

/**
 * The settings of `GET /export` as environment variables, for `loadConfig`; docs/analytics.md
 * describes them. Spread into a process's config shape, then hand the result to
 * `exportFromEnvironment`.
 */
export const exportEnvironment = {
  PLANTGRAPH_EXPORT_MAX_PARQUET_ROWS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_MAX_PARQUET_ROWS)
    .describe('rows a Parquet export may hold; larger ones are refused before they start'),
} as const;

type ExportConfig = z.infer<z.ZodObject<typeof exportEnvironment>>;

/** The gateway options the export settings map to. */
export function exportFromEnvironment(config: ExportConfig): { maxParquetExportRows: number } {
  return { maxParquetExportRows: config.PLANTGRAPH_EXPORT_MAX_PARQUET_ROWS };
}
