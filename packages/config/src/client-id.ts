import { randomBytes } from 'node:crypto';

/**
 * An MQTT client id no other process shares. Replicas of one image often run with the same PID
 * (1 in every container), and a broker disconnects the older of two clients with one id.
 */
export const uniqueClientId = (prefix: string): string =>
  `${prefix}-${randomBytes(6).toString('hex')}`;
