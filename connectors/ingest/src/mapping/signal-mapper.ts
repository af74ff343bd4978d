import { canonicalJson } from '@plantgraph/integration-domain';
import type { ConnectionConfig } from '../plant-config.ts';
import type { MapResult, SignalMapper, WatchedSource } from '../ports.ts';
import type { MachineState, SourceSample } from '../records.ts';
import type {
  ResolvedPlantConfig,
  ResolvedSparkplugDiscovery,
  ResolvedTagMapping,
} from './resolve.ts';
import {
  alarmKey,
  alarmRule,
  counterRule,
  emptyMemory,
  stateRule,
  tagRule,
  type Evaluation,
  type Memory,
  type Rule,
} from './rules.ts';
import { hasWildcard, topicMatches } from '../plant-config.ts';

/** The signal mapper of a plant configuration, which UNS discovery can extend while it runs. */
export interface PlantSignalMapper extends SignalMapper {
  /** The configured connection with this id. */
  connection(id: string): ConnectionConfig | undefined;
  /** The ids of the tags an address feeds (history backfill asks what they last stored). */
  tagIdsOf(connectionId: string, address: string): string[];
  /** Starts mapping another tag; adding the same tag on the same address again changes nothing. */
  addTagMapping(mapping: ResolvedTagMapping): void;
  /**
   * Records a state decided outside the mappings (OFFLINE after a Sparkplug death), so the next
   * mapped state is compared with it: a machine that comes back RUNNING is recorded RUNNING again.
   * OFFLINE also forgets whether the asset's alarms are active, so the next value of each (a
   * Sparkplug birth) clears one that went away meanwhile, as after a reconnect.
   */
  noteState(assetId: string, state: MachineState, reason: string | null): void;
  /**
   * Runs another configuration from now on. A mapping equal to one of the running configuration
   * keeps its rule and everything the mapper remembers (deadbands, states, alarms, counter
   * totals), so a reconciliation changes only what changed; mappings discovery added stay while
   * their connection does.
   */
  reconcile(resolved: ResolvedPlantConfig): void;
  /**
   * The Sparkplug discovery binding of a device on this connection, or with `device` unset, of an
   * edge node's own metrics; a node's binding does not cover its devices.
   */
  sparkplugBinding(
    connectionId: string,
    address: { group: string; edgeNode: string; device?: string },
  ): ResolvedSparkplugDiscovery | undefined;
}

/** The rules of one connection: exact addresses, and topic filters with wildcards. */
class ConnectionRules {
  readonly exact = new Map<string, Rule[]>();
  readonly filters = new Map<string, Rule[]>();
  readonly sources = new Map<string, WatchedSource>();

  add(rule: Rule): void {
    const { source } = rule.mapping;
    const byFilter = 'topic' in source && hasWildcard(rule.address);
    const table = byFilter ? this.filters : this.exact;
    table.set(rule.address, [...(table.get(rule.address) ?? []), rule]);
    const readOnConnect = isAlarmRule(rule) || this.sources.get(rule.address)?.readOnConnect;
    this.sources.set(rule.address, {
      source: this.sources.get(rule.address)?.source ?? source,
      address: rule.address,
      ...(readOnConnect ? { readOnConnect } : {}),
    });
  }

  rulesFor(address: string): Rule[] {
    const rules = [...(this.exact.get(address) ?? [])];
    for (const [filter, filtered] of this.filters) {
      if (topicMatches(filter, address)) rules.push(...filtered);
    }
    return rules;
  }
}

const failed = (evaluation: Evaluation): evaluation is { reason: string } => 'reason' in evaluation;

const isAlarmRule = (rule: Rule): boolean => 'code' in rule.mapping;
const isTagRule = (rule: Rule): boolean => 'tagId' in rule.mapping;

const bindingKey = (
  connectionId: string,
  { group, edgeNode, device }: { group: string; edgeNode: string; device?: string },
) => JSON.stringify([connectionId, group, edgeNode, device ?? null]);

class Mapper implements PlantSignalMapper {
  readonly #connections = new Map<string, ConnectionConfig>();
  readonly #rules = new Map<string, ConnectionRules>();
  readonly #memory: Memory = emptyMemory();
  readonly #sparkplugBindings = new Map<string, ResolvedSparkplugDiscovery>();

  /** Rules by their mapping (canonical JSON), so a reconciliation keeps the unchanged ones. */
  #ruleByMapping = new Map<string, Rule>();
  /** Mappings discovery added while running: births and topics are not seen again at will. */
  readonly #discovered = new Map<string, ResolvedTagMapping>();

  constructor(resolved: ResolvedPlantConfig) {
    this.#load(resolved);
  }

