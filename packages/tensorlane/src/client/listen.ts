// `stream.listen` on the page: checks the options, builds the audio graph (source → capture worklet), and wires the
// worklet to the worker that steps the stream, by a port or a shared ring. The page then only hears results. When the
// session's worker restarts, the stream is reset and the worklet wired to the new worker, and listening goes on.
import { TensorlaneError } from '../errors.js';
import { describe } from '../tensor/dtypes.js';
import { createFeedsReader } from '../tensor/validate.js';
import type { AudioSource, Heard, Listening, ListenOptions, ListenStats } from '../types/streams.js';
import type { TensorInfo } from '../types/tensor.js';
import { AUDIO_RING, type HeardMessage, type ListenSpec } from '../wire/protocol.js';
import { fromWireError } from '../wire/wire-error.js';
import { badOption, checkFunction, checkKeys, checkNumber, checkObject, checkOneOf, keysOf } from './check-values.js';
import type { Connection } from './connection.js';
import { unreadable } from './unreadable.js';

const LISTEN_OPTIONS = keysOf({
  sampleRate: true, frame: true, hop: true, input: true, feeds: true, behind: true, maxWaiting: true, onResult: true, onError: true,
} satisfies Record<keyof ListenOptions, true>);

/** What listening needs of its stream. */
export interface ListenTarget {
  readonly id: number;
  /** The inputs a step is given (not carried). */
  readonly stepInputs: readonly TensorInfo[];
  /** The session, for its `'restart'` events. */
  readonly events: EventTarget;
  /** The connection that holds the stream's state. @throws `STATE_LOST` after a restart, until reset. */
  connection(what: string): Promise<Connection>;
  reset(): Promise<void>;
  /** Listening stopped. */
  done(): void;
}

/** Samples per chunk the worklet posts without shared memory: 8 render quanta. */
const CHUNK = 1024;
/** Seconds of audio the shared ring holds. */
const RING_SECONDS = 4;

type Spec = Omit<ListenSpec, 'sourceRate' | 'port' | 'ring' | 'replay'>;

function checkListen(options: ListenOptions, inputs: readonly TensorInfo[]): Spec & Pick<ListenOptions, 'onResult' | 'onError'> {
  checkKeys(checkObject(options, 'listen()'), LISTEN_OPTIONS, 'listen()');
  const sampleRate = checkNumber(options.sampleRate, 'listen() option "sampleRate"', NaN, { min: 1, integer: true });
  const frame = checkNumber(options.frame, 'listen() option "frame"', NaN, { min: 1, integer: true });
  if (Number.isNaN(sampleRate) || Number.isNaN(frame)) throw badOption('listen() needs the options "sampleRate" (the model\'s, in Hz) and "frame" (samples per step)');
  const hop = checkNumber(options.hop, 'listen() option "hop"', frame, { min: 1, integer: true });
  const given = options.feeds ?? {};
  const open = inputs.filter((info) => !Object.hasOwn(given, info.name));
  const input = options.input ?? (open.length === 1 ? open[0]!.name : undefined);
  const info = inputs.find((i) => i.name === input);
  if (info === undefined || info.type !== 'float32') {
    throw badOption(
      `listen() option "input" is ${describe(input)}; expected the float32 input the frames go to, one of ${inputs.map((i) => `"${i.name}"`).join(', ')} (by default the one input neither carried nor in "feeds")`,
    );
  }
  const feeds = createFeedsReader(inputs.filter((i) => i !== info))(given, 'listen() feeds: ');
  const onResult = checkFunction<ListenOptions['onResult']>(options.onResult, 'listen() option "onResult"', 'a function');
  if (onResult === undefined) throw badOption('listen() needs the option "onResult", a function called with each frame\'s result');
  return {
    sampleRate, frame, hop, input: info.name, feeds,
    behind: checkOneOf(options.behind, ['drop', 'catch-up'] as const, 'listen() option "behind"') ?? 'drop',
    maxWaiting: checkNumber(options.maxWaiting, 'listen() option "maxWaiting"', 2, { min: 1, integer: true }),
    onResult,
    ...(options.onError ? { onError: checkFunction<ListenOptions['onError']>(options.onError, 'listen() option "onError"', 'a function')! } : {}),
  };
}

/** The worklet module, added once per audio context. */
const added = new WeakMap<BaseAudioContext, Promise<void>>();
function addWorklet(context: BaseAudioContext): Promise<void> {
  let adding = added.get(context);
  if (adding === undefined) added.set(context, (adding = context.audioWorklet.addModule(new URL('./capture-worklet.js', import.meta.url))));
  return adding;
}

