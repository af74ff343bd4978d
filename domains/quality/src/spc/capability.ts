/** Specification limits; null is a missing (open) side. */
export interface SpecLimits {
  lsl: number | null;
  usl: number | null;
}

/** A capability index pair: Cp/Cpk with the within-subgroup sigma, Pp/Ppk with the overall one. */
export interface CapabilityIndices {
  /** (USL − LSL) / 6σ; null unless both limits exist. */
  spread: number | null;
  /** min(USL − μ, μ − LSL) / 3σ over the sides that exist; null without any limit. */
  centred: number | null;
}

const NONE: CapabilityIndices = { spread: null, centred: null };

/**
 * Capability of a process with mean `mean` and standard deviation `sigma` against `limits`
 * (NIST/SEMATECH e-Handbook of Statistical Methods, 6.1.6). Without a usable sigma (null, zero,
 * not finite) the indices are undefined and null.
 */
export function capabilityIndices(
  limits: SpecLimits,
  mean: number | null,
  sigma: number | null,
): CapabilityIndices {
  if (mean === null || sigma === null || !Number.isFinite(sigma) || sigma <= 0) return NONE;
  const { lsl, usl } = limits;
  const sides = [
    ...(usl === null ? [] : [(usl - mean) / (3 * sigma)]),
    ...(lsl === null ? [] : [(mean - lsl) / (3 * sigma)]),
  ];
  return {
    spread: lsl === null || usl === null ? null : (usl - lsl) / (6 * sigma),
    centred: sides.length === 0 ? null : Math.min(...sides),
  };
}
