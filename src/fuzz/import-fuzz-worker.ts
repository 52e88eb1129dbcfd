// The importer fuzzer's worker thread: runs one case per message, so the parent can time it out (terminate) and
// cap its memory (resourceLimits) without either reaching the parent.
import { parentPort } from 'node:worker_threads';
import { executeImportCase, type ImportCaseInput } from './import-fuzz-case.js';

interface Request extends ImportCaseInput {
  id: number;
}

const port = parentPort;
if (!port) throw new Error('import-fuzz-worker runs as a worker thread');

port.on('message', (request: Request) => {
  const started = performance.now();
  void executeImportCase(request).then((outcome) => {
    port.postMessage({ id: request.id, ms: performance.now() - started, ...outcome });
  });
});
port.postMessage({ ready: true });