/** The source as a node, in its context or a new one (`own`: closed when listening stops). */
function sourceNode(source: AudioSource): { node: AudioNode; own: boolean } {
  if (typeof AudioNode !== 'undefined' && source instanceof AudioNode) return { node: source, own: false };
  if (typeof AudioContext === 'undefined') {
    throw new TensorlaneError('ENVIRONMENT_UNSUPPORTED', 'listen() needs Web Audio (AudioContext), which this environment lacks');
  }
  const context = new AudioContext();
  if (typeof MediaStreamTrack !== 'undefined' && source instanceof MediaStreamTrack) {
    return { node: context.createMediaStreamSource(new MediaStream([source])), own: true };
  }
  if (typeof MediaStream !== 'undefined' && source instanceof MediaStream) return { node: context.createMediaStreamSource(source), own: true };
  if (typeof HTMLMediaElement !== 'undefined' && source instanceof HTMLMediaElement) {
    const node = context.createMediaElementSource(source);
    node.connect(context.destination); // the element stays audible
    return { node, own: true };
  }
  void context.close();
  throw badOption(`listen() source is ${describe(source)}; expected a MediaStreamTrack, a MediaStream, an <audio> or <video> element, or an AudioNode`);
}

/** Starts listening; resolves once the worker listens. See `Stream.listen`. */
export async function startListening(target: ListenTarget, source: AudioSource, options: ListenOptions): Promise<Listening> {
  const { onResult, onError, ...spec } = unreadable('INVALID_OPTIONS', 'listen() options', () => checkListen(options, target.stepInputs));
  const { node, own } = sourceNode(source);
  const { context } = node;
  const shared = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
  const capacity = 2 ** Math.ceil(Math.log2(RING_SECONDS * context.sampleRate));
  const ring = shared ? new SharedArrayBuffer(AUDIO_RING.header + 4 * capacity) : undefined;
  let worklet: AudioWorkletNode;
  try {
    await addWorklet(context);
    worklet = new AudioWorkletNode(context, 'tensorlane-capture', {
      numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers',
      processorOptions: { ring, written: AUDIO_RING.written, header: AUDIO_RING.header, chunk: CHUNK },
    });
  } catch (error) {
    if (own) void (context as AudioContext).close();
    throw new TensorlaneError('ENVIRONMENT_UNSUPPORTED', `listen() could not start its audio worklet: ${(error as Error).message}`, { cause: error });
  }
  node.connect(worklet);
  worklet.connect(context.destination); // silent: pulls the worklet along

  let stats: ListenStats = { frames: 0, dropped: 0, waiting: 0, samples: 0, resets: 0 };
  let stopped = false;
  let connection: Connection | undefined;

  const heard = (message: HeardMessage) => {
    stats = { ...message.stats, resets: stats.resets };
    for (const { frame, time, outputs } of message.results) onResult({ frame, time, outputs: { ...outputs } } satisfies Heard);
    if (message.error) fail(fromWireError(message.error));
  };

  /** Wires the worklet to the worker in use, which listens from then on. */
  async function wire(replay: boolean): Promise<void> {
    const to = await target.connection('listen');
    const { port1, port2 } = new MessageChannel();
    worklet.port.postMessage({ port: port1 }, [port1]);
    to.streams.listen(target.id, heard);
    connection = to;
    const listen: ListenSpec = { ...spec, sourceRate: context.sampleRate, port: port2, replay, ...(ring ? { ring } : {}) };
    await to.streams.send({ op: 'listen', stream: target.id, listen }, [port2], { what: 'listen' });
  }

  const onRestart = () => {
    if (stopped) return;
    stats = { ...stats, resets: stats.resets + 1 };
    target.reset().then(() => wire(false)).catch(fail);
  };

  function fail(error: unknown): void {
    if (stopped) return;
    void stop();
    onError?.(error as Error);
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    target.events.removeEventListener('restart', onRestart);
    worklet.port.postMessage({ stop: true });
    node.disconnect(worklet);
    worklet.disconnect();
    target.done();
    if (connection && connection.closed === undefined) {
      connection.streams.listen(target.id, undefined);
      await connection.streams.send({ op: 'unlisten', stream: target.id }, [], { what: 'stop' }).catch(() => undefined);
    }
    if (own) await (context as AudioContext).close().catch(() => undefined);
  }

  const control = (op: 'pause' | 'resume') => void connection?.streams.send({ op, stream: target.id }, [], { what: op }).catch(() => undefined);
  target.events.addEventListener('restart', onRestart);
  try {
    await wire(true);
    if (own) await (context as AudioContext).resume();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    transport: ring ? 'shared-memory' : 'messages',
    sourceRate: context.sampleRate,
    get stats() {
      return stats;
    },
    pause: () => control('pause'),
    resume: () => control('resume'),
    stop,
  };
}
