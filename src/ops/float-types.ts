import { FLOAT_DTYPES, type DType } from '../tensor.js';

export const FLOATS: readonly DType[] = FLOAT_DTYPES;
export const INDEX_TYPES: readonly DType[] = ['int32', 'int64'];
