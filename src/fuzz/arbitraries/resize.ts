import fc from 'fast-check';
import type { CheckSpec, FuzzCase, InputSpec, ValueMode } from '../case.js';
import type { Family } from '../family.js';
import { declarationFor, dimsText, enumOf, hasAttr, opsetsOf, valueSeedArb } from './common.js';

/**
 * Resize from opset 11 (Resize-10 and Upsample sample as torchparity's PyTorch-first rules say, which onnxruntime
 * does not follow for nearest downsampling; see ops/tensor/resize.ts), rank 3–4 with the spatial axes resized as
 * F.interpolate does, in the attribute combinations the exporters write (EXPORT_FORMS), the axes input from 18,
 * output given by scales (binary fractions 0.5–3, exactly representable) or by sizes. keep_aspect_ratio_policy is
 * left out: no exporter writes it, and with antialias torchparity and onnxruntime then disagree by up to 0.3 with
 * no PyTorch behaviour to settle it (a 5-minute campaign found it; see the fuzz report).
 *
 * Checks: nearest selects (bit-exact). Linear and cubic are not plain sums of exact products: onnxruntime computes
 * each source position ((i + 0.5)/scale − 0.5 ...) and its weights in float32, and a weight off by k·u·position
 * moves the output by that times |x1 − x0|, which Σ|w·x| does not bound (measured: 5.7e-7 with antialias). With
 * |x| ≲ 5 for these data, positions ≤ 21 and Σ|w| ≤ 1.5 per axis, that stays below ~1e-5: 2^-16 absolute plus 64
 * ulps, far below what a wrong coefficient, coordinate mode or antialias filter moves (≥ 1e-2).
 */

const SCALES = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3] as const;

/**
 * What torch.onnx writes for F.interpolate (the mapping in ops/tensor/resize.ts): nearest → asymmetric + floor,
 * nearest-exact → half_pixel + round_prefer_ceil, (bi/tri)linear and bicubic → align_corners, pytorch_half_pixel
 * or half_pixel with a = −0.75, antialias=True → antialias with exclude_outside (bicubic a = −0.5). Other
 * combinations are valid ONNX, but torchparity resolves their ambiguities PyTorch's way only where PyTorch has a
 * way, so the differential is run on what exporters produce.
 */
const EXPORT_FORMS: readonly { mode: string; coordinate: string; nearest?: string; cubicA?: number; excludeOutside?: boolean; antialias?: boolean }[] = [
  { mode: 'nearest', coordinate: 'asymmetric', nearest: 'floor' },
  { mode: 'nearest', coordinate: 'half_pixel', nearest: 'round_prefer_ceil' },
  { mode: 'linear', coordinate: 'align_corners' },
  { mode: 'linear', coordinate: 'pytorch_half_pixel' },
  { mode: 'linear', coordinate: 'half_pixel' },
  { mode: 'cubic', coordinate: 'align_corners', cubicA: -0.75 },
  { mode: 'cubic', coordinate: 'pytorch_half_pixel', cubicA: -0.75 },
  { mode: 'cubic', coordinate: 'half_pixel', cubicA: -0.75 },
  { mode: 'linear', coordinate: 'pytorch_half_pixel', antialias: true, excludeOutside: true },
  { mode: 'cubic', coordinate: 'pytorch_half_pixel', cubicA: -0.5, excludeOutside: true, antialias: true },
];

const structureArb = fc.record({
  rank: fc.integer({ min: 3, max: 4 }),
  dims: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 })),
  form: fc.nat({ max: 9 }),
  bySizes: fc.boolean(),
  scales: fc.tuple(fc.nat({ max: 7 }), fc.nat({ max: 7 })),
  sizes: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })),
  withAxes: fc.boolean(),
  valueSeed: valueSeedArb,
});

type Structure = typeof structureArb extends fc.Arbitrary<infer T> ? T : never;

