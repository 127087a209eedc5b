/**
 * The machinery every media subscription shares (packets today, decoded
 * frames next): a producer (the native channel) feeds items in; the consumer
 * takes them as an async iterator (`for await`) or through a callback. Either
 * way there is exactly one close of the native side, whichever comes first:
 * the consumer stops (break / return() / the callback form's unsubscribe), an
 * AbortSignal fires, the producer ends (publisher gone with endOnUnpublish, a
 * wait that timed out, the server closing).
 *
 * Memory is bounded by the producer: each item counts against the native
 * queue until the consumer takes it (`release`), so a slow consumer makes the
 * engine drop (and count) rather than pile items up here.
 */
import { RtmpEngineError } from '../errors';

/** What an opener gets: where to put items, and how to end. */
export interface Feed<T> {
  push(item: T): void;
  /** Ends the subscription: queued items are still taken, then done (or this error). */
  end(error?: Error): void;
}

/** Opens the native side; returns its close (called once, never after end by itself twice). */
export type Opener<T> = (feed: Feed<T>) => () => void;

export interface ConsumeOptions<T> {
  signal?: AbortSignal;
  /** The consumer took this item (credit back to the engine). */
  release?: (items: readonly T[]) => void;
}

/** The error an aborted subscription rejects with (Node's convention). */
export function abortError(signal: AbortSignal): Error {
  const error = new RtmpEngineError('ABORT_ERR', 'rtmp-engine: the subscription was aborted', {
    cause: signal.reason,
  });
  error.name = 'AbortError';
  return error;
}

/** Ends every open subscription of a server when it closes. */
export class SubscriptionSet {
  private readonly live = new Set<() => void>();

  add(end: () => void): () => void {
    this.live.add(end);
    return () => this.live.delete(end);
  }

  get size(): number {
    return this.live.size;
  }

  endAll(): void {
    for (const end of [...this.live]) end();
    this.live.clear();
  }
}

/** Runs close() once. */
function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/**
 * An async iterator over a subscription. next() hands out queued items in
 * order; return() closes at once and drops what is queued; after the
 * producer's end the queue drains, then `done` (or one rejection with the
 * error, then `done`).
 */
export function iterate<T>(open: Opener<T>, options: ConsumeOptions<T> = {}): AsyncIterableIterator<T> {
  const queue: T[] = [];
  const waiters: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void }> = [];
  let ended = false;
  let failure: Error | undefined;
  let close: () => void = () => {};
  const { signal, release } = options;

  const settle = (): void => {
    while (waiters.length > 0 && queue.length > 0) {
      const item = queue.shift() as T;
      release?.([item]);
      waiters.shift()?.resolve({ value: item, done: false });
    }
    if (!ended || queue.length > 0) return;
    while (waiters.length > 0) {
      const waiter = waiters.shift();
      if (failure) {
        const error = failure;
        failure = undefined;
        waiter?.reject(error);
      } else {
        waiter?.resolve({ value: undefined, done: true });
      }
    }
  };

  const finish = (error?: Error, dropQueued = false): void => {
    if (ended) return;
    ended = true;
    failure = error;
    signal?.removeEventListener('abort', onAbort);
    if (dropQueued) queue.length = 0;
    close();
    settle();
  };
  const onAbort = (): void => finish(abortError(signal as AbortSignal), true);

  const feed: Feed<T> = {
    push(item) {
      if (ended) return;
      queue.push(item);
      settle();
    },
    end(error) {
      finish(error);
    },
  };

  if (signal?.aborted) {
    ended = true;
    failure = abortError(signal);
  } else {
    close = once(open(feed));
    if (ended) close();  // ended while opening
    signal?.addEventListener('abort', onAbort, { once: true });
  }

  const iterator: AsyncIterableIterator<T> = {
    next() {
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        waiters.push({ resolve, reject });
        settle();
      });
    },
    return() {
      finish(undefined, true);
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

export interface ListenOptions<T> extends ConsumeOptions<T> {
  /** Called once when the subscription ends by itself (error: why), not after unsubscribe. */
  onEnd?: (error?: Error) => void;
}

/**
 * The callback form, for hot loops: each item goes to `onItem` as it
 * arrives; returns the unsubscribe function. A throwing callback does not
 * stop the subscription; the error surfaces as an uncaught exception, as a
 * throwing event listener's would.
 */
export function listen<T>(open: Opener<T>, onItem: (item: T) => void, options: ListenOptions<T> = {}): () => void {
  let ended = false;
  let close: () => void = () => {};
  const { signal, release, onEnd } = options;

  const finish = (error: Error | undefined, notify: boolean): void => {
    if (ended) return;
    ended = true;
    signal?.removeEventListener('abort', onAbort);
    close();
    if (notify) onEnd?.(error);
  };
  const onAbort = (): void => finish(abortError(signal as AbortSignal), true);

  const feed: Feed<T> = {
    push(item) {
      if (ended) return;
      try {
        onItem(item);
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      } finally {
        release?.([item]);
      }
    },
    end(error) {
      finish(error, true);
    },
  };

  if (signal?.aborted) {
    ended = true;
    queueMicrotask(() => onEnd?.(abortError(signal)));
  } else {
    close = once(open(feed));
    if (ended) close();
    signal?.addEventListener('abort', onAbort, { once: true });
  }
  return () => finish(undefined, false);
}
