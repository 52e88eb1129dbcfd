import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveKernel } from '../../src/kernels/geometry.js';
import { loadModel } from '../../src/engine/session.js';
import { enumOf, opsetsOf } from '../../src/fuzz/arbitraries/common.js';
import type { FuzzCase } from '../../src/fuzz/case.js';
import { FAMILIES, findFamily } from '../../src/fuzz/families.js';
import { buildCase } from '../../src/fuzz/run-case.js';
import { versionsOf } from '../../src/ops/registry.js';

// The arbitraries are valid by construction (map, never filter): every case they generate must pass our own import
// (attribute validation against the declaration, type checks, shape inference) and give non-empty outputs. Any
// failure here is a bug in an arbitrary or in the importer, found without running onnxruntime.

function sample(family: string, mode: Parameters<(typeof FAMILIES)[number]['arbitrary']>[0], n: number, seed: number): FuzzCase[] {
  return fc.sample(findFamily(family)!.arbitrary(mode), { seed, numRuns: n });
}

describe('every generated case passes import and shape inference', () => {
  for (const family of FAMILIES) {
    for (const mode of family.modes) {
      it(`${family.name} (${mode})`, async () => {
        for (const c of fc.sample(family.arbitrary(mode), { seed: 11, numRuns: mode === 'normal' ? 60 : 15 })) {
          const { model, magnitude } = buildCase(c);
          const session = await loadModel(model.bytes);
          for (const out of session.outputs) {
            expect(out.dims, c.title).toBeDefined();
            expect(out.dims!.every((d) => typeof d === 'number' && d >= 1), `${c.title}: output dims ${out.dims}`).toBe(true);
          }
          if (c.check.kind === 'reduction') expect(magnitude, c.title).toBeDefined();
          expect(c.classes.length, c.title).toBeGreaterThan(0);
        }
      });
    }
  }
});

describe('arbitraries cover the ranges of issue 3', () => {
  const convs = sample('conv', 'normal', 400, 12);
  const attrs = (c: FuzzCase) => c.nodes[0]!.attributes as Record<string, number[] | number | string | undefined>;

  it('Conv: ranks 1–3, every auto_pad of the declaration, kernel 1–5, strides and dilations 1–4, pads 0..k−1', () => {
    expect(new Set(convs.map((c) => c.inputs[0]!.dims.length - 2))).toEqual(new Set([1, 2, 3]));
    const declared = enumOf<string>('Conv', opsetsOf('Conv')[0]!, 'auto_pad');
    expect(new Set(convs.map((c) => (attrs(c).auto_pad as string | undefined) ?? 'NOTSET'))).toEqual(new Set(declared));
    for (const c of convs) {
      const kernel = c.inputs[1]!.dims.slice(2);
      const a = attrs(c);
      expect(kernel.every((k) => k >= 1 && k <= 5)).toBe(true);
      for (const v of [...((a.strides as number[]) ?? []), ...((a.dilations as number[]) ?? [])]) expect(v >= 1 && v <= 4).toBe(true);
      const pads = (a.pads as number[] | undefined) ?? [];
      pads.forEach((p, i) => expect(p, c.title).toBeLessThanOrEqual(kernel[i % kernel.length]! - 1));
    }
    const kernels = new Set(convs.flatMap((c) => c.inputs[1]!.dims.slice(2)));
    expect(kernels).toEqual(new Set([1, 2, 3, 4, 5]));
    const dilations = new Set(convs.flatMap((c) => (attrs(c).dilations as number[] | undefined) ?? []));
    expect(dilations).toEqual(new Set([1, 2, 3, 4]));
  });

  it('Conv: batch 1–3, depthwise, channel multipliers, grouped, bias on and off, asymmetric pads', () => {
    const classes = new Set(convs.flatMap((c) => c.classes));
    for (const k of ['depthwise', 'grouped', 'channel multiplier > 1', 'bias', 'batch > 1', 'asymmetric pads', 'pad = kernel−1', 'SAME with stride > 1', 'SAME with dilation > 1', 'input size mod stride ≠ 0']) {
      expect(classes, k).toContain(k);
    }
    expect(new Set(convs.map((c) => c.inputs[0]!.dims[0]))).toEqual(new Set([1, 2, 3]));
  });

  it('pools: both ops, every version, ceil_mode, count_include_pad, Indices, pads ≤ half the dilated kernel', () => {
    const pools = sample('pool', 'normal', 400, 13);
    expect(new Set(pools.map((c) => `${c.op}-${c.opset}`)).size).toBe(opsetsOf('MaxPool').length + opsetsOf('AveragePool').length);
    const classes = new Set(pools.flatMap((c) => c.classes));
    for (const k of ['ceil_mode', 'count_include_pad', 'Indices', 'Indices, storage_order=1', 'ceil_mode adds a window', 'ceil_mode last window would start in padding (dropped)', 'window partly in padding']) {
      expect(classes, k).toContain(k);
    }
    for (const c of pools) {
      const a = attrs(c);
      const kernel = a.kernel_shape as number[];
      const dilations = (a.dilations as number[] | undefined) ?? kernel.map(() => 1);
      ((a.pads as number[] | undefined) ?? []).forEach((p, i) => {
        const axis = i % kernel.length;
        expect(p, c.title).toBeLessThanOrEqual(Math.floor(effectiveKernel(kernel[axis]!, dilations[axis]!) / 2));
      });
    }
  });

  it('Sum and Mean are checked as reductions of as many terms as they have inputs (cancellation defeats an ulp budget)', () => {
    const sums = sample('elementwise', 'normal', 600, 13).filter((c) => c.op === 'Sum' || c.op === 'Mean');
    expect(new Set(sums.map((c) => c.inputs.length))).toEqual(new Set([1, 2, 3, 4]));
    for (const c of sums) expect(c.check, c.title).toEqual({ kind: 'reduction', terms: c.inputs.length });
  });

  it('every family reads only versions its op declares', () => {
    for (const family of FAMILIES) {
      const cases = fc.sample(family.arbitrary(family.modes[0]!), { seed: 14, numRuns: 50 });
      for (const c of cases) {
        for (const node of c.nodes) expect(versionsOf(node.opType).length, `${c.title}: ${node.opType}`).toBeGreaterThan(0);
      }
    }
  });
});