function resizeCase(opset: number, s: Structure, valueMode: ValueMode): FuzzCase {
  const dims = s.dims.slice(0, s.rank);
  const spatial = dims.length - 2;
  const forms = EXPORT_FORMS.filter((f) => (f.mode !== 'cubic' || s.rank === 4) && (!f.antialias || hasAttr('Resize', opset, 'antialias')));
  const form = forms[s.form % forms.length]!;
  const { mode } = form;
  const coordinate = form.coordinate;
  const attributes: Record<string, number | string | number[]> = { mode, coordinate_transformation_mode: coordinate };
  if (form.nearest) attributes.nearest_mode = form.nearest;
  if (form.cubicA !== undefined) attributes.cubic_coeff_a = form.cubicA;
  if (form.excludeOutside) attributes.exclude_outside = 1;
  const antialias = form.antialias === true;
  if (antialias) attributes.antialias = 1;
  const axesInput = hasAttr('Resize', opset, 'axes') && s.withAxes;
  const resized = Array.from({ length: spatial }, (_, i) => i + 2);
  if (axesInput) attributes.axes = resized;
  const inputs: InputSpec[] = [{ name: 'X', dims, role: 'data' }];
  const names = ['X'];
  const optionalRoi = !declarationFor('Resize', opset).inputs[1]!.optional ? false : true;
  const roi = () => {
    // Resize-11 requires roi and scales inputs even when unused: empty tensors.
    inputs.push({ name: 'roi', dims: [0], role: 'index', fixed: [], constant: true });
    names.push('roi');
  };
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (s.bySizes) {
    sizes = s.sizes.slice(0, spatial);
    const full = axesInput ? sizes : [dims[0]!, dims[1]!, ...sizes];
    if (optionalRoi) names.push('', '');
    else {
      roi();
      inputs.push({ name: 'scales', dims: [0], role: 'index', fixed: [], constant: true });
      names.push('scales');
    }
    inputs.push({ name: 'sizes', dims: [full.length], role: 'index', dtype: 'int64', fixed: full, constant: true });
    names.push('sizes');
  } else {
    // Scales that leave at least one cell: 0.5 on a length-1 axis would empty it.
    scales = s.scales.slice(0, spatial).map((k, i) => {
      const fits = SCALES.filter((v) => Math.floor(dims[i + 2]! * v) >= 1);
      return fits[k % fits.length]!;
    });
    const full = axesInput ? scales : [1, 1, ...scales];
    if (optionalRoi) names.push('');
    else roi();
    inputs.push({ name: 'scales', dims: [full.length], role: 'index', fixed: full, constant: true });
    names.push('scales');
  }
  const classes = [`mode ${mode}`, coordinate, `${spatial}-D`, s.bySizes ? 'sizes' : 'scales'];
  if (attributes.nearest_mode) classes.push(String(attributes.nearest_mode));
  if (antialias) classes.push('antialias');
  if (attributes.exclude_outside) classes.push('exclude_outside');
  if (axesInput) classes.push('axes input');
  const out = sizes ?? scales!.map((k, i) => Math.floor(dims[i + 2]! * k));
  if (out.some((o, i) => o < dims[i + 2]!)) classes.push('downsampling');
  if (out.some((o, i) => o > dims[i + 2]!)) classes.push('upsampling');
  const check: CheckSpec = mode === 'nearest' ? { kind: 'exact' } : { kind: 'pointwise', ulps: 64, atol: 2 ** -16 };
  const how = sizes ? `sizes=${dimsText(sizes)}` : `scales=${dimsText(scales!)}`;
  return {
    family: 'resize',
    op: 'Resize',
    title: `Resize ${mode} ${coordinate}${attributes.nearest_mode ? ` ${attributes.nearest_mode}` : ''}${antialias ? ' antialias' : ''} x=${dimsText(dims)} ${how} opset ${opset}`,
    opset,
    nodes: [{ opType: 'Resize', inputs: names, outputs: ['Y'], attributes }],
    inputs,
    outputs: ['Y'],
    values: valueMode,
    valueSeed: s.valueSeed,
    classes,
    check,
  };
}

export function resizeArbitrary(mode: ValueMode): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...opsetsOf('Resize').filter((o) => o >= 11).map((opset) => structureArb.map((s) => resizeCase(opset, s, mode))));
}

export const resizeFamily: Family = {
  name: 'resize',
  summary: 'Resize (11+): nearest/linear/cubic, coordinate modes, nearest modes, antialias, aspect-ratio policies, scales or sizes',
  ops: ['Resize'],
  // Not ±∞/NaN yet: torchparity drops taps of weight 0, onnxruntime multiplies them (0·∞ = NaN); which one PyTorch's
  // upsample kernels match is open (see the fuzz report).
  modes: ['normal'],
  arbitrary: resizeArbitrary,
  knownDivergence(c) {
    const scales = c.inputs.find((i) => i.name === 'scales')?.fixed ?? [];
    const dims = c.inputs[0]!.dims;
    const spatial = scales.length === dims.length ? scales.slice(2) : scales;
    const copies = spatial.some((k, i) => k !== 1 && Math.floor(dims[i + 2]! * k) === dims[i + 2]!);
    // A scale ≠ 1 that keeps an axis's length (1.25 on length 3 → 3). PyTorch copies such an axis in linear and
    // antialiased modes (aten/src/ATen/native/UpSample.h, compute_source_index_and_lambda) and samples nearest with
    // 1/scale (3 → [0, 0, 1]); onnxruntime does the opposite: it copies in nearest mode and interpolates with the
    // scale otherwise. torchparity follows PyTorch (ops/tensor/resize.ts).
    if (copies) return 'a scale ≠ 1 that keeps the axis length: PyTorch and onnxruntime disagree on copying the axis';
    return undefined;
  },
};
