import { once } from 'node:events';
import type { ApolloServer } from '@apollo/server';
import { includesRole, QUERY_ROLE, type Identity } from '@plantgraph/auth';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import {
  errorBody,
  httpStatusOf,
  InternalServerError,
  isErrorCode,
  PlantgraphError,
  type ErrorCode,
} from '@plantgraph/errors';
import type { Request, RequestHandler, Response } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Authenticate } from '../authentication.ts';
import type { GatewayContext } from '../gateway-server.ts';
import { aggregateExport, frameThroughGraph, type RunFrame } from './aggregate-export.ts';
import { ARROW } from './arrow-format.ts';
import type { ColumnarFormatWriter } from './column-batch.ts';
import {
  aggregateBatches,
  aggregateSpecs,
  columnarExport,
  RAW_SPECS,
  rawBatches,
} from './columnar-export.ts';
import { ENCODERS } from './export-format.ts';
import {
  aggregateVocabulary,
  parseExportRequest,
  type ColumnarFormat,
  type ExportRequest,
  type TextFormat,
} from './export-request.ts';
import { checkParquetSize, DEFAULT_MAX_PARQUET_ROWS } from './export-size.ts';
import { exportTags, type ExportTag } from './export-tags.ts';
import { PARQUET } from './parquet-format.ts';
import { rawExport } from './raw-export.ts';

export interface ExportEndpointOptions {
  /** Where raw samples, tags and sites are read; without it the endpoint answers 503. */
  sql: Sql | undefined;
  authenticate: Authenticate;
  /** The gateway's server: aggregated exports run `timeseriesFrame` through it. */
  apollo: ApolloServer<GatewayContext>;
  apiSchema: GraphQLSchema;
  logger: Logger;
  /** Rows a Parquet export may hold (default DEFAULT_MAX_PARQUET_ROWS); larger ones are refused. */
  maxParquetRows?: number;
}

export interface ExportEndpoint {
  /** `GET /export`. */
  handler: RequestHandler;
  /** Ends the exports in flight, unfinished, so that shutdown need not wait for them. */
  close(): void;
}

/** The codes that refuse an export; any other error is an internal one (500). */
const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'SERVICE_UNAVAILABLE',
]);

/** An error as the response to a refused export: status and a GraphQL-shaped body. */
function refusal(error: unknown): { status: number; body: unknown } | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const { code } = error.extensions;
  if (!isErrorCode(code) || !REFUSALS.has(code)) return undefined;
  return { status: httpStatusOf(code), body: errorBody(error) };
}

function authorize(identity: Identity): void {
  if (includesRole(identity.role, QUERY_ROLE)) return;
  throw new PlantgraphError('FORBIDDEN', `Exports need the ${QUERY_ROLE} role`);
}

/** `plantgraph-20261120T000000Z-20261121T000000Z.csv`. */
function fileName(request: ExportRequest, extension: string): string {
  const compact = (time: Date) => time.toISOString().replace(/[-:]|\.\d+/g, '');
  const kind = request.aggregate ? '-aggregated' : '';
  return `plantgraph${kind}-${compact(request.from)}-${compact(request.to)}.${extension}`;
}

/** Resolves when `response` can take more, false when the export was stopped meanwhile. */
async function drained(response: Response, signal: AbortSignal): Promise<boolean> {
  try {
    await once(response, 'drain', { signal });
    return true;
  } catch {
    return false;
  }
}

type Piece = string | Uint8Array;

/** An export ready to stream: its first piece is computed, so nothing can refuse it any more. */
interface PreparedExport {
  identity: Identity;
  tagCount: number;
  contentType: string;
  fileName: string;
  body: AsyncGenerator<Piece>;
  first: IteratorResult<Piece>;
}

const COLUMNAR: Readonly<Record<ColumnarFormat, ColumnarFormatWriter>> = {
  parquet: PARQUET,
  arrow: ARROW,
};

const isColumnar = (format: string): format is ColumnarFormat => Object.hasOwn(COLUMNAR, format);

/** What an export writes and how: the body's pieces, the media type and the file extension. */
interface ExportBody {
  contentType: string;
  extension: string;
  body: AsyncGenerator<Piece>;
}

/** Where an export reads: samples from the database, buckets through the graph. */
interface ExportSources {
  sql: Sql;
  runFrame: RunFrame;
}

function textBody(
  sources: ExportSources,
  tags: readonly ExportTag[],
  request: ExportRequest,
  format: TextFormat,
): ExportBody {
  const encoder = ENCODERS[format];
  const window = { from: request.from, to: request.to };
  const body = request.aggregate
    ? aggregateExport(sources.runFrame, tags, window, request.aggregate, encoder)
    : rawExport(sources.sql, tags, window, encoder);
  return { contentType: encoder.contentType, extension: encoder.extension, body };
}

