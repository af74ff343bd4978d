import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes, DateTime, GraphQLJSON, type TagValueEvent } from '@plantgraph/graph';
import type { Sample } from '@plantgraph/timeseries-domain';
import { Tag } from '../tag/tag.type.ts';

/** OPC UA-style status of a sample. */
export enum DatapointQuality {
  GOOD = 'GOOD',
  UNCERTAIN = 'UNCERTAIN',
  BAD = 'BAD',
}
registerEnumType(DatapointQuality, {
  name: 'DatapointQuality',
  description: 'How far a sample can be trusted, as the source reported it.',
  valuesConfig: {
    GOOD: { description: 'The value is reliable.' },
    UNCERTAIN: { description: 'The value may be inaccurate, e.g. a sensor out of calibration.' },
    BAD: { description: 'The value is unusable, e.g. a broken connection or sensor failure.' },
  },
});

const JSON_TEXT = 'String samples, and JSON samples as JSON text.';
const JSON_VALUE =
  'JSON samples (a whole OPC UA array or structure): `text` parsed; null when `text` holds no JSON array or object.';

/**
 * The samples of JSON tags are arrays and structures, so only text that reads as an array or an
 * object is parsed: a STRING sample such as "42" stays text.
 */
function jsonOf(text: string | null): unknown {
  if (text === null || !/^\s*[[{]/.test(text)) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

// Plain data: graphql-js reads the properties, no resolver per sample and field.
@ObjectType({ description: 'One sample of a tag.', simpleResolvers: true })
export class Datapoint {
  @Field(() => DateTime)
  time!: Date;

  @Field(() => Float, { nullable: true, description: 'Numeric and boolean (0/1) samples.' })
  value!: number | null;

  @Field(() => String, { nullable: true, description: JSON_TEXT })
  text!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: JSON_VALUE })
  get json(): unknown {
    return jsonOf(this.text);
  }

  @Field(() => DatapointQuality)
  quality!: DatapointQuality;

  /** The tag the sample belongs to: with `time`, what finds the mapping that fed it. */
  tagId!: string;

  static fromRow(row: Sample, tagId: string): Datapoint {
    return Object.assign(new Datapoint(), {
      tagId,
      time: row.time,
      value: row.value,
      text: row.text,
      quality: row.quality as DatapointQuality,
    });
  }
}

export const DatapointConnection = connectionTypes(Datapoint, 'Datapoint');

const QUALITIES = new Set<string>(Object.values(DatapointQuality));

@ObjectType({ description: 'A new sample of a tag, as it arrives.' })
export class TagValue {
  @Field(() => Tag)
  tag!: Tag;

  @Field(() => DateTime)
  time!: Date;

  @Field(() => Float, { nullable: true, description: 'Numeric and boolean (0/1) samples.' })
  value!: number | null;

  @Field(() => String, { nullable: true, description: JSON_TEXT })
  text!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: JSON_VALUE })
  get json(): unknown {
    return jsonOf(this.text);
  }

  @Field(() => DatapointQuality)
  quality!: DatapointQuality;

  /** The sample an event reports; undefined for a quality this graph does not know. */
  static fromEvent(event: TagValueEvent): TagValue | undefined {
    if (!QUALITIES.has(event.quality)) return undefined;
    return Object.assign(new TagValue(), {
      tag: Object.assign(new Tag(), { id: event.tagId }),
      time: new Date(event.time),
      value: event.value,
      text: event.text,
      quality: event.quality as DatapointQuality,
    });
  }
}