  #load(resolved: ResolvedPlantConfig): void {
    const previous = this.#ruleByMapping;
    this.#ruleByMapping = new Map();
    this.#connections.clear();
    this.#rules.clear();
    this.#sparkplugBindings.clear();
    for (const connection of resolved.connections) this.#connections.set(connection.id, connection);
    for (const binding of resolved.sparkplugDiscovery ?? []) {
      this.#sparkplugBindings.set(bindingKey(binding.connection, binding), binding);
    }
    const keep = (mapping: object, build: () => Rule) => {
      const key = canonicalJson(mapping);
      const rule = previous.get(key) ?? build();
      this.#ruleByMapping.set(key, rule);
      this.#add(rule);
    };
    for (const mapping of resolved.tags) keep(mapping, () => tagRule(mapping, this.#memory));
    for (const mapping of resolved.states) keep(mapping, () => stateRule(mapping, this.#memory));
    for (const mapping of resolved.counters) keep(mapping, () => counterRule(mapping));
    for (const mapping of resolved.alarms) keep(mapping, () => alarmRule(mapping, this.#memory));
    for (const [key, mapping] of this.#discovered) {
      if (this.#connections.has(mapping.connection)) this.addTagMapping(mapping);
      else this.#discovered.delete(key);
    }
  }

  reconcile(resolved: ResolvedPlantConfig): void {
    this.#load(resolved);
  }

  #add(rule: Rule): void {
    const id = rule.mapping.connection;
    const rules = this.#rules.get(id) ?? new ConnectionRules();
    this.#rules.set(id, rules);
    rules.add(rule);
  }

  connection(id: string): ConnectionConfig | undefined {
    return this.#connections.get(id);
  }

  noteState(assetId: string, state: MachineState, reason: string | null): void {
    this.#memory.states.set(assetId, { state, reason });
    if (state !== 'OFFLINE') return;
    const prefix = alarmKey(assetId, '');
    for (const key of this.#memory.alarms.keys()) {
      if (key.startsWith(prefix)) this.#memory.alarms.delete(key);
    }
  }

  sparkplugBinding(
    connectionId: string,
    address: { group: string; edgeNode: string; device?: string },
  ): ResolvedSparkplugDiscovery | undefined {
    return this.#sparkplugBindings.get(bindingKey(connectionId, address));
  }

  addTagMapping(mapping: ResolvedTagMapping): void {
    this.#discovered.set(canonicalJson(mapping), mapping);
    const rule = tagRule(mapping, this.#memory);
    const existing = this.#rules.get(mapping.connection)?.rulesFor(rule.address) ?? [];
    const known = existing.some(
      (other) =>
        other.address === rule.address &&
        'tagId' in other.mapping &&
        other.mapping.tagId === mapping.tagId,
    );
    if (!known) this.#add(rule);
  }

  sourcesOf(connectionId: string): WatchedSource[] {
    return [...(this.#rules.get(connectionId)?.sources.values() ?? [])];
  }

  tagIdsOf(connectionId: string, address: string): string[] {
    const rules = this.#rules.get(connectionId)?.rulesFor(address) ?? [];
    return rules.flatMap((rule) => ('tagId' in rule.mapping ? [rule.mapping.tagId] : []));
  }

  covers(connectionId: string, address: string): boolean {
    return (this.#rules.get(connectionId)?.rulesFor(address).length ?? 0) > 0;
  }

  map(sample: SourceSample): MapResult {
    const all = this.#rules.get(sample.connection)?.rulesFor(sample.address) ?? [];
    if (all.length === 0) return { ok: false, reason: `no mapping for ${sample.address}` };
    // The subscription delivers the same value to the other mappings; read twice, a tag would
    // store it twice.
    const rules = sample.readOnConnect
      ? all.filter(isAlarmRule)
      : sample.fromHistory
        ? all.filter(isTagRule)
        : all;
    const evaluations = rules.map((rule) => rule.evaluate(sample));
    const reasons = evaluations.filter(failed).map((evaluation) => evaluation.reason);
    if (reasons.length > 0) return { ok: false, reason: [...new Set(reasons)].join('; ') };
    return {
      ok: true,
      records: evaluations.flatMap((evaluation) => (failed(evaluation) ? [] : evaluation.commit())),
    };
  }
}

/**
 * Builds the mapper of a resolved configuration. Samples are matched by connection and address:
 * - OPC UA: the node id as configured; a browse-path mapping's address is the browse path, which
 *   the OPC UA connector translates to a node id and then puts on the samples of that node.
 * - UNS JSON: the concrete topic, matched against each mapping's topic filter (`+`, `#`).
 * - Sparkplug B: `group/edgeNode/device/metric`, or `group/edgeNode/metric` for node metrics.
 *
 * One sample feeds every mapping of its address (an alarm word feeds one alarm per bit) and
 * yields all their records; a value read on connecting (`readOnConnect`) feeds only the alarms.
 * If any of them rejects the sample, the result is `ok: false` with the reasons and no mapping
 * remembers the sample, so replaying its dead letter is safe.
 */
export function createSignalMapper(resolved: ResolvedPlantConfig): PlantSignalMapper {
  return new Mapper(resolved);
}
