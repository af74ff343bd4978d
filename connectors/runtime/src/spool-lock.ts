import { mkdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** A second process on a spool would replay and delete the first one's files under its feet. */
export class SpoolInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpoolInUseError';
  }
}

export interface SpoolLock {
  release(): Promise<void>;
}

export interface SpoolLockOptions {
  /** How often the holder touches the lock file (default 5 s). */
  heartbeatMs?: number;
  /** A lock file untouched for this long belongs to no running process (default 15 s). */
  staleAfterMs?: number;
}

interface Holder {
  host: string;
  pid: number;
  since: string;
}

export const LOCK_FILE = 'owner.lock';

/**
 * Claims a spool directory for this process with `owner.lock` (host, pid, start time), touched
 * every few seconds. A lock is taken over when it is stale: untouched for `staleAfterMs`, or
 * written on this host by a process that no longer runs (or by this very pid: a restarted
 * container is pid 1 again). Hosts sharing a volume see each other's heartbeat, not pids, so a
 * crashed holder on another host blocks the spool until its lock goes stale. Two processes taking
 * over the same stale lock in the same instant are not told apart.
 */
export async function lockSpool(dir: string, options: SpoolLockOptions = {}): Promise<SpoolLock> {
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const staleAfterMs = options.staleAfterMs ?? 15_000;
  const path = join(dir, LOCK_FILE);
  const me: Holder = { host: hostname(), pid: process.pid, since: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = await runningHolder(path, staleAfterMs);
    if (holder) {
      throw new SpoolInUseError(
        `The spool ${dir} is in use by a connectors process (pid ${holder.pid} on ${holder.host} ` +
          `since ${holder.since}). Each connectors process needs a spool of its own: give it a ` +
          'different PLANTGRAPH_CONNECTIONS or PLANTGRAPH_DATA_DIR, and never run one ' +
          'connection in two processes.',
      );
    }
    await writeFile(path, text);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      const current = await readFile(path, 'utf8').catch(() => '');
      if (current === text) await unlink(path).catch(() => undefined);
    },
  };
}

async function runningHolder(path: string, staleAfterMs: number): Promise<Holder | undefined> {
  const [content, stats] = await Promise.all([
    readFile(path, 'utf8').catch(() => ''),
    stat(path).catch(() => undefined),
  ]);
  if (!stats || Date.now() - stats.mtimeMs > staleAfterMs) return undefined;
  const holder = parseHolder(content);
  if (!holder) return undefined;
  if (holder.host !== hostname()) return holder;
  if (holder.pid === process.pid) return undefined;
  return isRunning(holder.pid) ? holder : undefined;
}

function parseHolder(content: string): Holder | undefined {
  try {
    const value = JSON.parse(content) as Partial<Holder>;
    if (typeof value.host !== 'string' || typeof value.pid !== 'number') return undefined;
    return { host: value.host, pid: value.pid, since: String(value.since ?? '') };
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
