import * as fs from 'node:fs';
import * as path from 'node:path';
import { TorchParityError } from '../errors.js';

/**
 * Where tensors stored outside the model file come from. The torch 2.x dynamo exporter writes `model.onnx` plus
 * `model.onnx.data`; the TensorProto names the file (`location`) and a byte range (`offset`, `length`).
 */
export interface ExternalDataSource {
  /** Bytes [offset, offset + length) of `location`; `length` undefined means to the end of the file. */
  read(location: string, offset: number, length: number | undefined, tensorName: string): Uint8Array;
  /** Locations read so far, for reports. */
  opened(): string[];
  /** Releases file handles; reading again reopens. */
  close(): void;
}

function refuse(tensorName: string, location: string, why: string, hint: string): never {
  throw new TorchParityError('external_data', `external data '${location}' ${why}`, { tensor: tensorName }, hint);
}

/**
 * Checks a location against the rules the ONNX spec sets (relative, inside the model's folder) without touching
 * the file system, so a hostile path is refused before anything is opened.
 */
export function checkLocationSyntax(location: string, tensorName: string): void {
  if (location.length === 0) refuse(tensorName, location, 'is an empty path', 'the tensor names no data file');
  if (location.includes('\0')) refuse(tensorName, location, 'contains a NUL byte', 'the path is corrupt');
  if (path.isAbsolute(location) || path.win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location)) {
    refuse(tensorName, location, 'is an absolute path', 'ONNX external data must be a path relative to the model file');
  }
  const segments = location.split(/[\\/]+/);
  if (segments.includes('..')) {
    refuse(tensorName, location, 'leaves the model\'s folder (it contains "..")', 'keep the data file beside the model or below its folder');
  }
}

function checkRange(size: number, offset: number, length: number | undefined, tensorName: string, location: string): number {
  if (!Number.isSafeInteger(offset) || offset < 0) refuse(tensorName, location, `has an invalid offset ${offset}`, 'the model file is corrupt');
  const end = length === undefined ? size : offset + length;
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    refuse(tensorName, location, `has an invalid length ${length}`, 'the model file is corrupt');
  }
  if (end > size || offset > size) {
    refuse(
      tensorName,
      location,
      `is ${size} bytes but the tensor asks for bytes ${offset}..${end}`,
      'the data file is truncated or belongs to another export; re-export the model',
    );
  }
  return end - offset;
}

/** True when `real` (a resolved path) is `root` or below it. A file named '..data' inside root is inside. */
function isInside(root: string, real: string): boolean {
  const relative = path.relative(root, real);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * Opens a resolved path for reading, refusing anything but a regular file: a FIFO would block open() forever, a
 * device would read without end. fs failures become external_data errors.
 */
function openRegularFile(real: string, tensorName: string, location: string): { fd: number; size: number } {
  const errno = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);
  let fd: number;
  try {
    if (!fs.statSync(real).isFile()) refuse(tensorName, location, 'is not a regular file', 'point location at the exported .data file');
    fd = fs.openSync(real, 'r');
  } catch (error) {
    if (error instanceof TorchParityError) throw error;
    refuse(tensorName, location, `cannot be opened (${errno(error)})`, 'check the data file\'s permissions');
  }
  // fstat on the descriptor too: the file checked is then the file read, even if the path changed meanwhile.
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    refuse(tensorName, location, 'is not a regular file', 'point location at the exported .data file');
  }
  return { fd, size: stat.size };
}

/** Reads external data relative to the model's folder, refusing anything that resolves outside it. */
export function fileExternalData(modelDir: string): ExternalDataSource {
  const root = fs.realpathSync(modelDir);
  const open = new Map<string, { fd: number; size: number }>();
  const seen = new Set<string>();
  const closeAll = () => {
    for (const { fd } of open.values()) fs.closeSync(fd);
    open.clear();
  };

  function fileFor(location: string, tensorName: string) {
    const cached = open.get(location);
    if (cached) return cached;
    checkLocationSyntax(location, tensorName);
    const resolved = path.resolve(root, location);
    let real: string;
    try {
      real = fs.realpathSync(resolved);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        refuse(tensorName, location, `was not found in ${root}`, 'copy the .data file next to the .onnx file it came with');
      }
      refuse(tensorName, location, `cannot be resolved (${code ?? String(error)})`, 'check the data file and the links leading to it');
    }
    if (!isInside(root, real)) {
      refuse(tensorName, location, 'resolves (through a symbolic link) outside the model\'s folder', 'replace the link with the data file itself');
    }
    const entry = openRegularFile(real, tensorName, location);
    open.set(location, entry);
    seen.add(location);
    return entry;
  }

  return {
    read(location, offset, length, tensorName) {
      const file = fileFor(location, tensorName);
      const byteLength = checkRange(file.size, offset, length, tensorName, location);
      // A fresh Uint8Array starts at byte 0 of its own buffer, so typed views over it are always aligned.
      const bytes = new Uint8Array(byteLength);
      let done = 0;
      while (done < byteLength) {
        let n: number;
        try {
          n = fs.readSync(file.fd, bytes, done, byteLength - done, offset + done);
        } catch (error) {
          refuse(tensorName, location, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'check the data file');
        }
        if (n === 0) refuse(tensorName, location, 'ended before the tensor\'s bytes', 'the data file is truncated');
        done += n;
      }
      return bytes;
    },
    opened() {
      return [...seen];
    },
    close: closeAll,
  };
}

/** External data from buffers already in memory (browsers, tests, fuzzers). Keys are `location` strings. */
export function memoryExternalData(files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>): ExternalDataSource {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  const used = new Set<string>();
  return {
    read(location, offset, length, tensorName) {
      checkLocationSyntax(location, tensorName);
      const bytes = map.get(location);
      if (!bytes) refuse(tensorName, location, 'was not provided', `pass its bytes in the externalData map under the key '${location}'`);
      used.add(location);
      const byteLength = checkRange(bytes.length, offset, length, tensorName, location);
      return bytes.subarray(offset, offset + byteLength);
    },
    opened() {
      return [...used];
    },
    close() {},
  };
}

/** For models loaded from bytes with no folder: any external reference is an error that says how to supply it. */
export const NO_EXTERNAL_DATA: ExternalDataSource = {
  read(location, _offset, _length, tensorName) {
    refuse(tensorName, location, 'is needed but the model was loaded from bytes', 'load the model from its path, or pass { externalData: { [location]: bytes } }');
  },
  opened() {
    return [];
  },
  close() {},
};
