import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

export enum StorageKind {
  EMBEDDED = 'EMBEDDED',
  POSTGRES = 'POSTGRES',
}
registerEnumType(StorageKind, {
  name: 'StorageKind',
  description:
    'EMBEDDED: in-process PGlite with TimescaleDB. POSTGRES: a PostgreSQL/TimescaleDB server.',
});

export enum TimescaleLicense {
  APACHE = 'APACHE',
  TIMESCALE = 'TIMESCALE',
}
registerEnumType(TimescaleLicense, {
  name: 'TimescaleLicense',
  description: 'The TimescaleDB edition, after its `timescaledb.license` setting.',
  valuesConfig: {
    APACHE: {
      description:
        'The Apache-2.0 edition managed services ship: hypertables without compression, retention policies, continuous aggregates or gap filling. Aggregates are computed from the raw samples.',
    },
    TIMESCALE: {
      description:
        'The edition with the Timescale License features: compression, retention policies, continuous aggregates (rollups) and gap filling.',
    },
  },
});

@ObjectType({ description: 'A schema migration applied to the database.' })
export class Migration {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'sha256 of migration.sql.' })
  checksum!: string;

  @Field(() => DateTime)
  appliedAt!: Date;
}

@ObjectType({ description: 'What this Plantgraph installation runs on.' })
export class Platform {
  @Field(() => String, { description: 'Plantgraph release.' })
  version!: string;

  @Field(() => StorageKind)
  storage!: StorageKind;

  @Field(() => Boolean, {
    description:
      'Whether the TimescaleDB extension is active. Time-series tables are hypertables when it was active as the migrations ran.',
  })
  timescale!: boolean;

  @Field(() => String, { nullable: true })
  timescaleVersion!: string | null;

  @Field(() => TimescaleLicense, {
    nullable: true,
    description: 'The TimescaleDB edition; null without TimescaleDB.',
  })
  timescaleLicense!: TimescaleLicense | null;

  @Field(() => String)
  postgresVersion!: string;

  @Field(() => [Migration])
  migrations!: Migration[];
}
