/**
 * How close is close enough. Fixed atol/rtol pairs are either too loose to catch bugs or too tight for long
 * reductions (DESIGN.md §4), so torchparity names each policy and records it in every report.
 */
export type Tolerance =
  /** |actual − expected| ≤ atol + rtol·|expected|, element-wise (torch.testing.assert_close, numpy allclose). */
  | { kind: 'allclose'; name: string; rtol: number; atol: number }
  /** Bit-for-bit equal (NaN matches NaN; +0 matches −0). For small-integer data, where float sums are exact. */
  | { kind: 'exact'; name: string }
  /** Per-element bound supplied by the caller, e.g. scaled by Σ|x·w| of a reduction. */
  | { kind: 'bound'; name: string; bound: ArrayLike<number> };

/** torch.testing.assert_close defaults for float32: what PyTorch users check. */
export const TORCH_FLOAT32: Tolerance = { kind: 'allclose', name: 'torch float32 (rtol 1.3e-6, atol 1e-5)', rtol: 1.3e-6, atol: 1e-5 };

/** torch.testing.assert_close defaults for float64. */
export const TORCH_FLOAT64: Tolerance = { kind: 'allclose', name: 'torch float64 (rtol 1e-7, atol 1e-7)', rtol: 1e-7, atol: 1e-7 };

/** torch.testing.assert_close defaults for float16. */
export const TORCH_FLOAT16: Tolerance = { kind: 'allclose', name: 'torch float16 (rtol 1e-3, atol 1e-5)', rtol: 1e-3, atol: 1e-5 };

/** What ONNX's backend test runner uses for its node suites. */
export const ONNX_SUITE: Tolerance = { kind: 'allclose', name: 'onnx suite (rtol 1e-3, atol 1e-7)', rtol: 1e-3, atol: 1e-7 };

export const EXACT: Tolerance = { kind: 'exact', name: 'exact' };

export function allclose(rtol: number, atol: number): Tolerance {
  return { kind: 'allclose', name: `rtol ${rtol}, atol ${atol}`, rtol, atol };
}

/** PyTorch's default for a dtype: float32 unless the tensor is float64 or float16. */
export function torchDefaultFor(dtype: string): Tolerance {
  if (dtype === 'float64') return TORCH_FLOAT64;
  if (dtype === 'float16') return TORCH_FLOAT16;
  if (dtype === 'float32') return TORCH_FLOAT32;
  return EXACT;
}
