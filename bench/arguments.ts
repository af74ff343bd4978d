/** Command-line flags of the benchmarks: `--name value`. */

/** The value after `--name`, if given. */
export function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

/** A positive whole-number flag, `fallback` when absent; anything else stops the benchmark. */
export function count(name: string, fallback: number): number {
  const given = option(name);
  const value = given === undefined ? fallback : Number(given);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} must be a positive whole number, not ${given}`);
  }
  return value;
}
