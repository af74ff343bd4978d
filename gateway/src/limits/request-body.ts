import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { errorBody, LimitError } from '@plantgraph/errors';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes from "1048576", "512kb" or "1mb" (binary units, as express writes them); else undefined. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1);
  return bytes > 0 ? bytes : undefined;
}

interface BodyParserError {
  status?: unknown;
  type?: unknown;
  message?: unknown;
}

/**
 * JSON request bodies of at most `maxBytes`. A larger body is HTTP 413 with a GraphQL error
 * PAYLOAD_TOO_LARGE (`extensions.limit` in bytes); a body that is not JSON is 400 BAD_REQUEST;
 * both as JSON rather than express's HTML error page.
 */
export function readJsonBody(maxBytes: number): [RequestHandler, ErrorRequestHandler] {
  const refuseUnreadable: ErrorRequestHandler = (
    error: BodyParserError,
    _request,
    response,
    next,
  ) => {
    const status = typeof error.status === 'number' ? error.status : 500;
    if (typeof error.type !== 'string' || status >= 500) {
      next(error);
      return;
    }
    const refusal =
      status === 413
        ? new LimitError(
            'PAYLOAD_TOO_LARGE',
            `The request body is larger than the limit of ${maxBytes} bytes`,
            { limit: maxBytes },
          )
        : new LimitError(
            'BAD_REQUEST',
            `The request body could not be read: ${String(error.message)}`,
          );
    response.status(status).json(errorBody(refusal));
  };
  return [express.json({ limit: maxBytes }), refuseUnreadable];
}
