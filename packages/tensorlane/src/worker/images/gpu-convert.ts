// Pictures to a GPU tensor on the device the model runs on (the WebGPU backend's path): each frame becomes a texture
// (copied on the GPU; a VideoFrame the GPU cannot import goes through an ImageBitmap first), one compute pass samples
// every picture into the tensor's buffer by the rule of fitTransform (tensor/image-fit.ts), normalised and laid out,
// and packs it to float16 or uint8 when the model takes those. No pixel crosses to the CPU; the model reads the buffer.
import { TensorlaneError, messageOf } from '../../errors.js';
import type { ImageSpec, WirePicture } from '../../wire/protocol.js';
import type { Frame } from '../../tensor/pictures.js';
import { sizeOf } from '../../tensor/shape.js';
import { affineOf } from './cpu-convert.js';
import type { GpuDevice, GpuPipeline, GpuResource, GpuTexture } from './gpu-device.js';

// WebGPU's usage flags (GPUBufferUsage, GPUTextureUsage), which a worker without WebGPU types cannot name.
const BUFFER = { COPY_SRC: 0x04, COPY_DST: 0x08, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const TEXTURE = { COPY_DST: 0x02, TEXTURE_BINDING: 0x04, RENDER_ATTACHMENT: 0x10 } as const;

/** Bytes per picture's parameters: a uniform binding's offset must be a multiple of 256. */
const STRIDE = 256;
const SAMPLE_WORKGROUP = 8;
const PACK_WORKGROUP = 64;

/** Samples one picture: one invocation per tensor pixel, its three channels. */
const SAMPLE_SHADER = /* wgsl */ `
struct Picture {
  size: vec2<f32>, scale: vec2<f32>, offset: vec2<f32>, out: vec2<u32>,
  base: u32, nhwc: u32, bgr: u32, cubic: u32,
  fill: vec4<f32>, mul: vec4<f32>, add: vec4<f32>,
}
@group(0) @binding(0) var source: texture_2d<f32>;
@group(0) @binding(1) var<uniform> p: Picture;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;

fn texel(x: i32, y: i32) -> vec3<f32> {
  return round(textureLoad(source, vec2<i32>(x, y), 0).rgb * 255.0);
}

// Keys' cubic convolution kernel, a = -0.75 (OpenCV's INTER_CUBIC).
fn keys(d: f32) -> f32 {
  let x = abs(d);
  let a = -0.75;
  if (x <= 1.0) { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0; }
  if (x < 2.0) { return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a; }
  return 0.0;
}

@compute @workgroup_size(${SAMPLE_WORKGROUP}, ${SAMPLE_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= p.out.x || id.y >= p.out.y) { return; }
  let u = (f32(id.x) + 0.5 - p.offset.x) / p.scale.x;
  let v = (f32(id.y) + 0.5 - p.offset.y) / p.scale.y;
  var rgb = p.fill.rgb;
  if (u >= 0.0 && u < p.size.x && v >= 0.0 && v < p.size.y) {
    let point = vec2<f32>(u, v) - 0.5;
    let first = floor(point);
    let w = point - first;
    let last = vec2<i32>(p.size) - 1;
    if (p.cubic == 1u) {
      var sum = vec3<f32>(0.0);
      for (var j = -1; j <= 2; j++) {
        let y = clamp(i32(first.y) + j, 0, last.y);
        var across = vec3<f32>(0.0);
        for (var i = -1; i <= 2; i++) {
          across += texel(clamp(i32(first.x) + i, 0, last.x), y) * keys(w.x - f32(i));
        }
        sum += across * keys(w.y - f32(j));
      }
      rgb = clamp(sum, vec3<f32>(0.0), vec3<f32>(255.0));
    } else {
      let a = clamp(vec2<i32>(first), vec2<i32>(0), last);
      let b = clamp(vec2<i32>(first) + 1, vec2<i32>(0), last);
      let top = texel(a.x, a.y) * (1.0 - w.x) + texel(b.x, a.y) * w.x;
      let bottom = texel(a.x, b.y) * (1.0 - w.x) + texel(b.x, b.y) * w.x;
      rgb = top * (1.0 - w.y) + bottom * w.y;
    }
  }
  let ordered = select(rgb, rgb.bgr, p.bgr == 1u);
  let value = ordered * p.mul.rgb + p.add.rgb;
  let pixel = id.y * p.out.x + id.x;
  if (p.nhwc == 0u) {
    let plane = p.out.x * p.out.y;
    values[p.base + pixel] = value.x;
    values[p.base + plane + pixel] = value.y;
    values[p.base + 2u * plane + pixel] = value.z;
  } else {
    let first = p.base + pixel * 3u;
    values[first] = value.x;
    values[first + 1u] = value.y;
    values[first + 2u] = value.z;
  }
}`;

/** Packs float32 values into float16 (two a word) or uint8 (four a word, rounded and clamped). */
const PACK_SHADER = /* wgsl */ `
struct Pack { count: u32, kind: u32, columns: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read_write> words: array<u32>;
@group(0) @binding(2) var<uniform> k: Pack;

fn value(e: u32) -> f32 {
  if (e < k.count) { return values[e]; }
  return 0.0;
}

@compute @workgroup_size(${PACK_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let word = id.y * k.columns + id.x;
  let per = select(4u, 2u, k.kind == 0u);
  let e = word * per;
  if (e >= k.count) { return; }
  if (k.kind == 0u) {
    words[word] = pack2x16float(vec2<f32>(value(e), value(e + 1u)));
  } else {
    var packed = 0u;
    for (var i = 0u; i < 4u; i++) {
      packed = packed | (u32(clamp(round(value(e + i)), 0.0, 255.0)) << (8u * i));
    }
    words[word] = packed;
  }
}`;

/** How a picture reached the GPU: copied as it is, or through an ImageBitmap made in the worker first. */
export type GpuPath = 'gpu' | 'gpuFromBitmap';

/** A GPU tensor's buffer, and what made it. */
export interface GpuConversion {
  readonly buffer: GpuResource;
  readonly paths: readonly GpuPath[];
}

const frameSize = (frame: Frame) => ('displayWidth' in frame ? [frame.displayWidth, frame.displayHeight] : [frame.width, frame.height]) as [number, number];

/** Converts pictures on one device. */
export interface GpuConverter {
  /**
   * Converts `pictures` (one per row) into a buffer holding the tensor of `dims` and `spec`'s dtype, on the device.
   * @throws TensorlaneError `INVALID_INPUT` for a picture the GPU cannot take; `RUN_FAILED` when the device refused the work.
   */
  convert(pictures: readonly WirePicture[], spec: ImageSpec, dims: readonly number[]): Promise<GpuConversion>;
}

/** The converter of one device: its pipelines are built once, on first use. */
export function createGpuConverter(device: GpuDevice): GpuConverter {
  let pipelines: { sample: GpuPipeline; pack: GpuPipeline } | undefined;
  /** Whether the GPU copies a VideoFrame as it is; false once it refused one (SwiftShader refuses camera frames). */
  let videoDirect = true;

  const pipeline = (code: string) => device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });

  /** The frame as a texture, and how it got there. */
  async function upload(frame: Frame, made: GpuResource[]): Promise<{ texture: GpuTexture; path: GpuPath }> {
    const [width, height] = frameSize(frame);
    const max = device.limits.maxTextureDimension2D;
    if (width > max || height > max) {
      throw new TensorlaneError('INVALID_INPUT', `a picture of ${width}x${height} is larger than this GPU takes (maxTextureDimension2D ${max}); scale it down first`);
    }
    const texture = device.createTexture({ size: [width, height], format: 'rgba8unorm', usage: TEXTURE.COPY_DST | TEXTURE.TEXTURE_BINDING | TEXTURE.RENDER_ATTACHMENT });
    made.push(texture);
    if (!('close' in frame)) {
      device.queue.writeTexture({ texture }, frame.data, { bytesPerRow: width * 4 }, [width, height]);
      return { texture, path: 'gpu' };
    }
    const isVideo = 'displayWidth' in frame;
    if (!isVideo || videoDirect) {
      try {
        device.queue.copyExternalImageToTexture({ source: frame }, { texture }, [width, height]);
        return { texture, path: 'gpu' };
      } catch (error) {
        if (!isVideo) throw error;
        videoDirect = false;
      }
    }
    const bitmap = await createImageBitmap(frame);
    try {
      device.queue.copyExternalImageToTexture({ source: bitmap }, { texture }, [width, height]);
    } finally {
      bitmap.close();
    }
    return { texture, path: 'gpuFromBitmap' };
  }

  async function convert(pictures: readonly WirePicture[], spec: ImageSpec, dims: readonly number[]): Promise<GpuConversion> {
    pipelines ??= { sample: pipeline(SAMPLE_SHADER), pack: pipeline(PACK_SHADER) };
    const count = sizeOf(dims);
    const bytes = count * (spec.type === 'float32' ? 4 : spec.type === 'float16' ? 2 : 1);
    const { maxStorageBufferBindingSize } = device.limits;
    if (count * 4 > maxStorageBufferBindingSize) {
      throw new TensorlaneError('INVALID_INPUT', `${pictures.length} pictures of dims ${JSON.stringify(dims.slice(1))} need ${count * 4} bytes, more than this GPU binds at once (${maxStorageBufferBindingSize}); use smaller batches (maxBatchSize)`);
    }
    const made: GpuResource[] = [];
    let output: GpuResource | undefined;
    try {
      const uploads: Array<{ texture: GpuTexture; path: GpuPath }> = [];
      for (const { frame } of pictures) uploads.push(await upload(frame, made));
      // onnxruntime-web copies GPU inputs in whole 16-byte units: a smaller buffer fails its run.
      output = device.createBuffer({ size: Math.ceil(bytes / 16) * 16, usage: BUFFER.STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST });
      const values = spec.type === 'float32' ? output : device.createBuffer({ size: count * 4, usage: BUFFER.STORAGE });
      if (values !== output) made.push(values);
      const params = device.createBuffer({ size: pictures.length * STRIDE, usage: BUFFER.UNIFORM | BUFFER.COPY_DST });
      made.push(params);
      device.queue.writeBuffer(params, 0, parameters(pictures, spec, dims));

      device.pushErrorScope('validation');
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipelines.sample);
      const layout = pipelines.sample.getBindGroupLayout(0);
      pictures.forEach(({ transform: { target } }, n) => {
        const entries = [
          { binding: 0, resource: uploads[n]!.texture.createView() },
          { binding: 1, resource: { buffer: params, offset: n * STRIDE, size: 96 } },
          { binding: 2, resource: { buffer: values } },
        ];
        pass.setBindGroup(0, device.createBindGroup({ layout, entries }));
        pass.dispatchWorkgroups(Math.ceil(target.width / SAMPLE_WORKGROUP), Math.ceil(target.height / SAMPLE_WORKGROUP));
      });
      if (values !== output) {
        const per = spec.type === 'float16' ? 2 : 4;
        const groups = Math.ceil(Math.ceil(count / per) / PACK_WORKGROUP);
        const wide = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
        const packing = device.createBuffer({ size: 16, usage: BUFFER.UNIFORM | BUFFER.COPY_DST });
        made.push(packing);
        device.queue.writeBuffer(packing, 0, Uint32Array.of(count, spec.type === 'float16' ? 0 : 1, wide * PACK_WORKGROUP, 0));
        pass.setPipeline(pipelines.pack);
        const entries = [
          { binding: 0, resource: { buffer: values } },
          { binding: 1, resource: { buffer: output } },
          { binding: 2, resource: { buffer: packing } },
        ];
        pass.setBindGroup(0, device.createBindGroup({ layout: pipelines.pack.getBindGroupLayout(0), entries }));
        pass.dispatchWorkgroups(wide, Math.ceil(groups / wide));
      }
      pass.end();
      device.queue.submit([encoder.finish()]);
      const error = await device.popErrorScope();
      if (error !== null) throw new TensorlaneError('RUN_FAILED', `the GPU refused to convert the pictures: ${messageOf(error.message)}`);
      return { buffer: output, paths: uploads.map((u) => u.path) };
    } catch (error) {
      output?.destroy();
      throw error;
    } finally {
      // Work already submitted keeps what it uses: WebGPU destroys them once it is done.
      for (const resource of made) resource.destroy();
    }
  }

  return { convert };
}

/** The parameters of each picture, one STRIDE apart, as the sample shader's `Picture` reads them. */
function parameters(pictures: readonly WirePicture[], spec: ImageSpec, dims: readonly number[]): Uint8Array {
  const bytes = new ArrayBuffer(pictures.length * STRIDE);
  const perPicture = sizeOf(dims.slice(1));
  const { mul, add } = affineOf(spec);
  pictures.forEach(({ frame, transform }, n) => {
    const f = new Float32Array(bytes, n * STRIDE, 24);
    const u = new Uint32Array(bytes, n * STRIDE, 24);
    const [width, height] = frameSize(frame);
    f.set([width, height, transform.scale.x, transform.scale.y, transform.offset.x, transform.offset.y]);
    const cubic = spec.resize === 'bicubic' ? 1 : 0;
    u.set([transform.target.width, transform.target.height, n * perPicture, spec.layout === 'nchw' ? 0 : 1, spec.channels === 'bgr' ? 1 : 0, cubic], 6);
    f.set([...spec.fill, 0, ...mul, 0, ...add, 0], 12);
  });
  return new Uint8Array(bytes);
}
