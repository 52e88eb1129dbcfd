import { storageFor, type Allocator, type DType, type TensorData } from '../tensor.js';

export interface ArenaStats {
  /** Buffers created since the session was loaded, and their bytes. */
  allocations: number;
  allocatedBytes: number;
  /** Requests served from a freed buffer. */
  reuses: number;
  /** Bytes held by the arena: buffers in use plus buffers free for reuse. */
  heldBytes: number;
}

interface Entry {
  data: TensorData;
  refs: number;
}

/**
 * Tensor storage for a Session's runs, reused by liveness: the Session installs the arena as tensor.ts's allocator
 * while a run executes, counts the values that hold each buffer (retain / release, as it drops values after their
 * last reader), and a buffer nobody holds goes back to a free list keyed by element type and length. Models have
 * static shapes, so after the first run every request finds a free buffer of its exact size: no allocation per run.
 *
 * Rules that keep reuse safe: buffers handed out while a node runs but not among its outputs (an op's temporaries)
 * are free once the node ends; buffers returned to the caller are disowned (never reused); a reused buffer is
 * zero-filled, as fresh storage is. The Session bypasses the arena whenever someone outside could keep a tensor
 * (a tap or an override). With `shared`, buffers live in SharedArrayBuffers, so worker threads can read and write
 * them without copies.
 */
export class BufferArena implements Allocator {
  private readonly free = new Map<unknown, Map<number, TensorData[]>>();
  private readonly live = new Map<ArrayBufferLike, Entry>();
  private handed: TensorData[] = [];
  private freeBytes = 0;
  private liveBytes = 0;
  readonly stats: ArenaStats = { allocations: 0, allocatedBytes: 0, reuses: 0, heldBytes: 0 };

  constructor(private readonly shared: boolean) {}

  allocate(dtype: DType, length: number): TensorData {
    const Ctor = storageFor(dtype);
    const list = this.free.get(Ctor)?.get(length);
    let data = list?.pop();
    if (data) {
      data.fill(0);
      this.stats.reuses++;
      this.freeBytes -= data.byteLength;
    } else {
      const bytes = length * (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      data = this.shared ? new Ctor(new SharedArrayBuffer(bytes), 0, length) : new Ctor(length);
      this.stats.allocations++;
      this.stats.allocatedBytes += data.byteLength;
    }
    this.live.set(data.buffer, { data, refs: 0 });
    this.liveBytes += data.byteLength;
    this.handed.push(data);
    this.updateHeld();
    return data;
  }

  /** A value now holds `data` (no effect on storage the arena did not hand out: feeds, constants). */
  retain(data: TensorData): void {
    const entry = this.live.get(data.buffer);
    if (entry) entry.refs++;
  }

  /** A value holding `data` was dropped. */
  release(data: TensorData): void {
    const entry = this.live.get(data.buffer);
    if (entry && --entry.refs === 0) this.recycle(entry);
  }

  /** The node finished: its temporaries (handed out, held by no value) are free. */
  endNode(): void {
    for (const data of this.handed) {
      const entry = this.live.get(data.buffer);
      if (entry && entry.refs === 0) this.recycle(entry);
    }
    this.handed = [];
  }

  /** `data` leaves with the run's results: the caller owns it now. */
  disown(data: TensorData): void {
    const entry = this.live.get(data.buffer);
    if (!entry) return;
    this.live.delete(data.buffer);
    this.liveBytes -= entry.data.byteLength;
    this.updateHeld();
  }

  /** After a run (finished or failed): anything still marked in use is forgotten rather than risked. */
  endRun(): void {
    this.handed = [];
    this.live.clear();
    this.liveBytes = 0;
    this.updateHeld();
  }

  /** Buffers in use right now (0 between runs). */
  get inUse(): number {
    return this.live.size;
  }

  private recycle(entry: Entry): void {
    const data = entry.data;
    this.live.delete(data.buffer);
    this.liveBytes -= data.byteLength;
    const Ctor = data.constructor;
    let byLength = this.free.get(Ctor);
    if (!byLength) this.free.set(Ctor, (byLength = new Map()));
    let list = byLength.get(data.length);
    if (!list) byLength.set(data.length, (list = []));
    list.push(data);
    this.freeBytes += data.byteLength;
    this.updateHeld();
  }

  private updateHeld(): void {
    this.stats.heldBytes = this.freeBytes + this.liveBytes;
  }
}
