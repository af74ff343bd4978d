import type { EventBus, PlantEvent } from '@plantgraph/bus';
import { includesRole, SUBSCRIPTION_ROLE } from '@plantgraph/auth';
import { assetPathById, isWithin } from './asset-scope.ts';
import type { GraphContext } from './context.ts';
import { sitePaths } from './site-scope.ts';
import { PlantgraphError } from './errors.ts';
import { itemArrived, itemHandedOut } from './stream-span.ts';

/** What a stream holds between the bus handing an item over and the client pulling it. */
export interface EventBuffer<T> {
  push(item: T, now: number): void;
  /** The item to deliver now; else how long until one is due; undefined when nothing waits. */
  take(now: number): { item: T } | { waitMs: number } | undefined;
}

/** Raised through a stream whose client read too slowly for its buffer. */
export class StreamOverflowError extends PlantgraphError {
  constructor(capacity: number) {
    super(
      'SERVICE_UNAVAILABLE',
      `The subscription fell more than ${capacity} events behind and was ended; subscribe again`,
    );
  }
}

/** Most events a plain stream holds for a slow client before it ends the subscription. */
export const DEFAULT_STREAM_CAPACITY = 1000;

/**
 * A first-in-first-out buffer of at most `capacity` items. Every item matters to its reader
 * (state changes, alarm transitions), so overflowing ends the stream instead of dropping some.
 */
export function boundedBuffer<T>(capacity = DEFAULT_STREAM_CAPACITY): EventBuffer<T> {
  const items: T[] = [];
  return {
    push(item) {
      if (items.length >= capacity) throw new StreamOverflowError(capacity);
      items.push(item);
    },
    take() {
      return items.length > 0 ? { item: items.shift() as T } : undefined;
    },
  };
}

/**
 * Keeps only the newest item per key and hands out each key at most every `minIntervalMs`, so
 * a slow reader sees current values and the buffer never holds more than one item per key.
 * Keys take turns in the order they first became pending, so a busy key cannot starve the rest.
 */
export function conflate<T>(keyOf: (item: T) => string, minIntervalMs: number): EventBuffer<T> {
  const pending = new Map<string, T>();
  const deliveredAt = new Map<string, number>();
  return {
    push(item) {
      pending.set(keyOf(item), item);
    },
    take(now) {
      let waitMs = Number.POSITIVE_INFINITY;
      for (const [key, item] of pending) {
        const dueIn = (deliveredAt.get(key) ?? Number.NEGATIVE_INFINITY) + minIntervalMs - now;
        if (dueIn <= 0) {
          pending.delete(key);
          deliveredAt.set(key, now);
          return { item };
        }
        waitMs = Math.min(waitMs, dueIn);
      }
      return pending.size > 0 ? { waitMs } : undefined;
    },
  };
}

export interface EventStreamOptions<T> {
  /** The item for an event the stream wants, undefined for the rest. */
  select: (event: PlantEvent) => T | undefined;
  /** Default: a bounded first-in-first-out buffer. */
  buffer?: EventBuffer<T>;
  /**
   * Which events can matter to `select`, as routes (see `routesOf`): an event type (`alarm`), or
   * a type and one id (`tagValue:<tag id>`, `state:<asset id>`). Unset: every event. With routes,
   * `select` is called only for events on them, so one busy stream type does not cost every
   * other stream a call per event.
   */
  routes?: readonly string[];
  /**
   * The subscription's context. A subscription keeps one context for all its events, so its
   * DataLoaders are cleared before each event: fields resolved for an event read the data as it
   * is then, not as it was for the first event.
   */
  context?: GraphContext;
}

type Listener = (event: PlantEvent) => void;

/**
 * The routes an event travels: its type, and its type with the id it is about (the tag of a value,
 * else the asset). Ids are lower case, as the graph's arguments are.
 */
export function routesOf(event: PlantEvent): [string, string] {
  const id = event.type === 'tagValue' ? event.tagId : event.assetId;
  return [event.type, `${event.type}:${id.toLowerCase()}`];
}

/**
 * One broker subscription per bus, shared by every stream. EventBus.subscribe unsubscribes by
 * filter, so two streams with the same filter would cancel each other, and overlapping filters
 * may make the broker deliver an event twice; a single `#` avoids both. Subscribing and
 * unsubscribing run one after the other so that a late unsubscribe never cancels a newer one.
 * Listeners with routes are indexed by them: an event reaches the listeners of its two routes and
 * those without routes, not every listener of the process.
 */
class SharedSubscription {
  /** Listeners and their routes (undefined: every event). */
  readonly listeners = new Map<Listener, readonly string[] | undefined>();
  readonly #everything = new Set<Listener>();
  readonly #byRoute = new Map<string, Set<Listener>>();
  #unsubscribe: (() => Promise<void>) | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(private readonly bus: EventBus) {}

  add(listener: Listener, routes: readonly string[] | undefined): Promise<void> {
    this.listeners.set(listener, routes);
    if (!routes) this.#everything.add(listener);
    for (const route of new Set(routes)) {
      const listeners = this.#byRoute.get(route) ?? new Set<Listener>();
      listeners.add(listener);
      this.#byRoute.set(route, listeners);
    }
    return this.#sync();
  }

