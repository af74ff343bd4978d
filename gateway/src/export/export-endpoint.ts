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
import { aggregateExport, frameThroughGraph } from './aggregate-export.ts';
import { ENCODERS } from './export-format.ts';
import { aggregateVocabulary, parseExportRequest, type ExportRequest } from './export-request.ts';
import { exportTags } from './export-tags.ts';
import { rawExport } from './raw-export.ts';

export interface ExportEndpointOptions {
  /** Where raw samples, tags and sites are read; without it the endpoint answers 503. */
  sql: Sql | undefined;
  authenticate: Authenticate;
  /** The gateway's server: aggregated exports run `timeseriesFrame` through it. */
  apollo: ApolloServer<GatewayContext>;
  apiSchema: GraphQLSchema;
  logger: Logger;
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

/** An export ready to stream: its first piece is computed, so nothing can refuse it any more. */
interface PreparedExport {
  identity: Identity;
  tagCount: number;
  contentType: string;
  fileName: string;
  body: AsyncGenerator<string>;
  first: IteratorResult<string>;
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
 * `GET /export`: raw samples or aggregates of a set of tags over a window as CSV or NDJSON,
 * streamed (docs/analytics.md#export). Callers authenticate as on /graphql and need the viewer
 * role; site-scoped callers export only tags of their sites. Everything that can refuse the
 * export (arguments, scope, the first page of data) runs before the status line, so a refusal is
 * a JSON error; a failure later cuts the response off, never ends it as if it were complete.
 * Memory stays at a chunk or two however long the export: the next chunk is read only once the
 * client has taken the last one (`res.write` → 'drain'), and a client that goes away stops it.
 */
export function exportEndpoint(options: ExportEndpointOptions): ExportEndpoint {
  const { sql, logger } = options;
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
    const encoder = ENCODERS[exportRequest.format];
    const window = { from: exportRequest.from, to: exportRequest.to };
    const body = exportRequest.aggregate
      ? aggregateExport(
          frameThroughGraph(options.apollo, identity),
          tags,
          window,
          exportRequest.aggregate,
          encoder,
        )
      : rawExport(sql, tags, window, encoder);
    return {
      identity,
      tagCount: tags.length,
      contentType: encoder.contentType,
      fileName: fileName(exportRequest, encoder.extension),
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
