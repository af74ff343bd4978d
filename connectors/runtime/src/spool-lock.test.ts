import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockSpool, SpoolInUseError } from './spool-lock.ts';

const root = mkdtempSync(join(tmpdir(), 'plantgraph-spool-lock-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** Another OS process holding the lock, as a second connectors process would. */
async function holderProcess(dir: string): Promise<ChildProcess> {
  const script = `
    import { lockSpool } from ${JSON.stringify(new URL('./spool-lock.ts', import.meta.url).href)};
    await lockSpool(${JSON.stringify(dir)}, { heartbeatMs: 50 });
    console.log('locked');
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    if (output.includes('locked')) break;
  }
  return child;
}

describe('spool lock', () => {
  it('refuses a spool held by another running process and takes it over once that one died', async () => {
    const dir = join(root, 'shared');
    const holder = await holderProcess(dir);
    await expect(lockSpool(dir)).rejects.toThrow(SpoolInUseError);
    await expect(lockSpool(dir)).rejects.toThrow(new RegExp(`pid ${holder.pid}`));

    holder.kill('SIGKILL');
    await once(holder, 'exit');
    const lock = await lockSpool(dir);
    await lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a fresh lock of another host and takes over one whose heartbeat stopped', async () => {
    const dir = join(root, 'volume');
    const file = join(dir, LOCK_FILE);
    await (await lockSpool(dir)).release();
    writeFileSync(file, JSON.stringify({ host: 'other-host', pid: 1, since: 'then' }));
    await expect(lockSpool(dir, { staleAfterMs: 60_000 })).rejects.toThrow(/pid 1 on other-host/);

    const past = new Date(Date.now() - 120_000);
    utimesSync(file, past, past);
    const lock = await lockSpool(dir, { staleAfterMs: 60_000 });
    await lock.release();
  });

  it('lets a process on a spool it locked itself before (a restarted container) take it again', async () => {
    const dir = join(root, 'restart');
    await lockSpool(dir);
    const again = await lockSpool(dir);
    await again.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
