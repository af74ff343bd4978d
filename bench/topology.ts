/**
 * What the topology benchmarks share: gateway-1 and one replica of each subgraph from compose.yaml,
 * each an OS process of the build output started by the fault harness, and the /proc readings
 * that attribute CPU to them.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from '../test/topology/compose-services.ts';
import { startRoles, type RoleSet } from '../test/topology/faults/fault-harness.ts';

export const SUBGRAPH_ROLES = ['assets-1', 'orders-1', 'quality-1', 'alarms-1', 'timeseries-1'];
export const GATEWAY_ROLE = 'gateway-1';
export const TOPOLOGY_ROLES = [...SUBGRAPH_ROLES, GATEWAY_ROLE];

export interface BenchTopologyOptions {
  databaseUrl: string;
  mqttUrl: string;
  gatewaySecret?: string;
  /** The gateway's environment that departs from compose.yaml's; the caller reports it. */
  gatewayEnv: Record<string, string>;
  /** Environment for every role (a bus prefix of the run's own, say). */
  env?: Record<string, string>;
  /** Where each role writes a V8 CPU profile on exit, in a folder named after it. */
  cpuProfileDirectory?: string;
}

/**
 * Each subgraph URL of the gateway narrowed to the replicas started: compose lists two per
 * subgraph, and a replica that is not there would cost a refused connection every other request.
 */
function startedReplicasOnly(gateway: ServiceProcess, started: readonly ServiceProcess[]) {
  const ports = new Set(started.map((service) => String(service.port)));
  return Object.fromEntries(
    Object.entries(gateway.env)
      .filter(([name]) => /^[A-Z]+_URL$/.test(name) && gateway.env[name]?.includes('/graphql'))
      .map(([name, urls]) => [
        name,
        urls
          .split(',')
          .filter((url) => ports.has(new URL(url).port))
          .join(','),
      ]),
  );
}

/** Starts the topology's roles and waits until each is ready. */
export function startBenchTopology(options: BenchTopologyOptions): Promise<RoleSet> {
  const profile = options.cpuProfileDirectory ? resolve(options.cpuProfileDirectory) : undefined;
  if (profile) mkdirSync(profile, { recursive: true });
  return startRoles({
    names: TOPOLOGY_ROLES,
    databaseUrl: options.databaseUrl,
    mqttUrl: options.mqttUrl,
    gatewaySecret: options.gatewaySecret,
    env: (name, started) => {
      const gateway = started.find((service) => service.name === GATEWAY_ROLE);
      return {
        ...options.env,
        ...(profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}/${name}` } : {}),
        ...(name === GATEWAY_ROLE && gateway
          ? { ...startedReplicasOnly(gateway, started), ...options.gatewayEnv }
          : {}),
      };
    },
  });
}

/** Stops the roles; when profiled by SIGTERM first, since V8 writes a profile only on exit. */
export async function stopBenchTopology(roles: RoleSet, profiled: boolean): Promise<void> {
  if (profiled) {
    for (const name of TOPOLOGY_ROLES) roles.role(name).kill('SIGTERM');
    await Promise.race([
      Promise.all(TOPOLOGY_ROLES.map((name) => roles.role(name).exited)),
      sleep(15_000),
    ]);
  }
  await roles.stop();
}

/**
 * CPU time of a process in clock ticks, from /proc/<pid>/stat: user and system (fields 14, 15),
 * with `children` also that of its children that ended (16, 17).
 */
export function cpuTicks(pid: number | 'self', children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command, which may hold spaces, in parentheses; utime is the 12th.
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = (fields[11] ?? 0) + (fields[12] ?? 0);
    return children ? own + (fields[13] ?? 0) + (fields[14] ?? 0) : own;
  } catch {
    return 0;
  }
}

/** The machine's busy and total CPU ticks, all cores, from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const [, ...values] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/);
  const numbers = values.map(Number);
  const total = numbers.reduce((sum, value) => sum + value, 0);
  // The fourth and fifth fields are idle and iowait.
  const idle = (numbers[3] ?? 0) + (numbers[4] ?? 0);
  return { busy: total - idle, total };
}
