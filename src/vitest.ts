import { expect } from 'vitest';
import { tensorMatchers, type TensorLike, type TensorMatchOptions } from './matchers.js';

/** `import 'torchparity/vitest'` adds `expect(actual).toMatchTensor(expected, { rtol, atol })` to vitest's expect. */
export { asTensor, describeMismatch, matchTensor, tensorMatchers, type TensorLike, type TensorMatchOptions } from './matchers.js';

expect.extend(tensorMatchers);

interface TensorMatchers<R = unknown> {
  /** Element-wise |actual − expected| ≤ atol + rtol·|expected| (torch.testing.assert_close's defaults for the dtype). */
  toMatchTensor(expected: TensorLike, options?: TensorMatchOptions): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends TensorMatchers<T> {}
}
