// torchparity's library API. Everything the CLI does is reachable from here.
export { loadModel, Session, type LoadOptions, type RunOptions, type TapEvent } from './engine/session.js';
export { compareTensors, compareTensors as compare, describeComparison, ulpDistance, type Comparison } from './compare/compare.js';
export {
  allclose,
  EXACT,
  ONNX_SUITE,
  TORCH_FLOAT16,
  TORCH_FLOAT32,
  TORCH_FLOAT64,
  torchDefaultFor,
  type Tolerance,
} from './compare/tolerance.js';
export { verify, type VerifyOptions, type VerifyReport, type OutputCheck } from './verify/verify.js';
export { reduce, type ReduceOptions, type ReduceResult } from './verify/reduce.js';
export type { IntermediatesReport, NodeCheck, RootCause } from './verify/intermediates.js';
export { matchTensor, tensorMatchers, type TensorLike, type TensorMatchOptions } from './matchers.js';
export { inspectModel, type InspectReport } from './verify/inspect.js';
export { randomInputs } from './verify/random-inputs.js';
export { runOnnxruntime, onnxruntimeVersion } from './oracle/onnxruntime.js';
export { readTensorFile, writeTensorFile } from './oracle/tensor-files.js';
export { decodeNpy, encodeNpy } from './oracle/npy.js';
export { decodeNpz } from './oracle/npz.js';
export { runConformanceTest, type ConformanceResult } from './conformance/run-test.js';
export { decodeModel, encodeModel, decodeTensorProto, encodeTensorProto } from './onnx/index.js';
export { buildModel, buildSingleOp, type ModelSpec, type NodeSpec } from './fuzz/model-builder.js';
export { tensor, float32, int64, scalar, type DType, type Tensor } from './tensor.js';
export { TorchParityError, isTorchParityError, type ErrorCode, type ErrorContext } from './errors.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export { TORCHPARITY_VERSION } from './version.js';
