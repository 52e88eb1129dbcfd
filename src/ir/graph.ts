import type { Dim, ModelRecord, NodeRecord } from '../onnx/records.js';
import type { AnyOpDeclaration, ValueType } from '../ops/declaration.js';
import type { DType, Tensor } from '../tensor.js';

export interface IrNode {
  /** Position in the file's node list. */
  index: number;
  /** The node's name, or `<op>_<index>` when the file leaves it empty; what every message shows. */
  name: string;
  opType: string;
  domain: string;
  opset: number;
  decl: AnyOpDeclaration;
  attrs: Record<string, unknown>;
  /** '' marks an omitted optional input or output. */
  inputs: string[];
  outputs: string[];
  record: NodeRecord;
}

export interface GraphInput {
  name: string;
  dtype: DType;
  dims?: readonly Dim[];
  /** Older exporters list initializers as inputs too: the initializer is the value unless a feed overrides it. */
  defaultValue?: Tensor;
}

export interface GraphOutput {
  name: string;
  dtype: DType;
  dims?: readonly Dim[];
}

export type Precision = 'float32' | 'float64';

export interface Graph {
  file?: string;
  source: ModelRecord;
  precision: Precision;
  /** Inputs a caller feeds: graph inputs that are not pure initializers. */
  inputs: GraphInput[];
  outputs: GraphOutput[];
  /** Initializers and values computed at import by constant folding. */
  constants: Map<string, Tensor>;
  /** Nodes left to execute at run time, in a valid topological order. */
  nodes: IrNode[];
  /** Nodes evaluated at import (shape subgraphs and anything else with constant inputs). */
  folded: IrNode[];
  /** What shape inference knows of every value. */
  types: Map<string, ValueType>;
}
