// The only module that touches the generated ONNX protobuf classes. onnx-proto ships CommonJS, so it comes in
// through a default import.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = InstanceType<typeof onnxProto.onnx.ModelProto>;
export type IModelProto = import('onnx-proto').onnx.IModelProto;
export type IGraphProto = import('onnx-proto').onnx.IGraphProto;
export type INodeProto = import('onnx-proto').onnx.INodeProto;
export type ITensorProto = import('onnx-proto').onnx.ITensorProto;
export type IAttributeProto = import('onnx-proto').onnx.IAttributeProto;
export type IValueInfoProto = import('onnx-proto').onnx.IValueInfoProto;
export type ITypeProto = import('onnx-proto').onnx.ITypeProto;
export type IFunctionProto = import('onnx-proto').onnx.IFunctionProto;
export type IOperatorSetIdProto = import('onnx-proto').onnx.IOperatorSetIdProto;
export type TensorProto = import('onnx-proto').onnx.TensorProto;
