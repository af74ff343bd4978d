/** The plant's words the configuration maps onto: machine states, counter kinds, severities. */

export const machineStates = [
  'RUNNING',
  'IDLE',
  'STOPPED',
  'DOWN',
  'SETUP',
  'MAINTENANCE',
  'OFFLINE',
] as const;
export type MachineState = (typeof machineStates)[number];

export const counterKinds = ['GOOD', 'REJECT', 'TOTAL'] as const;
export type CounterKind = (typeof counterKinds)[number];

export const alarmSeverities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type AlarmSeverity = (typeof alarmSeverities)[number];
