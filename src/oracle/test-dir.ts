import * as fs from 'node:fs';
import * as path from 'node:path';
import { TorchParityError } from '../errors.js';
import { decodeTensorProto } from '../onnx/tensor-file.js';
import type { Tensor } from '../tensor.js';

/**
 * The ONNX backend-test layout: a folder with model.onnx and test_data_set_<k>/ folders of input_<i>.pb and
 * output_<i>.pb TensorProto files. torchparity's fixtures, fuzz reproducers and reduced models all use it.
 */
export interface DataSet {
  name: string;
  inputs: Record<string, Tensor>;
  /** Expected outputs; empty when the set stores none. */
  outputs: Record<string, Tensor>;
}

export function isTestDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'model.onnx'));
}

/** Every test directory at or below `root`, sorted; a model.onnx file given directly is returned as its folder. */
export function findTestDirs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (isTestDir(dir)) {
      found.push(dir);
      return;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(root);
  return found;
}

function numbered(files: string[], prefix: string): string[] {
  return files
    .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
    .sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)));
}

/**
 * Reads every data set. Tensors are matched to graph values by their stored name when it is one of them, else by
 * position — ONNX's own generators name them, older tools do not.
 */
export function readDataSets(dir: string, inputNames: readonly string[], outputNames: readonly string[]): DataSet[] {
  const sets = fs
    .readdirSync(dir)
    .filter((d) => /^test_data_set_\d+$/.test(d))
    .sort((a, b) => Number(a.slice(14)) - Number(b.slice(14)));
  return sets.map((set) => {
    const folder = path.join(dir, set);
    const files = fs.readdirSync(folder);
    const load = (prefix: string, names: readonly string[]) => {
      const out: Record<string, Tensor> = {};
      numbered(files, prefix).forEach((f, i) => {
        const file = path.join(folder, f);
        const { name, tensor } = decodeTensorProto(fs.readFileSync(file), { file });
        const key = names.includes(name) ? name : names[i];
        if (key === undefined) {
          throw new TorchParityError('input_mismatch', `has more ${prefix.slice(0, -1)} files than the model has ${prefix.slice(0, -1)}s`, { file });
        }
        out[key] = tensor;
      });
      return out;
    };
    return { name: set, inputs: load('input_', inputNames), outputs: load('output_', outputNames) };
  });
}
