/** OPC UA-style status of a sample, as the `datapoint_quality` enum names it. */
export type DatapointQuality = 'GOOD' | 'UNCERTAIN' | 'BAD';

/** One sample of a tag, its time as a Date (milliseconds). */
export interface Sample {
  time: Date;
  value: number | null;
  text: string | null;
  quality: DatapointQuality;
}
