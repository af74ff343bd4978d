import { describe, expect, it } from 'vitest';
import { progressOf, type ProgressSource } from './order-progress.ts';
import { ProductionOrderStatus } from './order-status.ts';

const started = new Date('2026-01-01T08:00:00Z');
const running: ProgressSource = {
  status: ProductionOrderStatus.RUNNING,
  quantity: 100,
  producedGood: 40,
  producedReject: 2,
  startedAt: started,
  completedAt: null,
};

describe('order progress', () => {
  it('estimates the completion from the good rate since the start', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    expect(progressOf(running, now)).toEqual({
      good: 40,
      reject: 2,
      remaining: 60,
      ratePerHour: 20,
      estimatedCompletion: new Date('2026-01-01T13:00:00Z'),
    });
  });

  it('knows no rate before the start and no estimate unless running', () => {
    const downloaded = { ...running, status: ProductionOrderStatus.DOWNLOADED, startedAt: null };
    expect(progressOf(downloaded)).toMatchObject({ ratePerHour: null, estimatedCompletion: null });
  });

  it('answers the completion time of a completed order', () => {
    const completedAt = new Date('2026-01-01T12:00:00Z');
    const completed = { ...running, status: ProductionOrderStatus.COMPLETED, completedAt };
    expect(progressOf(completed).estimatedCompletion).toEqual(completedAt);
  });
});
