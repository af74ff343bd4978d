/**
 * What the alarms domain refuses, in the plant's terms. Adapters answer these with their own
 * coded errors (the alarms subgraph with NOT_FOUND and CONFLICT, naming the alarm as the caller
 * wrote it); the domain knows nothing of GraphQL.
 */
export abstract class AlarmDomainError extends Error {}

/** No alarm has this id. */
export class AlarmNotFound extends AlarmDomainError {
  constructor(readonly alarmId: string) {
    super(`Alarm "${alarmId}" does not exist`);
    this.name = 'AlarmNotFound';
  }
}

/** Someone acknowledged the alarm before: an alarm is acknowledged once. */
export class AlarmAlreadyAcknowledged extends AlarmDomainError {
  constructor(
    readonly alarmId: string,
    readonly acknowledgedBy: string,
    readonly acknowledgedAt: Date,
  ) {
    super(
      `Alarm "${alarmId}" was already acknowledged by ${acknowledgedBy} ` +
        `at ${acknowledgedAt.toISOString()}`,
    );
    this.name = 'AlarmAlreadyAcknowledged';
  }
}
