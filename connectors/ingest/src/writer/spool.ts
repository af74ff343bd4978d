import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fromSpoolLine, toSpoolLine, type QueueItem } from './items.ts';

const FILE_NAME = /^spool-(\d{15})\.ndjson$/;

const fileName = (ms: number): string => `spool-${String(ms).padStart(15, '0')}.ndjson`;

const fileTime = (name: string): Date => new Date(Number(FILE_NAME.exec(name)?.[1] ?? 0));

/**
 * A file's complete lines, and the bytes after the last newline: an append cut short by a crash
 * or a failed write. Appends end with a newline and count only once fsynced, so those bytes
 * belong to an append that never counted (its source was not acknowledged) and are not a record.
 */
function splitComplete(text: string): { lines: string[]; tornBytes: number } {
  const end = text.lastIndexOf('\n') + 1;
  const lines = text
    .slice(0, end)
    .split('\n')
    .filter((line) => line.length > 0);
  return { lines, tornBytes: Buffer.byteLength(text.slice(end)) };
}

/** A spool file read back. */
export interface SpoolFile {
  items: QueueItem[];
  /** Bytes after the last complete line, left out (0 when the file ends with a full line). */
  tornBytes: number;
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes a new file's directory entry durable; not every platform can open a directory.
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

interface ActiveFile {
  name: string;
  handle: FileHandle;
  bytes: number;
}

/**
 * Append-only NDJSON files holding what the database could not take. Names carry a strictly
 * increasing creation time in milliseconds, so sorting them by name replays them oldest first.
 * Every append is fsynced before it counts as spooled.
 */
export class Spool {
  readonly #dir: string;
  readonly #maxFileBytes: number;
  /** File name → records appended to it, in name order. */
  readonly #files = new Map<string, number>();
  #active: ActiveFile | undefined;
  #lastMs = 0;
  #depth = 0;

  private constructor(dir: string, maxFileBytes: number) {
    this.#dir = dir;
    this.#maxFileBytes = maxFileBytes;
  }

  /** Opens the directory (creating it) and counts what a previous run left behind. */
  static async open(dir: string, maxFileBytes: number): Promise<Spool> {
    await mkdir(dir, { recursive: true });
    const spool = new Spool(dir, maxFileBytes);
    const names = (await readdir(dir)).filter((name) => FILE_NAME.test(name)).sort();
    for (const name of names) {
      const lines = splitComplete(await readFile(join(dir, name), 'utf8')).lines.length;
      spool.#files.set(name, lines);
      spool.#depth += lines;
      spool.#lastMs = fileTime(name).getTime();
    }
    return spool;
  }

  /** Records waiting in spool files. */
  get depth(): number {
    return this.#depth;
  }

  /** Spool file names, oldest first. */
  get files(): string[] {
    return [...this.#files.keys()];
  }

  /** Appends items as one write and fsyncs; rotates to a new file once the current one is full. */
  async append(items: readonly QueueItem[]): Promise<void> {
    if (items.length === 0) return;
    const text = `${items.map(toSpoolLine).join('\n')}\n`;
    const file = await this.#writable();
    try {
      await file.handle.appendFile(text, 'utf8');
      await file.handle.sync();
    } catch (error) {
      // A torn line may end the file now; later appends go to a fresh file.
      await this.seal();
      throw error;
    }
    file.bytes += Buffer.byteLength(text);
    this.#files.set(file.name, (this.#files.get(file.name) ?? 0) + items.length);
    this.#depth += items.length;
  }

  /**
   * Reads a file back up to its last complete line. Appends never go to a file once it is read.
   */
  async read(name: string): Promise<SpoolFile> {
    if (this.#active?.name === name) await this.seal();
    const { lines, tornBytes } = splitComplete(await readFile(join(this.#dir, name), 'utf8'));
    const time = fileTime(name);
    return { items: lines.map((line) => fromSpoolLine(line, time)), tornBytes };
  }

  /** Deletes a file whose records are all stored. */
  async remove(name: string): Promise<void> {
    if (this.#active?.name === name) await this.seal();
    await unlink(join(this.#dir, name));
    this.#depth -= this.#files.get(name) ?? 0;
    this.#files.delete(name);
  }

  /** Closes the current file; the next append starts a new one. */
  async seal(): Promise<void> {
    const active = this.#active;
    this.#active = undefined;
    await active?.handle.close();
  }

  close(): Promise<void> {
    return this.seal();
  }

  async #writable(): Promise<ActiveFile> {
    if (this.#active && this.#active.bytes < this.#maxFileBytes) return this.#active;
    await this.seal();
    const ms = Math.max(Date.now(), this.#lastMs + 1);
    const name = fileName(ms);
    const handle = await open(join(this.#dir, name), 'ax');
    this.#lastMs = ms;
    this.#files.set(name, 0);
    await syncDirectory(this.#dir);
    this.#active = { name, handle, bytes: 0 };
    return this.#active;
  }
}
