import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from './compose-services.ts';

/** A role running as its own OS process from the build output, its output in a log file. */
export class RoleProcess {
  readonly startedAt = Date.now();
  /** Milliseconds from spawn to ready (or to exit 0 for a one-shot role). */
  readyAfterMs: number | undefined;
  readonly exited: Promise<number | null>;
  #child: ChildProcess;

  constructor(
    readonly service: ServiceProcess,
    readonly logFile: string,
    cli: string,
    extraEnv: Record<string, string> = {},
  ) {
    const log = createWriteStream(logFile);
    this.#child = spawn(process.execPath, [cli, ...service.args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        ...service.env,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout?.pipe(log);
    this.#child.stderr?.pipe(log);
    this.exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Resolves with the time to ready once `/readyz` answers 200; throws if the process exits. */
  async ready(timeoutMs = 90_000): Promise<number> {
    const port = this.service.port;
    if (port === undefined) throw new Error(`${this.service.name} serves no /readyz`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(`${this.service.name} exited before it was ready:\n${this.log()}`);
      }
      if ((await readyz(port)) === 200) {
        this.readyAfterMs = Date.now() - this.startedAt;
        return this.readyAfterMs;
      }
      await sleep(100);
    }
    throw new Error(`${this.service.name} not ready within ${timeoutMs} ms:\n${this.log()}`);
  }

  /** Resolves when a one-shot role exits 0; throws with its log otherwise. */
  async completed(): Promise<number> {
    const code = await this.exited;
    if (code !== 0) throw new Error(`${this.service.name} exited ${code}:\n${this.log()}`);
    this.readyAfterMs ??= Date.now() - this.startedAt;
    return this.readyAfterMs;
  }
}

/** The status of `/readyz`, or 0 when nothing answers within a second. */
export async function readyz(port: number): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, {
      signal: AbortSignal.timeout(1_000),
    });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Starts the services in compose's dependency order: a dependency with
 * `service_completed_successfully` must exit 0 first, any other must be ready (or started, when
 * it serves no /readyz). Returns each process by service name.
 */
export async function startInOrder(
  services: ServiceProcess[],
  options: {
    cli: string;
    logDirectory: string;
    env?: (name: string) => Record<string, string>;
    /** How long each role may take to be ready (default 90 s). */
    readyTimeoutMs?: number;
    /** Called with each process as it is spawned, so a caller can stop them if a start fails. */
    onSpawn?: (role: RoleProcess) => void;
  },
): Promise<Map<string, RoleProcess>> {
  const started = new Map<string, RoleProcess>();
  const done = new Map<string, Promise<unknown>>();
  const startOne = (service: ServiceProcess): Promise<unknown> => {
    const existing = done.get(service.name);
    if (existing) return existing;
    const promise = (async () => {
      await Promise.all(
        service.dependsOn.map(async (dependency) => {
          const target = services.find((candidate) => candidate.name === dependency.name);
          if (target) await startOne(target);
          const process = started.get(dependency.name);
          if (process && dependency.completed) await process.completed();
        }),
      );
      const role = new RoleProcess(
        service,
        join(options.logDirectory, `${service.name}.log`),
        options.cli,
        options.env?.(service.name),
      );
      started.set(service.name, role);
      options.onSpawn?.(role);
      if (service.port !== undefined) await role.ready(options.readyTimeoutMs);
    })();
    done.set(service.name, promise);
    return promise;
  };
  await Promise.all(services.map(startOne));
  return started;
}
