/**
 * Writing log lines to process.stdout / process.stderr without letting the
 * reader take the server down. When the reading end of a pipe goes away
 * (`rtmp-engine | head -c 100`, a log shipper that restarts), the next write
 * fails with EPIPE and Node emits 'error' on the stream; with no listener that
 * is an uncaught exception and the process exits. A log sink failing is no
 * reason to drop every RTMP session, so each stream gets one 'error' listener:
 * after the first error the sink is marked broken and further lines to it are
 * dropped (for stdout, one note goes to stderr if that still works).
 *
 * The listener is attached to the process's stream at the first log line, so
 * in an app that embeds the server it also keeps the app's own console.log
 * from crashing on EPIPE (those writes are lost the same way). A server that
 * logs to stdout by default has to own that choice; an app that wants its
 * own policy passes a `logger`, and then nothing here is attached.
 */
import type { Writable } from 'stream';

interface SinkState {
  broken: boolean;
}

const states = new WeakMap<Writable, SinkState>();

function stateOf(stream: Writable): SinkState {
  const known = states.get(stream);
  if (known) return known;
  const state: SinkState = { broken: false };
  states.set(stream, state);
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (state.broken) return;
    state.broken = true;
    // Said on stderr only: stdout carries JSON lines, and a plain line there would break them.
    if (stream === process.stdout) {
      writeTo(process.stderr, `rtmp-engine: stdout closed (${err.code ?? err.message}); its log lines are dropped, the server keeps running\n`);
    }
  });
  return state;
}

function writeTo(stream: Writable, text: string): void {
  const state = stateOf(stream);
  if (state.broken || stream.destroyed || stream.writableEnded) return;
  try {
    stream.write(text);
  } catch {
    // A synchronous throw (a stream already torn down) is the same failure.
    state.broken = true;
  }
}

/** Writes to stdout; never throws, never crashes on EPIPE. */
export function writeStdout(text: string): void {
  writeTo(process.stdout, text);
}

/** Writes to stderr; never throws, never crashes on EPIPE. */
export function writeStderr(text: string): void {
  writeTo(process.stderr, text);
}
