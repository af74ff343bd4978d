import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

interface Waiting {
  representations: unknown[];
  resolve(response: Response): void;
  reject(error: unknown): void;
}

interface Batch {
  options: GraphQLDataSourceProcessOptions;
  waiting: Waiting[];
}

/**
 * Requests of one selection a batching data source has in flight at once; fetches issued
 * meanwhile wait for one of them to return and then go together.
 */
export const MAX_IN_FLIGHT_PER_SELECTION = 2;

/**
 * Entity fetches (`_entities(representations: …)`) with the same selection that are issued in
 * the same turn of the event loop go to the subgraph as one request, each distinct entity once.
 * Subscription events that arrive together (one bus message fanned out to many subscriptions,
 * or a burst of messages) thus cost one round trip per subgraph instead of one per event.
 * While MAX_IN_FLIGHT_PER_SELECTION requests of a selection are under way, its further fetches
 * are held and go as one request when one of those returns: under a steady stream of events the
 * batches grow with the load instead of the requests multiplying, and an idle gateway sends at
 * once as before. Anything else passes straight through.
 */
export class EntityBatchingDataSource implements GraphQLDataSource {
  /** Fetches of this turn, by selection. */
  readonly #batches = new Map<string, Batch>();
  /** Fetches held behind the requests in flight, by selection. */
  readonly #held = new Map<string, Batch>();
  readonly #inFlight = new Map<string, number>();

  constructor(private readonly real: GraphQLDataSource) {}

  process(options: GraphQLDataSourceProcessOptions): Promise<Response> {
    const { query, variables } = options.request;
    const representations: unknown = variables?.representations;
    if (!query || !Array.isArray(representations)) return this.real.process(options);
    const key = `${query}\n${JSON.stringify({ ...variables, representations: null })}`;
    let batch = this.#held.get(key) ?? this.#batches.get(key);
    if (!batch) {
      batch = { options, waiting: [] };
      if (this.#batches.size === 0) setImmediate(() => this.#flush());
      this.#batches.set(key, batch);
    }
    const { waiting } = batch;
    return new Promise((resolve, reject) => waiting.push({ representations, resolve, reject }));
  }

  #flush(): void {
    const batches = [...this.#batches];
    this.#batches.clear();
    for (const [key, batch] of batches) this.#dispatch(key, batch);
  }

  /** Sends `batch` unless its selection has the most requests in flight; then holds it. */
  #dispatch(key: string, batch: Batch): void {
    const inFlight = this.#inFlight.get(key) ?? 0;
    if (inFlight >= MAX_IN_FLIGHT_PER_SELECTION) {
      const held = this.#held.get(key);
      if (held) held.waiting.push(...batch.waiting);
      else this.#held.set(key, batch);
      return;
    }
    this.#inFlight.set(key, inFlight + 1);
    void this.#send(batch).finally(() => {
      const left = (this.#inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(key, left);
      else this.#inFlight.delete(key);
      const held = this.#held.get(key);
      if (!held) return;
      this.#held.delete(key);
      this.#dispatch(key, held);
    });
  }

  async #send({ options, waiting }: Batch): Promise<void> {
    const [only] = waiting;
    if (only && waiting.length === 1) {
      try {
        only.resolve(await this.real.process(options));
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    const distinct: unknown[] = [];
    const indexOf = new Map<string, number>();
    const positions = waiting.map(({ representations }) =>
      representations.map((representation) => {
        const key = JSON.stringify(representation);
        let index = indexOf.get(key);
        if (index === undefined) {
          index = distinct.push(representation) - 1;
          indexOf.set(key, index);
        }
        return index;
      }),
    );
    const request = {
      ...options.request,
      variables: { ...options.request.variables, representations: distinct },
    };
    try {
      const response = await this.real.process({ ...options, request });
      waiting.forEach(({ resolve }, n) => resolve(share(response, positions[n] ?? [])));
    } catch (error) {
      for (const { reject } of waiting) reject(error);
    }
  }
}

/** One caller's part of a batched response: its entities, in its order, and their errors. */
function share(response: Response, positions: number[]): Response {
  const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
  const errors = (response.errors ?? []).flatMap((error) => localErrors(error, positions));
  return {
    ...response,
    data: entities ? { _entities: positions.map((index) => entities[index] ?? null) } : null,
    ...(errors.length > 0 ? { errors } : { errors: undefined }),
  };
}

/** An error at `_entities.<i>` belongs to every caller position holding entity i. */
function localErrors(error: GraphQLFormattedError, positions: number[]): GraphQLFormattedError[] {
  const [field, index, ...rest] = error.path ?? [];
  if (field !== '_entities' || typeof index !== 'number') return [error];
  return positions.flatMap((entity, position) =>
    entity === index ? [{ ...error, path: ['_entities', position, ...rest] }] : [],
  );
}
