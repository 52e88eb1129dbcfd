import { describe, expect, it } from 'vitest';
import { ETA32, EPS32, U32, gamma, maxDeviation, pointwiseBound, reductionBound, roundToFloat32, ulp32 } from '../../src/compare/bound.js';
import { compareTensors } from '../../src/compare/compare.js';
import { boundTolerance } from '../../src/compare/bound.js';
import { float32 } from '../../src/tensor.js';

describe('compare/bound.ts', () => {
  it('gamma(n) = n·u/(1 − n·u): gamma(1) just above 2^-24, gamma(2^24) unbounded', () => {
    // 1·2^-24 / (1 − 2^-24) = 2^-24 · (1 + 2^-24 + ...): above 2^-24 by about 2^-48.
    expect(gamma(1)).toBeGreaterThan(U32);
    expect((gamma(1) - U32) / 2 ** -48).toBeCloseTo(1, 6);
    expect(gamma(2 ** 24)).toBe(Infinity);
    expect(EPS32).toBe(2 * U32);
  });

  it('reduction bound: two float32 sides get twice the referee budget, plus terms·η', () => {
    // terms 10, M = 4: referee side γ(10)·4 + 10·2^-149; float32 side twice that.
    const ref = reductionBound([1], [4], 10, 'referee')[0]!;
    const two = reductionBound([1], [4], 10, 'float32')[0]!;
    expect(ref).toBeCloseTo(gamma(10) * 4 + 10 * ETA32, 20);
    expect(two).toBeCloseTo(2 * ref, 20);
    // ≈ c·eps32·terms·M with c = 1 for two float32 results: 2^-23 · 10 · 4 = 4.77e-6.
    expect(two / (EPS32 * 10 * 4)).toBeCloseTo(1, 5);
  });

  it('reduction bound: infinite expected values must be matched exactly, infinite magnitudes leave the element unbounded', () => {
    const b = reductionBound([Infinity, -Infinity, NaN, 2], [Infinity, 1, 1, Infinity], 3, 'float32');
    expect(Array.from(b)).toEqual([0, 0, 0, Infinity]);
  });

  it('a bound tolerance fails an Infinity that should have been finite, and a result off by one |x·w| term', () => {
    const expected = float32([3], [1, 2, 3]);
    const magnitude = [6, 6, 6];
    const tol = boundTolerance('b', reductionBound(expected.data, magnitude, 3, 'float32'));
    expect(compareTensors(float32([3], [1, 2, 3]), expected, tol).verdict).toBe('pass');
    expect(compareTensors(float32([3], [1, 2, Infinity]), expected, tol).verdict).toBe('fail');
    // One term of size 1 (of M = 6) missing: far beyond 2·γ(3)·6 ≈ 2.1e-6.
    expect(compareTensors(float32([3], [1, 2, 2]), expected, tol).verdict).toBe('fail');
    // One float32 ulp at 3 (2.4e-7) is inside.
    expect(compareTensors(float32([3], [1, 2, 3 + 2 ** -22]), expected, tol).verdict).toBe('pass');
  });

  it('ulp32: 2^-23 at 1, 2^-22 at 2 and 3, the subnormal spacing below 2^-126', () => {
    expect(ulp32(1)).toBe(2 ** -23);
    expect(ulp32(1.5)).toBe(2 ** -23);
    expect(ulp32(2)).toBe(2 ** -22);
    expect(ulp32(3)).toBe(2 ** -22);
    expect(ulp32(-0.75)).toBe(2 ** -24);
    expect(ulp32(2 ** -130)).toBe(ETA32);
    expect(ulp32(0)).toBe(ETA32);
  });

  it('pointwise bound: ulps·ulp32(expected) + atol, 0 at infinities', () => {
    expect(Array.from(pointwiseBound([1, 2, Infinity], 4, 1e-7))).toEqual([4 * 2 ** -23 + 1e-7, 4 * 2 ** -22 + 1e-7, 0]);
  });

  it('maxDeviation: NaN on one side or a different infinity is Infinity, equal specials are 0', () => {
    expect(maxDeviation([1, NaN, Infinity], [1.5, NaN, Infinity])).toBe(0.5);
    expect(maxDeviation([NaN], [1])).toBe(Infinity);
    expect(maxDeviation([Infinity], [-Infinity])).toBe(Infinity);
    expect(maxDeviation([1, 2], [1])).toBe(Infinity);
  });

  it('roundToFloat32 rounds the referee once: 0.1 becomes float32 0.1', () => {
    expect(roundToFloat32([0.1])[0]).toBe(Math.fround(0.1));
  });
});
