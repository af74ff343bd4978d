import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

/** `plantgraph …` from source, with only the environment given (no DATABASE_URL inherited). */
async function plantgraph(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', main, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('plantgraph <role>', () => {
  it('lists every role with --help', async () => {
    const { code, stdout } = await plantgraph(['--help']);
    expect(code).toBe(0);
    for (const role of [
      'demo',
      'gateway',
      'hive-gateway',
      'subgraph',
      'connectors',
      'simulator',
      'migrate',
      'seed',
      'keys',
      'config',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${role} `, 'm'));
    }
  });

  it("lists a role's variables with their defaults", async () => {
    const { code, stdout } = await plantgraph(['subgraph', 'timeseries', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}PORT +default 4005 /m);
    expect(stdout).toMatch(/^ {2}DATABASE_URL +required /m);
    expect(stdout).toMatch(/^ {2}PLANTGRAPH_GATEWAY_SECRET +required /m);
  });

  it('refuses to start a gateway without a database or secret, naming both', async () => {
    const { code, stderr } = await plantgraph(['gateway']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/DATABASE_URL: required/);
    expect(stderr).toMatch(/PLANTGRAPH_GATEWAY_SECRET: required/);
  });

  it('names a malformed variable and the expected form', async () => {
    const { code, stderr } = await plantgraph(['connectors'], {
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
      PLANTGRAPH_CONFIG: 'plant.yaml',
      MQTT_URL: 'http://broker',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/MQTT_URL: must be mqtt:\/\/host:port or mqtts:\/\/host:port/);
  });

  it('refuses an unknown role or subgraph with the usage', async () => {
    const unknownRole = await plantgraph(['historian']);
    expect(unknownRole.code).toBe(1);
    expect(unknownRole.stderr).toMatch(/unknown role "historian"/);
    const unknownSubgraph = await plantgraph(['subgraph', 'inventory']);
    expect(unknownSubgraph.code).toBe(1);
    expect(unknownSubgraph.stderr).toMatch(
      /expected <assets\|orders\|quality\|alarms\|timeseries>/,
    );
  });
});
