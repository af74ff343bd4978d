import { resolve } from 'node:path';
import { z } from 'zod';
import { port } from '@plantgraph/config';

/**
 * Environment fragments every role shares, so a variable means the same and fails the same way in
 * each process. Descriptions are what `plantgraph <role> --help` prints.
 */

/** The directory the operator meant: npm runs workspace scripts inside the workspace. */
export const callerDirectory = (): string => process.env.INIT_CWD ?? process.cwd();

/** PostgreSQL/TimescaleDB URL that a production role cannot start without. */
export const requiredDatabaseUrl = () =>
  z
    .url({ message: 'must be a postgres:// URL' })
    .describe('PostgreSQL or TimescaleDB, e.g. postgres://plantgraph:…@db:5432/plantgraph');

/** Only the demo and development tools fall back to the embedded database. */
export const embeddedOrDatabaseUrl = () =>
  z
    .preprocess((value) => (value === '' ? undefined : value), z.url().optional())
    .describe(
      'PostgreSQL or TimescaleDB; unset = embedded PGlite+TimescaleDB in the data directory',
    );

const mqttUrlString = () =>
  z.string().regex(/^mqtts?:\/\/[^/]/, 'must be mqtt://host:port or mqtts://host:port');

/** The event bus and MQTT connections' broker. */
export const mqttUrl = () =>
  z
    .preprocess((value) => (value === '' ? undefined : value), mqttUrlString().optional())
    .describe('MQTT broker of the event bus, e.g. mqtt://mosquitto:1883');

export const requiredMqttUrl = () =>
  mqttUrlString().describe('MQTT broker of the event bus, e.g. mqtt://mosquitto:1883');

/** Embedded database, spool files and demo keys; relative to the caller's directory. */
export const dataDir = () =>
  z
    .string()
    .min(1)
    .default('.data')
    .transform((path) => resolve(callerDirectory(), path))
    .describe('directory for the spool (and the embedded database, demo keys)');

/** Shared by the gateway and the subgraphs: the gateway signs identities with it. */
export const gatewaySecret = () =>
  z
    .string()
    .min(32, 'must be at least 32 characters (e.g. openssl rand -base64 48)')
    .describe('HMAC secret shared by the gateway and the subgraphs (32+ characters)');

export const listenPort = (fallback: number) => port(fallback).describe('HTTP port');

export const listenHost = (fallback: string) =>
  z.string().min(1).default(fallback).describe('address to listen on');

/** One line per variable of a role's environment: name, default or "required", description. */
export function describeEnvironment(shape: z.ZodRawShape): string[] {
  const entries = Object.entries(shape).map(([name, schema]) => {
    const unset = (schema as z.ZodType).safeParse(undefined);
    const fallback = !unset.success
      ? 'required'
      : unset.data === undefined
        ? 'unset'
        : `default ${JSON.stringify(unset.data)}`;
    return { name, fallback, description: (schema as z.ZodType).description ?? '' };
  });
  const nameWidth = Math.max(...entries.map((entry) => entry.name.length));
  const fallbackWidth = Math.max(...entries.map((entry) => entry.fallback.length));
  return entries.map(
    (entry) =>
      `  ${entry.name.padEnd(nameWidth)}  ${entry.fallback.padEnd(fallbackWidth)}  ${entry.description}`,
  );
}
