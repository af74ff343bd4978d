import type { EventBus } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type { Connector, PlantConfig } from '@plantgraph/ingest';
import {
  downloadAssets,
  downloadsOver,
  openDownloadTargets,
  type OpenedTargets,
} from './download-targets.ts';
import { OrderDispatcher } from './order-dispatcher.ts';

export interface RunningDownloadsParts {
  sql: Sql;
  events?: EventBus;
  logger: Logger;
  busUrl: string;
  pollMs?: number;
  /** The connections this process runs, as they are now (handles that follow a reconnect). */
  connectors: () => Connector[];
}

/**
 * The order downloads of the running configuration: the targets opened over this process's
 * connections and the dispatcher that sends commands through them. A configuration that changes
 * the downloads, or the settings of a connection they use, replaces both: the dispatcher stops
 * (the attempt under way finishes), the targets close and are opened and provisioned anew, and a
 * new dispatcher takes up the pending commands, as a restart of the process would.
 */
export class RunningDownloads {
  #opened: OpenedTargets;
  #dispatcher: OrderDispatcher;
  #running: string;

  private constructor(
    private readonly parts: RunningDownloadsParts,
    opened: OpenedTargets,
    dispatcher: OrderDispatcher,
    running: string,
  ) {
    this.#opened = opened;
    this.#dispatcher = dispatcher;
    this.#running = running;
  }

  static async start(parts: RunningDownloadsParts, config: PlantConfig): Promise<RunningDownloads> {
    const [opened, dispatcher] = await RunningDownloads.#open(parts, config);
    return new RunningDownloads(parts, opened, dispatcher, runningKey(config, parts.connectors()));
  }

  static async #open(
    parts: RunningDownloadsParts,
    config: PlantConfig,
  ): Promise<[OpenedTargets, OrderDispatcher]> {
    const opened = await openDownloadTargets(parts.sql, config, parts.connectors(), parts.busUrl);
    const dispatcher = new OrderDispatcher({
      sql: parts.sql,
      events: parts.events,
      logger: parts.logger,
      targets: opened.targets,
      pollMs: parts.pollMs,
    });
    await dispatcher.start();
    return [opened, dispatcher];
  }

  get dispatcher(): OrderDispatcher {
    return this.#dispatcher;
  }

  /**
   * Throws, naming each download whose machine does not exist, so that such a configuration is
   * refused before anything changes. Checks the downloads over the connections `config` runs.
   */
  async check(config: PlantConfig): Promise<void> {
    const planned = config.connections.map((connection) => ({ connectionId: connection.id }));
    await downloadAssets(this.parts.sql, downloadsOver(config, planned).downloads);
  }

  /** Runs the downloads of `config`; nothing happens when they and their connections are as before. */
  async reconcile(config: PlantConfig): Promise<void> {
    const running = runningKey(config, this.parts.connectors());
    if (running === this.#running) return;
    await this.#stop();
    [this.#opened, this.#dispatcher] = await RunningDownloads.#open(this.parts, config);
    this.#running = running;
    this.parts.logger.info({ machines: this.#dispatcher.machines }, 'order downloads reconciled');
  }

  async close(): Promise<void> {
    await this.#stop();
  }

  async #stop(): Promise<void> {
    await this.#dispatcher.stop();
    await this.#opened.close();
  }
}

/** What the downloads run on: their settings and those of the connections they go through. */
function runningKey(config: PlantConfig, connectors: readonly Connector[]): string {
  const { connections, downloads } = downloadsOver(config, connectors);
  const used = new Set(downloads.map((download) => download.connection));
  return JSON.stringify({
    downloads,
    connections: connections.filter((connection) => used.has(connection.id)),
  });
}
