import { hostname, userInfo } from 'node:os';
import { ConfigError, type Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type { PlantConfig } from '@plantgraph/ingest';
import {
  applyConfigDocument,
  InvalidConfigDocument,
  latestConfigVersion,
} from '@plantgraph/integration-domain';

export interface StoredConfigOptions {
  /**
   * A document the process brings along. `desired` (the PLANTGRAPH_CONFIG file): applied at
   * start, becoming a new version when it differs from the newest. `initial` (the demo plant):
   * stored only while the database holds no version, so changes made since survive a restart.
   * `origin` names it in messages and in the version's comment.
   */
  seed?: { document: unknown; origin: string; mode: 'desired' | 'initial' };
  /** Turns a stored document into this process's configuration (see `ConfigFollowing`). */
  prepare(document: unknown, version: number): PlantConfig;
  logger: Logger;
}

/** Who a process that stores a version is, for `applied by`: `<role>:<user>@<host>`. */
export function processActor(role: string): string {
  return `${role}:${safeUser()}@${hostname()}`;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    // Containers may run under a uid without a passwd entry.
    return process.env.USER ?? 'unknown';
  }
}

async function applySeed(
  sql: Sql,
  seed: NonNullable<StoredConfigOptions['seed']>,
  logger: Logger,
): Promise<void> {
  try {
    const applied = await applyConfigDocument(sql, {
      document: seed.document,
      dryRun: false,
      comment: `${seed.mode === 'initial' ? 'initial version' : 'applied at start'} from ${seed.origin}`,
      appliedBy: processActor('connectors'),
    });
    if (applied.version) {
      logger.info(
        { version: applied.version.version, previous: applied.previousVersion, from: seed.origin },
        `${seed.origin} stored as configuration version ${applied.version.version}`,
      );
    }
  } catch (error) {
    if (error instanceof InvalidConfigDocument) {
      throw new ConfigError(error.problems.map((problem) => `${seed.origin}: ${problem}`));
    }
    throw error;
  }
}

/**
 * The configuration a connectors process starts with: the newest stored version, after storing
 * the seed as its mode says. Several processes starting at once with the same seed store it once:
 * applying compares with the newest version under the version lock.
 */
export async function storedConfig(
  sql: Sql,
  options: StoredConfigOptions,
): Promise<{ config: PlantConfig; version: number }> {
  const { seed, logger } = options;
  if (seed && (seed.mode === 'desired' || !(await latestConfigVersion(sql)))) {
    await applySeed(sql, seed, logger);
  }
  const newest = await latestConfigVersion(sql);
  if (!newest) {
    throw new ConfigError([
      'no integration configuration: set PLANTGRAPH_CONFIG to a file, or apply one with `plantgraph config apply FILE`',
    ]);
  }
  return { config: options.prepare(newest.document, newest.version), version: newest.version };
}
