import { existingReferences } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import { lastMachineStates } from '@plantgraph/timeseries-domain';
import type { MachineState } from '../records.ts';

/** An asset's state as far as deduplication cares: the state and its reason. */
export interface LastState {
  state: MachineState;
  reason: string | null;
}

interface TagEntry {
  checkedAt: number;
  exists: boolean;
}

interface AssetEntry extends TagEntry {
  last: LastState | null;
}

/**
 * Which tag and asset ids exist, and each asset's last stored machine state. The time-series
 * tables carry no foreign keys, so the writer checks references itself; entries are re-checked
 * after `ttlMs` so a deleted tag or asset is noticed.
 */
export class ReferenceCache {
  readonly #ttlMs: number;
  readonly #tags = new Map<string, TagEntry>();
  readonly #assets = new Map<string, AssetEntry>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /**
   * Looks up every id not checked within the TTL: which exist, in one query, and the last stored
   * state of the assets that do, in a second one when there are any.
   */
  async resolve(
    sql: Sql,
    tagIds: ReadonlySet<string>,
    assetIds: ReadonlySet<string>,
    now = Date.now(),
  ): Promise<void> {
    const tags = [...tagIds].filter((id) => !this.#fresh(this.#tags.get(id), now));
    const assets = [...assetIds].filter((id) => !this.#fresh(this.#assets.get(id), now));
    if (tags.length === 0 && assets.length === 0) return;
    const existing = await existingReferences(sql, tags, assets);
    const states = await lastMachineStates(sql, [...existing.assets]);
    for (const id of tags) this.#tags.set(id, { checkedAt: now, exists: existing.tags.has(id) });
    for (const id of assets) {
      const last = states.get(id) ?? null;
      this.#assets.set(id, { checkedAt: now, exists: existing.assets.has(id), last });
    }
  }

  hasTag(id: string): boolean {
    return this.#tags.get(id)?.exists ?? false;
  }

  hasAsset(id: string): boolean {
    return this.#assets.get(id)?.exists ?? false;
  }

  /** The asset's last stored state; null when it has none (or is not resolved). */
  lastState(assetId: string): LastState | null {
    return this.#assets.get(assetId)?.last ?? null;
  }

  /** Records the states a committed batch left each asset in. */
  rememberStates(states: ReadonlyMap<string, LastState>): void {
    for (const [assetId, last] of states) {
      const entry = this.#assets.get(assetId);
      if (entry) entry.last = last;
    }
  }

  /**
   * Drops everything. After a lost connection a commit may have happened without its
   * acknowledgement, so cached states can no longer be trusted.
   */
  forget(): void {
    this.#tags.clear();
    this.#assets.clear();
  }

  #fresh(entry: TagEntry | undefined, now: number): boolean {
    return entry !== undefined && now - entry.checkedAt < this.#ttlMs;
  }
}
