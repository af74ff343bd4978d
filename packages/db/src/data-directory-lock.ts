import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Raised when another live process already owns the embedded database's data directory. */
export class DataDirectoryInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The data directory ${resolve(dataDir)} is in use by process ${pid}. ` +
        'The embedded database allows one process only: stop that process, or set ' +
        'PLANTGRAPH_DATA_DIR to another directory, or DATABASE_URL to a PostgreSQL server.',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A pid file taken with O_EXCL; a file left by a dead process is taken over. */
export class DataDirectoryLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirectoryLock {
    const file = join(dataDir, 'plantgraph.pid');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new DataDirectoryLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(readFileSync(file, 'utf8'));
        if (owner && isAlive(owner)) {
          throw new DataDirectoryInUseError(dataDir, owner);
        }
        rmSync(file, { force: true });
      }
    }
    throw new Error(`Could not lock the data directory ${resolve(dataDir)}`);
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}
