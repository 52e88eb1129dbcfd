import { describe, expect, it } from 'vitest';
import { CLASS, onnxSameTotal, windowClasses } from '../../src/fuzz/boundary.js';

describe('boundary classes', () => {
  it('in 5, k 3, s 2, pads 1+1 → 3 windows starting at −1, 1, 3: the first and last partly in padding, nothing left over', () => {
    // (5 + 2 − 3) / 2 + 1 = 3 windows; taps −1..1 and 3..5 reach the pads; (5 + 2 − 3) mod 2 = 0.
    const classes = windowClasses([{ input: 5, kernel: 3, stride: 2, dilation: 1, padBegin: 1, padEnd: 1, output: 3 }], 'NOTSET');
    expect(classes).toContain(CLASS.windowPartlyInPadding);
    expect(classes).toContain(CLASS.stride);
    expect(classes).not.toContain(CLASS.sizeModStride);
    expect(classes).not.toContain(CLASS.windowWhollyInPadding);
    expect(classes).not.toContain(CLASS.asymmetricPads);
  });

  it('in 1, k 2, d 4, pads 1+2 → taps −1 and 3 both miss the input: a window wholly in padding', () => {
    const classes = windowClasses([{ input: 1, kernel: 2, stride: 1, dilation: 4, padBegin: 1, padEnd: 2, output: 1 }], 'NOTSET');
    expect(classes).toEqual(expect.arrayContaining([CLASS.windowWhollyInPadding, CLASS.asymmetricPads, CLASS.padKernelMinusOne, CLASS.dilation, CLASS.kernelOverInput]));
  });

  it('in 6, k 3, s 4, pads 0+2 → windows at 0 and 4; (6 + 2 − 3) mod 4 = 1 cell left over; a stride beyond the kernel skips cells', () => {
    const classes = windowClasses([{ input: 6, kernel: 3, stride: 4, dilation: 1, padBegin: 0, padEnd: 2, output: 2 }], 'NOTSET');
    expect(classes).toEqual(expect.arrayContaining([CLASS.sizeModStride, CLASS.strideOverKernel, CLASS.padKernelMinusOne, CLASS.windowPartlyInPadding]));
  });

  it('SAME classes: stride, dilation, odd total, negative ONNX total (in 4, k 1, s 4: (1 − 1)·4 + 1 − 4 = −3)', () => {
    expect(onnxSameTotal(4, 1, 4, 1)).toBe(-3);
    expect(onnxSameTotal(5, 3, 2, 2)).toBe(4); // (3 − 1)·2 + 5 − 5
    const classes = windowClasses([{ input: 4, kernel: 1, stride: 4, dilation: 1, padBegin: 0, padEnd: 0, output: 1 }], 'SAME_UPPER');
    expect(classes).toEqual(expect.arrayContaining([CLASS.sameStride, CLASS.sameNegative, 'auto_pad SAME_UPPER']));
    const odd = windowClasses([{ input: 5, kernel: 2, stride: 1, dilation: 2, padBegin: 1, padEnd: 1, output: 5 }], 'SAME_LOWER');
    expect(odd).toContain(CLASS.sameDilation);
  });
});
