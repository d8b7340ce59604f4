// Staying awake for a message that is due. Posting to a thread asleep costs the poster its wake (25-90 µs on the
// machines measured, ~5 µs to one awake), twice a call. So, as onnxruntime's thread pool spins before it sleeps, each
// end can stay awake a while for the message it expects, by posting itself empty messages: other tasks still run.
// Opt-in (SessionOptions.busyWaitMs): where the cores are all taken, a thread awake only takes time from the one that
// would answer it, and the scheduler no longer favours it as a thread that slept.

/** One thread's wait for the other's next message. */
export interface Awake {
  /** How long to stay awake for a message, in ms; 0 never does. */
  ms: number;
  /**
   * A message is due: stay awake until it comes, `ms` at most. Only while such waits end in time: after one that
   * did not, the next waits asleep, and stays awake again once a message comes within `ms`.
   */
  wait(): void;
  /** The message came (or none is due any more): stop. */
  came(): void;
}

export function createAwake(now: () => number = () => performance.now()): Awake {
  /** When the wait began; -1: none. */
  let since = -1;
  /** The last wait ended within `ms`. */
  let inTime = true;
  /** Made at the first wait awake: a session that never waits awake (the default) makes none. */
  let channel: MessageChannel | undefined;
  // Listened to only while awake: an idle port with a listener would keep Node's event loop alive.
  const tick = () => {
    if (since >= 0 && now() - since < awake.ms) channel!.port2.postMessage(undefined);
    else channel!.port1.onmessage = null;
  };
  const awake: Awake = {
    ms: 0,
    wait() {
      const at = now();
      if (since >= 0 && at - since >= awake.ms) inTime = false;
      since = at;
      if (!inTime || awake.ms <= 0 || channel?.port1.onmessage) return;
      channel ??= new MessageChannel();
      channel.port1.onmessage = tick;
      channel.port2.postMessage(undefined);
    },
    came() {
      if (since >= 0) inTime = now() - since < awake.ms;
      since = -1;
    },
  };
  return awake;
}
