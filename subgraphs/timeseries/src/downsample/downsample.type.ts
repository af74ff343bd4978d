import { registerEnumType } from 'type-graphql';
import { DownsampleMethod } from '@plantgraph/timeseries-domain';

export { DownsampleMethod };

registerEnumType(DownsampleMethod, {
  name: 'DownsampleMethod',
  description: 'How `Tag.downsample` picks the samples a chart shows.',
  valuesConfig: {
    LTTB: {
      description:
        'Largest-Triangle-Three-Buckets: the samples that keep the shape of the curve. Reads ' +
        'at most 1,000,000 samples.',
    },
    MIN_MAX: {
      description:
        'The lowest and the highest sample of each of points/2 equal time slices, so no spike ' +
        'is lost. Any number of samples.',
    },
  },
});
