// The frames the worker holds for calls not yet over: each is closed exactly once, when its call is answered, fails
// or is cancelled, or moved back to the page when the call is handed back (surrender). A VideoFrame left open stalls
// the camera it came from after a few frames.
import { isPictureTensor, type Frame } from '../../tensor/pictures.js';
import type { Feeds } from '../../types/tensor.js';

export interface HeldFrames {
  /** Holds the frames of call `id`'s items. */
  hold(id: number, items: readonly Feeds[]): void;
  /** Closes the frames of call `id`: it is over. */
  release(id: number): void;
  /** Lets go of call `id`'s frames without closing them: they moved back to the page. */
  forget(id: number): void;
}

export function createHeldFrames(): HeldFrames {
  const held = new Map<number, Frame[]>();
  return {
    hold(id, items) {
      const frames: Frame[] = [];
      for (const feeds of items) {
        for (const name in feeds) {
          const tensor = feeds[name]!;
          if (isPictureTensor(tensor)) for (const { frame } of tensor.pictures) frames.push(frame);
        }
      }
      if (frames.length > 0) held.set(id, [...(held.get(id) ?? []), ...frames]);
    },
    release(id) {
      const frames = held.get(id);
      if (frames === undefined) return;
      held.delete(id);
      for (const frame of frames) if ('close' in frame) frame.close();
    },
    forget(id) {
      held.delete(id);
    },
  };
}
