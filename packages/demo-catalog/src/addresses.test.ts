import { describe, expect, it } from 'vitest';
import { ORDER_STATES, orderNodeId, unsOrderTopic, unsTopic } from './addresses.ts';

const PRESS = 'Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01';
const PAINT_ROBOT = 'Acme Manufacturing/Lyon/Paint Shop/Line 1/Paint Robot 01';

describe('order interface addresses', () => {
  it('puts the order nodes under <nodePath>.Order, setpoints without whitespace', () => {
    expect(orderNodeId(PRESS, 'State')).toBe('ns=2;s=Dresden.BodyShop.Line1.Press01.Order.State');
    expect(orderNodeId(PRESS, 'Parameters.Stroke Rate')).toBe(
      'ns=2;s=Dresden.BodyShop.Line1.Press01.Order.Parameters.StrokeRate',
    );
  });

  it('puts the order topics under the equipment’s UNS topic', () => {
    expect(unsOrderTopic(PAINT_ROBOT, 'download')).toBe(
      'acme/lyon/paint-shop/line-1/paint-robot-01/order/download',
    );
    expect(unsOrderTopic(PAINT_ROBOT, 'ack')).toBe(`${unsTopic(PAINT_ROBOT, 'order')}/ack`);
  });

  it('numbers the order states as the OPC UA State word does', () => {
    expect(ORDER_STATES).toEqual({ NONE: 0, DOWNLOADED: 1, RUNNING: 2, COMPLETE: 3, ABORTED: 4 });
  });
});
