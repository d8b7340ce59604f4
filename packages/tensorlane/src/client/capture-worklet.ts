// The audio worklet of `stream.listen`: runs on the page's audio thread, takes the audio it is connected to (mixed
// down to one channel) and moves it to the worker, never through the main thread: into a shared-memory ring where the
// page is cross-origin isolated, else posted in chunks on a port the page hands it. It imports nothing: bundlers copy
// it as it is (client/listen.ts loads it with `new URL('./capture-worklet.js', import.meta.url)`).

/** What the page passes as `processorOptions` (the ring's layout is AUDIO_RING's, in wire/protocol.ts). */
interface CaptureOptions {
  readonly ring?: SharedArrayBuffer;
  readonly written: number;
  readonly header: number;
  /** Samples per posted chunk. */
  readonly chunk: number;
}

/** Seconds of audio kept until the worker's port comes. */
const EARLY_SECONDS = 10;

declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new (options: { processorOptions: CaptureOptions }) => AudioWorkletProcessor): void;

class Capture extends AudioWorkletProcessor {
  /** Samples taken since the processor started: the index of the next one. */
  #at = 0;
  #stopped = false;
  #target: MessagePort | undefined;
  #chunk: Float32Array;
  #filled = 0;
  /** Chunks taken before the first port came (a few seconds at most), sent to it when it comes. */
  #early: Array<{ readonly at: number; readonly samples: Float32Array }> | undefined = [];
  readonly #ring: { readonly header: Int32Array; readonly data: Float32Array; readonly written: number } | undefined;

  constructor({ processorOptions: { ring, written, header, chunk } }: { processorOptions: CaptureOptions }) {
    super();
    this.#chunk = new Float32Array(chunk);
    this.#ring = ring && { header: new Int32Array(ring, 0, header / 4), data: new Float32Array(ring, header), written };
    this.port.onmessage = ({ data }: MessageEvent<{ port?: MessagePort; stop?: boolean }>) => {
      if (data.port) {
        this.#target?.close();
        this.#target = data.port;
        for (const chunk of this.#early ?? []) data.port.postMessage(chunk, [chunk.samples.buffer]);
        this.#early = undefined;
      }
      if (data.stop) {
        this.#stopped = true;
        this.#target?.close();
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.#stopped) return false;
    const samples = inputs[0]?.[0];
    if (samples === undefined) return true;
    const ring = this.#ring;
    if (ring) {
      const { header, data, written } = ring;
      const at = Atomics.load(header, written);
      for (let i = 0; i < samples.length; i++) data[(at + i) & (data.length - 1)] = samples[i]!;
      Atomics.store(header, written, (at + samples.length) | 0);
      Atomics.notify(header, written);
    } else if (this.#target || this.#early) {
      for (let i = 0; i < samples.length; i++) {
        this.#chunk[this.#filled++] = samples[i]!;
        if (this.#filled === this.#chunk.length) {
          const size = this.#chunk.length;
          const chunk = { at: this.#at + i + 1 - size, samples: this.#chunk };
          if (this.#target) this.#target.postMessage(chunk, [chunk.samples.buffer]);
          else if (this.#early!.length * size < EARLY_SECONDS * sampleRate) this.#early!.push(chunk);
          this.#chunk = new Float32Array(size);
          this.#filled = 0;
        }
      }
    }
    this.#at += samples.length;
    return true;
  }
}

registerProcessor('tensorlane-capture', Capture);

export {};
