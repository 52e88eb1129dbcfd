import { asTorchParityError, TorchParityError } from '../errors.js';
import { resolveLimits, type Limits } from '../limits.js';
import type { Tensor } from '../tensor.js';
import { NO_EXTERNAL_DATA, type ExternalDataSource } from './external-data.js';
import { onnx, type TensorProto } from './proto.js';
import { decodeTensor } from './tensor-proto.js';

/** A standalone TensorProto (.pb) file, as the ONNX backend-test layout stores inputs and outputs. */
export function decodeTensorProto(
  bytes: Uint8Array,
  options: { file?: string; limits?: Partial<Limits>; externalData?: ExternalDataSource } = {},
): { name: string; tensor: Tensor } {
  const where = options.file ? { file: options.file } : {};
  let proto: TensorProto;
  try {
    proto = onnx.TensorProto.decode(bytes);
  } catch (error) {
    throw asTorchParityError(error, 'decode', where, 'expected a serialized TensorProto (.pb)');
  }
  if (!proto.dataType) throw new TorchParityError('decode', 'is not a TensorProto (no data_type)', where);
  const tensor = decodeTensor(proto, {
    limits: resolveLimits(options.limits),
    externalData: options.externalData ?? NO_EXTERNAL_DATA,
    where,
  });
  return { name: proto.name ?? '', tensor };
}
