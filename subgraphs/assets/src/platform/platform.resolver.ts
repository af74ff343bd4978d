import { Ctx, Query, Resolver } from 'type-graphql';
import { platformVersion } from '@plantgraph/config';
import { appliedMigrations } from '@plantgraph/db';
import type { GraphContext } from '@plantgraph/graph';
import { Migration, Platform, StorageKind, TimescaleLicense } from './platform.type.ts';

@Resolver(() => Platform)
export class PlatformResolver {
  @Query(() => Platform, { description: 'Release, storage backend and schema migrations.' })
  async platform(@Ctx() context: GraphContext): Promise<Platform> {
    const { capabilities } = context;
    const migrations = await appliedMigrations(context.sql);
    return Object.assign(new Platform(), {
      version: platformVersion,
      storage: capabilities.backend === 'embedded' ? StorageKind.EMBEDDED : StorageKind.POSTGRES,
      timescale: capabilities.timescaleVersion !== null,
      timescaleVersion: capabilities.timescaleVersion,
      timescaleLicense:
        capabilities.timescaleLicense === null
          ? null
          : capabilities.timescaleLicense === 'apache'
            ? TimescaleLicense.APACHE
            : TimescaleLicense.TIMESCALE,
      postgresVersion: capabilities.postgresVersion,
      migrations: migrations.map((migration) => Object.assign(new Migration(), migration)),
    });
  }
}
