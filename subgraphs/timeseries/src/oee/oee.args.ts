import { ArgsType, Field } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';

@ArgsType()
export class OeeLossesArgs {
  @Field(() => DateTime, { description: 'Window start (inclusive).' })
  from!: Date;

  @Field(() => DateTime, {
    description: 'Window end (exclusive). Time after now counts as no planned time.',
  })
  to!: Date;
}

@ArgsType()
export class OeeArgs extends OeeLossesArgs {
  @Field(() => String, {
    description:
      'Bucket length: "15 minutes", "1 hour", "8 hours", "1 day", "1 week", "1 month", or ' +
      '"shift" for one bucket per shift worked at the asset\'s site.',
  })
  interval!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'IANA time zone days, weeks and months start in, e.g. "Europe/Berlin"; default the ' +
      "zone of the site's shift calendar, else UTC.",
  })
  timezone?: string | null;
}
