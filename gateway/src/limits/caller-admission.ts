import type { IncomingMessage } from 'node:http';
import type { Logger } from '@plantgraph/config';
import { InternalServerError, PlantgraphError } from '@plantgraph/errors';
import type { Request, RequestHandler, Response } from 'express';
import {
  RefusedCredentials,
  type Authenticate,
  type Caller,
  type CredentialsOf,
} from '../authentication.ts';
import type { ClientAddress } from './client-address.ts';
import { rateLimited, sendRefusal, type RateLimit, type RateLimiter } from './rate-limit.ts';

export interface CallerAdmissionOptions {
  authenticate: Authenticate;
  /** Failed authentications per client address; `perMinute: 0` turns the limit off. */
  failedAuthenticationLimit: RateLimit;
  failedAuthentications: RateLimiter;
  clientAddress: ClientAddress;
}

/**
 * Authentication with brute-force protection: credentials are checked first, and only a refusal
 * counts against the client address's budget of failed authentications. A whole site behind one
 * NAT or proxy shares that budget, but its callers' valid credentials never touch it. A refusal
 * over the budget answers RATE_LIMITED instead of UNAUTHENTICATED and is not written to the audit
 * log, so a flood of bad credentials cannot flood the log either.
 */
export function callerAdmission(options: CallerAdmissionOptions) {
  const { authenticate, failedAuthenticationLimit: limit } = options;
  return async function admit(
    credentials: CredentialsOf,
    request: IncomingMessage,
    transport: 'http' | 'websocket',
  ): Promise<Caller> {
    try {
      return await authenticate.identify(credentials);
    } catch (error) {
      if (!(error instanceof RefusedCredentials)) throw error;
      const wait =
        limit.perMinute > 0
          ? await options.failedAuthentications.take(options.clientAddress(request))
          : 0;
      if (wait > 0) {
        throw rateLimited(
          (retryAfter) =>
            `Too many failed authentications from this address (${limit.perMinute} per minute); retry in ${retryAfter} s`,
          limit.perMinute,
          wait,
        );
      }
      await authenticate.audit(error, transport);
      throw error;
    }
  };
}

export type AdmitCaller = ReturnType<typeof callerAdmission>;

/** Whether Apollo answers `request` with its landing page, which runs no operation. */
export function asksForLandingPage(request: Request): boolean {
  if (request.method !== 'GET') return false;
  // Apollo Server's own negotiation (ApolloServer.prefersHTML): HTML only when preferred to JSON.
  const preferred = request.accepts([
    'application/json',
    'application/graphql-response+json',
    'multipart/mixed',
    'text/html',
  ]);
  return preferred === 'text/html' && Boolean(request.header('accept'));
}

/** The caller of a request that passed `admitCallers`. */
export function callerOf(response: Response): Caller | undefined {
  return (response.locals as { caller?: Caller }).caller;
}

/**
 * What the per-caller rate limit counts a request by: its caller, or for the landing page, which
 * needs no credentials, the client address.
 */
export function rateLimitKeyOf(clientAddress: ClientAddress) {
  return (request: Request, response: Response): string =>
    callerOf(response)?.key ?? `address:${clientAddress(request)}`;
}

/**
 * Express middleware authenticating every request before the limits that count per caller; a
 * refused one gets HTTP 401 UNAUTHENTICATED (or 429 RATE_LIMITED, above) as a GraphQL error, one
 * that could not be checked (the key store away) 500 INTERNAL_SERVER_ERROR.
 */
export function admitCallers(admit: AdmitCaller, logger: Logger): RequestHandler {
  return (request, response, next) => {
    if (asksForLandingPage(request)) {
      next();
      return;
    }
    const credentials = {
      authorization: request.header('authorization'),
      apiKey: request.header('x-api-key'),
    };
    admit(credentials, request, 'http').then(
      (caller) => {
        (response.locals as { caller?: Caller }).caller = caller;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof PlantgraphError)) {
          logger.error({ err: error }, 'could not authenticate a request');
          sendRefusal(response, new InternalServerError());
          return;
        }
        if (error instanceof RefusedCredentials) response.set('WWW-Authenticate', 'Bearer');
        sendRefusal(response, error);
      },
    );
  };
}
