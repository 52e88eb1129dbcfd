import * as fs from 'node:fs';
import { TorchParityError } from '../../errors.js';
import { formatTable } from '../../report/table.js';
import { formatDims } from '../../tensor.js';
import { inspectModel } from '../../verify/inspect.js';
import { EXIT_OK, type Command } from '../command.js';
import { paint } from '../io.js';

function bytes(n: number): string {
  return n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'show what a model holds: versions, inputs and outputs, ops, parameters, external data',
  usage: 'torchparity inspect MODEL.onnx [--json FILE]',
  description: 'Decodes the model without running it, so it also works on models with ops torchparity does not support.',
  options: [{ name: 'json', type: 'string', value: 'FILE', help: 'write the report as JSON' }],
  async run({ positional, options }, io) {
    if (positional.length !== 1) throw new TorchParityError('usage', 'inspect takes exactly one model');
    const r = inspectModel(positional[0]!);
    if (options.json) fs.writeFileSync(String(options.json), JSON.stringify(r, null, 2));
    const lines = [
      `${r.file}  (${bytes(r.fileBytes)})`,
      `  IR version ${r.irVersion}; opsets ${Object.entries(r.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}`,
      `  producer ${r.producer || '(none)'}; graph '${r.graphName}'; ${r.nodes} nodes`,
      `  parameters: ${r.parameters.elements.toLocaleString('en-US')} values in ${r.parameters.tensors} initializers, ${bytes(r.parameters.bytes)}`,
      `  external data: ${r.externalData.length ? r.externalData.map((e) => `${e.location} (${e.tensors} tensors, ${bytes(e.bytes)})`).join('; ') : 'none'}`,
      '',
      '  inputs:',
      ...r.inputs.map((i) => `    ${i.name}  ${i.dtype ?? '?'}${formatDims(i.dims)}`),
      '  outputs:',
      ...r.outputs.map((o) => `    ${o.name}  ${o.dtype ?? '?'}${formatDims(o.dims)}`),
      '',
      ...formatTable(
        ['op', 'count', 'supported'],
        r.ops.map((o) => [o.domain ? `${o.domain}.${o.opType}` : o.opType, String(o.count), o.supported ? 'yes' : 'NO']),
        { align: ['left', 'right', 'left'], paint: (_, c, t) => (c === 2 && t.trim() === 'NO' ? paint(io, 'red', t) : t) },
      )
        .split('\n')
        .map((l) => `  ${l}`),
    ];
    if (r.functions.length) lines.push('', `  local functions: ${r.functions.join(', ')}`);
    if (r.unsupported.length) {
      lines.push('', paint(io, 'red', `  unsupported ops (${r.unsupported.length}):`));
      for (const u of r.unsupported) {
        lines.push(`    ${u.opType} (domain '${u.domain || 'ai.onnx'}', opset ${u.opset ?? 'not imported'}) at ${u.nodes.slice(0, 5).join(', ')}${u.nodes.length > 5 ? ', …' : ''}`);
      }
    } else {
      lines.push('', '  every op is supported');
    }
    io.out(lines.join('\n'));
    return EXIT_OK;
  },
};
