import { activeApiKeyIds } from '@plantgraph/auth';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import { Counter, Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import type { Caller } from './authentication.ts';

/** What a socket is closed with when its credentials end, as when they are refused at connect. */
export const CREDENTIALS_ENDED = 4403;

/** How often the API keys of open sockets are checked for revocation, by default. */
export const REVOCATION_CHECK_MS = 15_000;

/** setTimeout's longest delay; a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CredentialWatchOptions {
  /** Where API keys live; without it no key is checked. */
  sql: Sql | undefined;
  /** How often the keys of open sockets are checked for revocation. */
  checkEveryMs?: number;
  /** Told the ids of the keys found revoked, e.g. to drop them from a cache. */
  onRevoked?: (ids: ReadonlySet<string>) => void;
  logger: Logger;
}

/**
 * Ends WebSockets whose credentials end: a socket authenticated with a JWT is closed (4403) at the
 * token's `exp`, one authenticated with an API key within `checkEveryMs` of the key's revocation.
 * Revocation is read from the database every gateway shares, where `plantgraph keys revoke`
 * writes it, so it reaches every gateway whichever host revoked the key; one query per interval
 * covers all keys with open sockets. A failed check leaves the sockets open until the next one.
 */
export class CredentialWatch {
  readonly registry = new Registry();
  readonly #byKey = new Map<string, Set<WebSocket>>();
  readonly #expiries = new Map<WebSocket, NodeJS.Timeout>();
  readonly #timer: NodeJS.Timeout;
  readonly #closed: Counter;
  #checking = false;

  constructor(private readonly options: CredentialWatchOptions) {
    this.#closed = new Counter({
      name: 'plantgraph_gateway_sockets_closed_total',
      help: 'WebSockets the gateway closed because their credentials ended.',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    for (const reason of ['key_revoked', 'token_expired']) this.#closed.inc({ reason }, 0);
    this.#timer = setInterval(() => void this.check(), options.checkEveryMs ?? REVOCATION_CHECK_MS);
    this.#timer.unref();
  }

  /** Watches `socket` until it closes. */
  watch(socket: WebSocket, caller: Caller): void {
    const { apiKeyId, expiresAt } = caller;
    if (expiresAt !== undefined) this.#expireAt(socket, expiresAt);
    if (apiKeyId !== undefined) {
      const sockets = this.#byKey.get(apiKeyId) ?? new Set();
      sockets.add(socket);
      this.#byKey.set(apiKeyId, sockets);
    }
    socket.once('close', () => {
      clearTimeout(this.#expiries.get(socket));
      this.#expiries.delete(socket);
      if (apiKeyId === undefined) return;
      const sockets = this.#byKey.get(apiKeyId);
      sockets?.delete(socket);
      if (sockets?.size === 0) this.#byKey.delete(apiKeyId);
    });
  }

  /** Closes the sockets of keys revoked since the last check. */
  async check(): Promise<void> {
    const { sql } = this.options;
    if (!sql || this.#checking || this.#byKey.size === 0) return;
    this.#checking = true;
    try {
      const ids = [...this.#byKey.keys()];
      const active = await activeApiKeyIds(sql, ids);
      const revoked = new Set(ids.filter((id) => !active.has(id)));
      if (revoked.size === 0) return;
      this.options.onRevoked?.(revoked);
      for (const id of revoked) {
        for (const socket of this.#byKey.get(id) ?? []) {
          this.#end(socket, 'key_revoked', 'Forbidden: the API key was revoked');
        }
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'could not check open sockets for revoked keys');
    } finally {
      this.#checking = false;
    }
  }

  /** Stops watching; the sockets themselves are closed by the server. */
  close(): void {
    clearInterval(this.#timer);
    for (const timer of this.#expiries.values()) clearTimeout(timer);
    this.#expiries.clear();
  }

  #expireAt(socket: WebSocket, expiresAt: number): void {
    const wait = expiresAt - Date.now();
    const timer = setTimeout(
      () =>
        wait > MAX_TIMER_MS
          ? this.#expireAt(socket, expiresAt)
          : this.#end(socket, 'token_expired', 'Forbidden: the token has expired'),
      Math.max(0, Math.min(wait, MAX_TIMER_MS)),
    );
    timer.unref();
    this.#expiries.set(socket, timer);
  }

  #end(socket: WebSocket, reason: 'key_revoked' | 'token_expired', message: string): void {
    this.#closed.inc({ reason });
    this.options.logger.info({ reason }, 'closing a WebSocket whose credentials ended');
    socket.close(CREDENTIALS_ENDED, message);
  }
}
