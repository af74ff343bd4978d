import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The deployable's package.json and package-lock.json, cut out of the repository's lockfile: the
 * packages a bundle imports at run time and everything they need, at exactly the versions the
 * tests ran against. `npm ci --omit=dev` in the bundle's folder then installs only those.
 */

interface LockEntry {
  version?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  requires: boolean;
  packages: Record<string, LockEntry>;
}

/** Node's lookup of `name` from the package at lock path `from`: nearest node_modules upwards. */
function resolveInLock(lock: Lockfile, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

/** The installed package directory a file at `importer` gets for `name`, as a lock path. */
function installedLockPath(root: string, importer: string, name: string): string {
  for (let directory = dirname(importer); ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'node_modules', name, 'package.json'))) {
      return relative(root, join(directory, 'node_modules', name));
    }
    if (directory === root || directory === dirname(directory)) {
      throw new Error(`${relative(root, importer)} imports ${name}, which is not installed`);
    }
  }
}

/** `lodash/fp` → `lodash`, `@scope/name/sub` → `@scope/name`. */
export const packageName = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

export interface DeployManifest {
  packageJson: Record<string, unknown>;
  lockfile: Lockfile;
}

/**
 * `imports` maps each external package to a file that imports it. Fails when a workspace
 * resolves a package to a copy nested below itself: the deployable has one root, so every
 * runtime dependency must be the hoisted copy.
 */
export function deployManifest(
  root: string,
  imports: ReadonlyMap<string, string>,
  bin: Record<string, string>,
): DeployManifest {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    engines: Record<string, string>;
    overrides?: Record<string, string>;
  };
  const dependencies: Record<string, string> = {};
  const packages: Record<string, LockEntry> = {};
  const pending: string[] = [];
  for (const [name, importer] of [...imports].sort(([a], [b]) => a.localeCompare(b))) {
    const path = installedLockPath(root, importer, name);
    if (path !== `node_modules/${name}`) {
      throw new Error(`${name}: the bundle needs the copy at ${path}; hoist it to the root`);
    }
    const entry = lock.packages[path];
    if (!entry?.version) throw new Error(`${name}: not in package-lock.json (run npm install)`);
    dependencies[name] = entry.version;
    pending.push(path);
  }
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (packages[path]) continue;
    // Everything here is a runtime dependency of the deployable, whatever it was for the repo.
    const entry: LockEntry = { ...lock.packages[path] };
    delete entry.dev;
    delete entry.devOptional;
    packages[path] = entry;
    const optionalPeers = new Set(
      Object.entries(entry.peerDependenciesMeta ?? {})
        .filter(([, meta]) => meta.optional)
        .map(([name]) => name),
    );
    const needed = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers.has(name)),
    ];
    for (const name of needed) {
      const resolved = resolveInLock(lock, path, name);
      // An optional dependency for another platform is simply absent from the lock.
      if (resolved) pending.push(resolved);
      else if (!(name in (entry.optionalDependencies ?? {}))) {
        throw new Error(`${path} needs ${name}, which package-lock.json does not hold`);
      }
    }
  }
  const packageJson = {
    name: rootPackage.name,
    version: rootPackage.version,
    private: true,
    type: 'module',
    description: 'Plantgraph, built: `plantgraph <role>` (see plantgraph --help).',
    bin,
    engines: rootPackage.engines,
    dependencies,
    // The lockfile was resolved under the repository's overrides; without them npm ci would
    // judge the pinned versions against the ranges the overrides replace, and refuse.
    ...(rootPackage.overrides ? { overrides: rootPackage.overrides } : {}),
  };
  const sorted = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    packageJson,
    lockfile: {
      name: rootPackage.name,
      version: rootPackage.version,
      lockfileVersion: lock.lockfileVersion,
      requires: true,
      packages: {
        '': {
          name: rootPackage.name,
          version: rootPackage.version,
          dependencies,
          bin,
          engines: rootPackage.engines,
        },
        ...sorted,
      },
    },
  };
}