  remove(listener: Listener): Promise<void> {
    const routes = this.listeners.get(listener);
    this.listeners.delete(listener);
    this.#everything.delete(listener);
    for (const route of new Set(routes)) {
      const listeners = this.#byRoute.get(route);
      listeners?.delete(listener);
      if (listeners?.size === 0) this.#byRoute.delete(route);
    }
    return this.#sync();
  }

  #dispatch(event: PlantEvent): void {
    const [type, keyed] = routesOf(event);
    for (const listeners of [this.#everything, this.#byRoute.get(type), this.#byRoute.get(keyed)]) {
      for (const listener of listeners ?? []) {
        try {
          listener(event);
        } catch {
          // A malformed event one stream cannot read must not starve the others.
        }
      }
    }
  }

  #sync(): Promise<void> {
    this.#chain = this.#chain
      .catch(() => undefined)
      .then(async () => {
        if (this.listeners.size > 0 && !this.#unsubscribe) {
          this.#unsubscribe = await this.bus.subscribe('#', (event) => this.#dispatch(event));
        } else if (this.listeners.size === 0 && this.#unsubscribe) {
          const unsubscribe = this.#unsubscribe;
          this.#unsubscribe = undefined;
          await unsubscribe();
        }
      });
    return this.#chain;
  }
}

const shared = new WeakMap<EventBus, SharedSubscription>();
let active = 0;

/** How many event streams are subscribed in this process; each counts until it is closed. */
export function activeEventStreams(): number {
  return active;
}

/**
 * The bus's events as an async iterator for a GraphQL subscription. Resolves once the bus
 * subscription is in place, so nothing published afterwards is missed. `return()` (the client
 * completing or disconnecting) releases the bus subscription; an overflowing buffer ends the
 * stream with a StreamOverflowError.
 */
export async function eventStream<T>(
  bus: EventBus,
  options: EventStreamOptions<T>,
): Promise<AsyncIterableIterator<T>> {
  const { context } = options;
  // Every role may subscribe; a subgraph checks anyway, as it does not rely on the gateway.
  if (context && !includesRole(context.identity.role, SUBSCRIPTION_ROLE)) {
    throw new PlantgraphError(
      'FORBIDDEN',
      `Subscriptions need the role ${SUBSCRIPTION_ROLE} or higher`,
    );
  }
  // Events of assets outside the caller's sites never reach the stream.
  const roots = context ? await sitePaths(context) : undefined;
  // The stream's own filter first (a set lookup), the site check only for what it wants.
  const select = roots
    ? (event: PlantEvent) => {
        const item = options.select(event);
        return item !== undefined && roots.some((root) => isWithin(event.assetPath, root))
          ? item
          : undefined;
      }
    : options.select;
  const buffer = options.buffer ?? boundedBuffer<T>();
  const subscription = shared.get(bus) ?? new SharedSubscription(bus);
  shared.set(bus, subscription);
  let failure: unknown;
  let closed = false;
  let counted = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const listener: Listener = (event) => {
    const item = select(event);
    if (item === undefined || failure) return;
    try {
      buffer.push(item, Date.now());
      itemArrived(item);
    } catch (error) {
      failure = error;
      void close().catch(() => undefined);
    }
    notify();
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    if (counted) active--;
    notify();
    await subscription.remove(listener);
  };

  try {
    await subscription.add(listener, options.routes);
  } catch (error) {
    await subscription.remove(listener);
    throw error;
  }
  // Counted once the broker confirmed, so a caller that sees the count rise may publish.
  if (!closed) {
    counted = true;
    active++;
  }

  const done = (): IteratorResult<T> => ({ value: undefined, done: true });
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        if (failure) {
          const error = failure;
          failure = undefined;
          throw error;
        }
        if (closed) return done();
        const next = buffer.take(Date.now());
        if (next && 'item' in next) {
          freshLoaders(options.context);
          itemHandedOut(options.context, next.item);
          return { value: next.item, done: false };
        }
        await new Promise<void>((resolve) => {
          const timer = next ? setTimeout(resolve, next.waitMs) : undefined;
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async return() {
      await close();
      return done();
    },
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Clears a subscription context's loaders before the next event, except asset paths: they
 * change only when the plant is remodelled, and every event's site check needs them.
 */
function freshLoaders(context: GraphContext | undefined): void {
  if (!context) return;
  for (const factory of [...context.loaders.keys()]) {
    if (factory !== (assetPathById as unknown)) context.loaders.delete(factory);
  }
}

/** The context's event bus; SERVICE_UNAVAILABLE when this process runs without one. */
export function requireEventBus(context: GraphContext): EventBus {
  if (!context.events) {
    throw new PlantgraphError(
      'SERVICE_UNAVAILABLE',
      'Subscriptions are unavailable: the event bus is not configured for this subgraph',
    );
  }
  return context.events;
}
