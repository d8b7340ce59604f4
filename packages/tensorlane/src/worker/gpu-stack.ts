// Stacking streams' carried values along their batch axis, and cutting a run's outputs apart again, on the GPU when
// they live there: buffer-to-buffer copies on onnxruntime-web's own device, nothing read back. Called only while the
// session is held (Runner.exclusive): onnxruntime-web has submitted its work by then, so the copies queue after it.
import type * as Ort from 'onnxruntime-web';
import type { Tensor } from '../types/tensor.js';
import { axisPlan, concatAlong, forEachSpan, splitAlong, withDim, type AxisPlan } from '../tensor/axis.js';
import type { OrtModule } from './backend-table.js';

/** The parts of WebGPU the copies use (structural: tensorlane has no WebGPU type dependency). */
interface BufferLike {
  destroy(): void;
}
interface DeviceLike {
  createBuffer(descriptor: { size: number; usage: number }): BufferLike;
  createCommandEncoder(): { copyBufferToBuffer(src: BufferLike, srcOffset: number, dst: BufferLike, dstOffset: number, size: number): void; finish(): unknown };
  readonly queue: { writeBuffer(dst: BufferLike, offset: number, data: ArrayBufferLike, dataOffset: number, size: number): void; submit(commands: unknown[]): void };
}

/** GPUBufferUsage STORAGE | COPY_SRC | COPY_DST: what onnxruntime-web needs of an input or output buffer. */
const USAGE = 0x80 | 0x04 | 0x08;

const BYTES: Readonly<Partial<Record<Ort.Tensor.Type, number>>> = { float32: 4, int32: 4, uint32: 4, int64: 8, float16: 2, uint8: 1, bool: 1 };

/** A carried value in the worker: an onnxruntime-web tensor, its data in memory or on the GPU. */
export type Value = Ort.Tensor;

export const onGpu = (value: Value): boolean => value.location === 'gpu-buffer';

/** The device onnxruntime-web runs on (its JSEP build gives the device, its types say a promise of it). */
async function deviceOf(ort: OrtModule): Promise<DeviceLike> {
  return (await Promise.resolve(ort.env.webgpu.device as unknown)) as DeviceLike;
}

/** Whether every copy of `plan` is 4-byte aligned, as WebGPU's copies need. */
function aligned(plan: AxisPlan, bytes: number | undefined): bytes is number {
  if (bytes === undefined) return false;
  let ok = true;
  forEachSpan(plan, (_, from, to, length) => {
    if (((from * bytes) | (to * bytes) | (length * bytes)) % 4 !== 0) ok = false;
  });
  return ok;
}

function gpuTensor(ort: OrtModule, buffer: BufferLike, type: Ort.Tensor.Type, dims: readonly number[]): Value {
  return ort.Tensor.fromGpuBuffer(buffer as unknown as Ort.Tensor.GpuBufferType, {
    dataType: type as Ort.Tensor.GpuBufferDataTypes,
    dims,
    dispose: () => buffer.destroy(),
  });
}

/** Onnxruntime-web wants a buffer at least 16-byte sized; copies need 4. */
const bufferSize = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);

/** An array of a value's data (read back from the GPU if it lives there), as a tensorlane tensor. */
export async function toCpu(value: Value, release = false): Promise<Tensor> {
  return onGpu(value) ? tensorOf(value, await value.getData(release)) : inMemory(value);
}

/** A value that lives in memory, as a tensor over its data (no copy). */
export const inMemory = (value: Value): Tensor => tensorOf(value, value.data);

const tensorOf = (value: Value, data: unknown): Tensor => ({ type: value.type as Tensor['type'], data: data as Tensor['data'], dims: [...value.dims] });

/**
 * Stacks `parts` (dims equal but at `axis`) along `axis`: on the GPU when any part lives there and the copies
 * align, else in memory.
 */
export async function stackValues(ort: OrtModule, parts: readonly Value[], axis: number): Promise<Value> {
  const [first] = parts;
  const plan = axisPlan(first!.dims, axis, parts.map((part) => part.dims[axis]!));
  const bytes = BYTES[first!.type];
  const dims = withDim(first!.dims, axis, plan.total);
  if (!parts.some(onGpu) || !aligned(plan, bytes)) {
    const stacked = concatAlong(await Promise.all(parts.map((part) => toCpu(part))), axis);
    return new ort.Tensor(first!.type, stacked.data as Ort.Tensor.DataType as Float32Array, dims);
  }
  const device = await deviceOf(ort);
  const buffer = device.createBuffer({ size: bufferSize(plan.outer * plan.total * plan.inner * bytes), usage: USAGE });
  const encoder = device.createCommandEncoder();
  forEachSpan(plan, (index, from, to, length) => {
    const part = parts[index]!;
    if (onGpu(part)) encoder.copyBufferToBuffer(part.gpuBuffer as unknown as BufferLike, from * bytes, buffer, to * bytes, length * bytes);
    else {
      const data = part.data as Float32Array;
      device.queue.writeBuffer(buffer, to * bytes, data.buffer, data.byteOffset + from * bytes, length * bytes);
    }
  });
  device.queue.submit([encoder.finish()]);
  return gpuTensor(ort, buffer, first!.type, dims);
}

/**
 * Cuts `whole` along `axis` into parts of `rows` rows: on the GPU when it lives there and the copies align (then
 * `whole` is disposed), else in memory.
 */
export async function splitValue(ort: OrtModule, whole: Value, axis: number, rows: readonly number[]): Promise<Value[]> {
  const plan = axisPlan(whole.dims, axis, rows);
  const bytes = BYTES[whole.type];
  if (!onGpu(whole) || !aligned(plan, bytes)) {
    const parts = splitAlong(await toCpu(whole, true), axis, rows);
    return parts.map((part) => new ort.Tensor(part.type, part.data as Ort.Tensor.DataType as Float32Array, part.dims));
  }
  const device = await deviceOf(ort);
  const buffers = rows.map((n) => device.createBuffer({ size: bufferSize(plan.outer * n * plan.inner * bytes), usage: USAGE }));
  const encoder = device.createCommandEncoder();
  forEachSpan(plan, (part, from, to, length) => {
    encoder.copyBufferToBuffer(whole.gpuBuffer as unknown as BufferLike, to * bytes, buffers[part]!, from * bytes, length * bytes);
  });
  device.queue.submit([encoder.finish()]);
  const parts = buffers.map((buffer, i) => gpuTensor(ort, buffer, whole.type, withDim(whole.dims, axis, rows[i]!)));
  // The copies are queued: onnxruntime-web may reuse the buffer for work it submits later.
  whole.dispose();
  return parts;
}