function columnarBody(
  sources: ExportSources,
  tags: readonly ExportTag[],
  request: ExportRequest,
  format: ColumnarFormat,
): ExportBody {
  const writer = COLUMNAR[format];
  const window = { from: request.from, to: request.to };
  const body = request.aggregate
    ? columnarExport(
        aggregateBatches(sources.runFrame, tags, window, request.aggregate),
        writer,
        aggregateSpecs(request.aggregate),
      )
    : columnarExport(rawBatches(sources.sql, tags, window), writer, RAW_SPECS);
  return { contentType: writer.contentType, extension: writer.extension, body };
}

function sendRefusal(response: Response, error: unknown, logger: Logger): void {
  const refused = refusal(error);
  if (!refused) logger.error({ err: error }, 'export failed before it started');
  const internal = new InternalServerError();
  const { status, body } = refused ?? { status: internal.httpStatus, body: errorBody(internal) };
  if (status === 401) response.set('WWW-Authenticate', 'Bearer');
  response.status(status).json(body);
}

/**
 * `GET /export`: raw samples or aggregates of a set of tags over a window as CSV, NDJSON, Parquet
 * or an Arrow IPC stream, streamed (docs/analytics.md#export). Callers authenticate as on
 * /graphql and need the viewer role; site-scoped callers export only tags of their sites.
 * Everything that can refuse the export (arguments, scope, a Parquet export's size, the first
 * page of data) runs before the status line, so a refusal is a JSON error; a failure later cuts
 * the response off, never ends it as if it were complete. Memory stays at a chunk or two (a batch
 * for Parquet and Arrow) however long the export: the next is read only once the client has taken
 * the last one (`res.write` → 'drain'), and a client that goes away stops it.
 */
export function exportEndpoint(options: ExportEndpointOptions): ExportEndpoint {
  const { sql, logger, maxParquetRows = DEFAULT_MAX_PARQUET_ROWS } = options;
  const vocabulary = aggregateVocabulary(options.apiSchema);
  const running = new Set<AbortController>();

  async function prepare(request: Request): Promise<PreparedExport> {
    const identity = await options.authenticate(
      { authorization: request.header('authorization'), apiKey: request.header('x-api-key') },
      'http',
    );
    authorize(identity);
    const exportRequest = parseExportRequest(request.query as Record<string, unknown>, vocabulary);
    if (!sql) {
      throw new PlantgraphError(
        'SERVICE_UNAVAILABLE',
        'Exports need the gateway to reach the database (DATABASE_URL)',
      );
    }
    const tags = await exportTags(sql, identity, exportRequest.tags);
    const { format } = exportRequest;
    if (format === 'parquet') await checkParquetSize(sql, tags, exportRequest, maxParquetRows);
    const sources = { sql, runFrame: frameThroughGraph(options.apollo, identity) };
    const { contentType, extension, body } = isColumnar(format)
      ? columnarBody(sources, tags, exportRequest, format)
      : textBody(sources, tags, exportRequest, format);
    return {
      identity,
      tagCount: tags.length,
      contentType,
      fileName: fileName(exportRequest, extension),
      body,
      first: await body.next(),
    };
  }

  /** Writes the pieces as the client takes them, until the last or until `stop`. */
  async function stream(prepared: PreparedExport, response: Response, stop: AbortSignal) {
    let piece = prepared.first;
    let bytes = 0;
    while (!piece.done && !stop.aborted) {
      bytes += Buffer.byteLength(piece.value);
      if (!response.write(piece.value) && !(await drained(response, stop))) break;
      piece = await prepared.body.next();
    }
    return { complete: piece.done === true && !stop.aborted, bytes };
  }

  const handler: RequestHandler = async (request, response) => {
    const started = Date.now();
    let prepared: PreparedExport;
    try {
      prepared = await prepare(request);
    } catch (error) {
      sendRefusal(response, error, logger);
      return;
    }
    response.status(200).set({
      'Content-Type': prepared.contentType,
      'Content-Disposition': `attachment; filename="${prepared.fileName}"`,
      'Cache-Control': 'no-store',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    if (request.method === 'HEAD') {
      await prepared.body.return(undefined);
      response.end();
      return;
    }
    const stop = new AbortController();
    running.add(stop);
    // 'close' of the response, not of the request: a request without a body may close (it has
    // been read) while the response is still being written.
    response.on('close', () => stop.abort());
    // The client may have gone while the export was being prepared.
    if (response.destroyed) stop.abort();
    const log = { subject: prepared.identity.subject, tags: prepared.tagCount };
    try {
      const { complete, bytes } = await stream(prepared, response, stop.signal);
      const ms = Date.now() - started;
      if (complete) {
        response.end();
        logger.info({ ...log, bytes, ms }, 'export finished');
      } else {
        response.destroy();
        logger.info({ ...log, bytes, ms }, 'export stopped before its end');
      }
    } catch (error) {
      logger.error({ ...log, err: error }, 'export failed while streaming');
      response.destroy();
    } finally {
      running.delete(stop);
      await prepared.body.return(undefined).catch(() => undefined);
    }
  };

  return {
    handler,
    close() {
      for (const stop of running) stop.abort();
    },
  };
}
