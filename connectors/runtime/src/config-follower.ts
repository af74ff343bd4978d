import { ConfigError, type Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type { PlantConfig } from '@plantgraph/ingest';
import { configVersion, latestConfigVersionNumber } from '@plantgraph/integration-domain';

/** How a connectors process follows the stored configuration versions. */
export interface ConfigFollowing {
  /**
   * Turns a stored document into this process's configuration: environment references
   * resolved from its own environment, its partition selected. Throws a ConfigError when the
   * version cannot run here (a variable this host lacks).
   */
  prepare(document: unknown, version: number): PlantConfig;
  /** How often the newest version number is read (default 1 s). */
  pollMs?: number;
}

interface Reconcilable {
  reconcile(config: PlantConfig, version: number | null): Promise<void>;
}

/**
 * Reads the newest version number every `pollMs` (one indexed `max()`), and reconciles the
 * runtime to a version newer than the one it runs. A version that cannot run here is logged
 * with its problems once and skipped: the running configuration stays, and the next version
 * is tried. Any other failure (the database away) is retried on the next poll.
 */
export class ConfigFollower {
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #current = 0;
  #refused = 0;

  constructor(
    private readonly options: {
      sql: Sql;
      logger: Logger;
      following: ConfigFollowing;
      running: Reconcilable;
    },
  ) {}

  start(runningVersion: number): this {
    this.#current = runningVersion;
    this.#timer = setInterval(() => {
      this.#polling ??= this.poll().finally(() => (this.#polling = undefined));
    }, this.options.following.pollMs ?? 1000);
    return this;
  }

  /** Reconciles to the newest version if it is new; resolves when done (tests call it). */
  async poll(): Promise<void> {
    const { sql, logger, following, running } = this.options;
    try {
      const newest = await latestConfigVersionNumber(sql);
      if (newest <= this.#current || newest === this.#refused) return;
      const stored = await configVersion(sql, newest);
      if (!stored) return;
      try {
        await running.reconcile(following.prepare(stored.document, newest), newest);
        this.#current = newest;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#refused = newest;
        logger.error(
          { version: newest, problems: error.problems },
          `configuration version ${newest} cannot run here; version ${this.#current} keeps running`,
        );
      }
    } catch (error) {
      logger.warn({ err: error }, 'following the configuration versions failed; retrying');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#polling;
  }
}
