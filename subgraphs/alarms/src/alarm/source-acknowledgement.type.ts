import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import type { SourceAcknowledgement as SourceAnswer } from '@plantgraph/alarms-domain';

/** How the alarm's source answered an acknowledgement carried to it. */
export enum SourceAcknowledgementOutcome {
  OK = 'OK',
  ERROR = 'ERROR',
}

registerEnumType(SourceAcknowledgementOutcome, {
  name: 'SourceAcknowledgementOutcome',
  description: 'How the alarm source answered an acknowledgement carried to it.',
  valuesConfig: {
    OK: { description: 'The source accepted the acknowledgement.' },
    ERROR: {
      description: 'The source refused it (statusCode says why) or could not be reached.',
    },
  },
});

@ObjectType({
  description:
    'The answer of an alarm source (an OPC UA server) to an acknowledgement made in the graph ' +
    'and carried to it by the connectors.',
})
export class SourceAcknowledgement {
  @Field(() => SourceAcknowledgementOutcome)
  outcome!: SourceAcknowledgementOutcome;

  @Field(() => String, {
    nullable: true,
    description:
      'The source status code, e.g. "Good" or "BadConditionBranchAlreadyAcked"; UNAVAILABLE ' +
      'when the connection to the source was down.',
  })
  statusCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The id of the connection that carried the acknowledgement.',
  })
  connection!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the source could not be reached (UNAVAILABLE); null when it answered.',
  })
  message!: string | null;

  @Field(() => DateTime, { description: 'When the answer was recorded.' })
  at!: Date;

  @Field(() => String, { description: 'Who acknowledged the alarm in the graph.' })
  by!: string;

  static fromDomain(answer: SourceAnswer): SourceAcknowledgement {
    return Object.assign(new SourceAcknowledgement(), {
      outcome: answer.outcome as SourceAcknowledgementOutcome,
      statusCode: answer.statusCode,
      connection: answer.connection,
      message: answer.message,
      at: answer.at,
      by: answer.by,
    });
  }
}
