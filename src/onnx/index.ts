export { decodeModel, type DecodeOptions } from './decode-model.js';
export { encodeModel, encodeGraph, encodeTensorProto, type EncodableModel } from './encode-model.js';
export { decodeTensorProto } from './tensor-file.js';
export {
  fileExternalData,
  memoryExternalData,
  NO_EXTERNAL_DATA,
  checkLocationSyntax,
  type ExternalDataSource,
} from './external-data.js';
export { onnxTypeName, dtypeFromCode, DTYPE_TO_CODE } from './dtypes.js';
export * from './records.js';
