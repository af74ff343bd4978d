import type { Sql } from '@plantgraph/db';
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

interface ResolvedRow {
  kind: 'tag' | 'asset';
  id: string;
  state: MachineState | null;
  reason: string | null;
}

// One round trip answers which ids exist and, for assets, their latest stored state.
const RESOLVE = `
  select 'tag' as kind, t.id::text as id, null::text as state, null::text as reason
    from tag t where t.id = any($1::uuid[])
  union all
  select 'asset', a.id::text, s.state::text, s.reason
    from asset a
    left join lateral (
      select m.state, m.reason from machine_state m
       where m.asset_id = a.id order by m.time desc limit 1
    ) s on true
   where a.id = any($2::uuid[])`;

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

  /** Looks up, in one query, every id not checked within the TTL. */
  async resolve(
    sql: Sql,
    tagIds: ReadonlySet<string>,
    assetIds: ReadonlySet<string>,
    now = Date.now(),
  ): Promise<void> {
    const tags = [...tagIds].filter((id) => !this.#fresh(this.#tags.get(id), now));
    const assets = [...assetIds].filter((id) => !this.#fresh(this.#assets.get(id), now));
    if (tags.length === 0 && assets.length === 0) return;
    const rows = await sql.query<ResolvedRow>(RESOLVE, [tags, assets]);
    const found = new Map(rows.map((row) => [`${row.kind}:${row.id}`, row]));
    for (const id of tags) this.#tags.set(id, { checkedAt: now, exists: found.has(`tag:${id}`) });
    for (const id of assets) {
      const row = found.get(`asset:${id}`);
      const last = row?.state ? { state: row.state, reason: row.reason } : null;
      this.#assets.set(id, { checkedAt: now, exists: row !== undefined, last });
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
