import { MachineState } from '../machine-states.ts';

/**
 * Stop reasons that mean nobody planned to produce: a STOPPED or IDLE period with one of these
 * is a planned stop. Any other reason, or none, makes it an unplanned stop.
 */
export const PLANNED_STOP_REASONS: ReadonlySet<string> = new Set([
  'BREAK',
  'SHIFT_CHANGE',
  'NO_ORDER',
]);

/**
 * Whether time in `state` is a planned stop, which OEE leaves out of planned production time:
 * MAINTENANCE (planned maintenance, whatever the reason), and STOPPED or IDLE for a planned
 * reason. Everything else that is not RUNNING is a loss: DOWN, SETUP (a changeover is an
 * availability loss to shorten, not planned time), IDLE and STOPPED for other reasons, and
 * OFFLINE (a machine that cannot be seen must not look better for it).
 */
export function isPlannedStop(state: MachineState, reason: string | null): boolean {
  if (state === MachineState.MAINTENANCE) return true;
  if (state !== MachineState.STOPPED && state !== MachineState.IDLE) return false;
  return reason !== null && PLANNED_STOP_REASONS.has(reason);
}
