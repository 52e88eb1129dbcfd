import type { DType, Tensor } from '../tensor.js';

/**
 * Plain records decoded from an ONNX file: what the file says, with protobuf details (Long, enums, bytes) gone.
 * No semantic checks happen here beyond what decoding itself needs; `ir/` validates.
 */

/** A dimension: a size, a symbol such as 'batch_size', or '?' when the file names neither. */
export type Dim = number | string;

export interface ValueInfoRecord {
  name: string;
  /** undefined when the file gives no element type. */
  dtype?: DType;
  /** undefined when the file gives no shape (rank unknown). */
  dims?: Dim[];
}

export type AttributeValue = number | string | number[] | string[] | Tensor | Tensor[] | GraphRecord | GraphRecord[];

export type AttributeKind =
  | 'float'
  | 'int'
  | 'string'
  | 'tensor'
  | 'graph'
  | 'floats'
  | 'ints'
  | 'strings'
  | 'tensors'
  | 'graphs';

export interface AttributeRecord {
  name: string;
  kind: AttributeKind;
  value: AttributeValue;
}

export interface NodeRecord {
  name: string;
  opType: string;
  domain: string;
  /** '' marks an omitted optional input or output, as in the file. */
  inputs: string[];
  outputs: string[];
  attributes: AttributeRecord[];
  /**
   * Inside a function body only: attributes whose value is the calling node's attribute `ref` (ONNX
   * ref_attr_name), filled in when the function is inlined.
   */
  attributeRefs?: { name: string; ref: string }[];
}

export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

export interface GraphRecord {
  name: string;
  nodes: NodeRecord[];
  initializers: NamedTensor[];
  inputs: ValueInfoRecord[];
  outputs: ValueInfoRecord[];
  valueInfo: ValueInfoRecord[];
}

export interface FunctionRecord {
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: string[];
  nodes: NodeRecord[];
  opsetImports: Map<string, number>;
}

export interface ExternalDataUse {
  tensor: string;
  location: string;
  offset: number;
  length: number;
}

export interface ModelRecord {
  irVersion: number;
  /** Domain ('' for the default ai.onnx domain) to opset version. */
  opsetImports: Map<string, number>;
  producerName: string;
  producerVersion: string;
  graph: GraphRecord;
  functions: FunctionRecord[];
  /** Every external-data reference the initializers made, for `inspect`. */
  externalData: ExternalDataUse[];
  /** Size of the encoded model in bytes (not counting external data). */
  byteLength: number;
}

export function normalizeDomain(domain: string | null | undefined): string {
  return domain === 'ai.onnx' || !domain ? '' : domain;
}
