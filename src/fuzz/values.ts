import { float32, tensor, type Tensor } from '../tensor.js';
import type { FuzzCase, InputSpec, ValueMode } from './case.js';
import { Random } from './random.js';

/**
 * Tensor values for a case, from its value mode and seed. Standard normal by default; the adversarial modes
 * target what reductions and windows get wrong:
 * - exact: integers in [-3, 3] (biases [-8, 8]), so every float32 partial sum of the small reductions we build is
 *   an exact integer and any summation order gives the same bits;
 * - negative: data all below −0.1, so a max-pool that lets padding take part (as 0) is caught;
 * - cancel: data of magnitude ~1e4 whose large parts cancel in sums, leaving a small result next to a large Σ|x·w|;
 * - zeros: data and weights with many exact +0 and −0;
 * - subnormal: data mostly in float32's subnormal range (below 2^-126), where flush-to-zero would show;
 * - nonfinite: data with ±Infinity and NaN sprinkled in.
 */

function draw(spec: InputSpec, mode: ValueMode, rng: Random): number {
  const dist = spec.dist ?? { kind: 'normal' };
  const base = () => (dist.kind === 'uniform' ? dist.min + (dist.max - dist.min) * rng.next() : rng.normal() * (dist.scale ?? 1));
  // Variances must stay positive and epsilons as drawn in every mode.
  if (spec.role === 'variance' || spec.role === 'index') return base();
  const data = spec.role === 'data';
  switch (mode) {
    case 'normal':
      return base();
    case 'exact':
      return spec.role === 'bias' ? rng.int(-8, 8) : rng.int(-3, 3);
    case 'negative':
      return data ? -0.1 - Math.abs(rng.normal()) * 3 : base();
    case 'cancel':
      return data ? 1e4 * Math.round(rng.normal() * 2) + rng.normal() : base();
    case 'zeros': {
      if (!data && spec.role !== 'weight') return base();
      const u = rng.next();
      return u < 0.35 ? 0 : u < 0.65 ? -0 : base();
    }
    case 'subnormal': {
      if (!data) return base();
      const u = rng.next();
      // 2^-133 · N(0,1) is subnormal (|v| < 2^-126) except in the far tail; 2^-120 · N is tiny but normal.
      return u < 0.6 ? rng.normal() * 2 ** -133 : u < 0.75 ? 0 : rng.normal() * 2 ** -120;
    }
    case 'nonfinite': {
      if (!data) return base();
      const u = rng.next();
      return u < 0.07 ? Infinity : u < 0.14 ? -Infinity : u < 0.19 ? NaN : rng.normal();
    }
  }
}

/** Every input of the case, in the order of `c.inputs`. */
export function caseTensors(c: FuzzCase): Tensor[] {
  const rng = new Random(c.valueSeed);
  return c.inputs.map((spec) => {
    if (spec.fixed) return tensor(spec.dtype ?? 'float32', spec.dims, spec.dtype === 'int64' ? Float64Array.from(spec.fixed) : Float32Array.from(spec.fixed));
    const n = spec.dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = draw(spec, c.values, rng);
    return float32(spec.dims, values);
  });
}

/**
 * The magnitude counterpart of an input: |v| for data, weights, biases and scales, −|v| for a mean that the op
 * subtracts, the variance unchanged (all exact in float32). Run through the same graph in float64 this gives, for
 * dot-product ops, Σ|x·w| + |b| per output element, and for chains of linear, ReLU, pooling and
 * BatchNormalization layers a bound on the magnitudes every rounding error is relative to.
 */
export function magnitudeTensor(spec: InputSpec, t: Tensor): Tensor {
  if (spec.fixed || spec.role === 'index') return t;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = t.data[i]!;
    out[i] = spec.role === 'variance' ? v : spec.role === 'mean' ? -Math.abs(v) : Math.abs(v);
  }
  return tensor('float32', t.dims, out);
}
