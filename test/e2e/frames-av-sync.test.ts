/**
 * A/V sync of decoded frames over a live publish of a minute: ffmpeg publishes
 * (-re) a black picture with a white flash and a silent track with a 1 kHz
 * beep, both starting at the same media instants every 2 s. On the frames
 * server.frames() delivers, the flash (mean luma of `gray` pictures) and the
 * beep's onset (first loud `s16` sample after silence) are found again; at
 * every event their timestamps differ by less than 50 ms (issue 12's target).
 * This is an accuracy bound on media timestamps, not a wall-clock one. The
 * per-event offsets, their max and the drift (last minus first) are printed.
 */
import { describeWithAddon } from '../helpers/addon';
import { stopAll } from './helpers/ffmpeg';
import { DEFAULT_SCHEDULE, expectedEvents, FlashDetector, OnsetDetector, publishFlashBeep } from './helpers/flash-beep';
import { startServer, waitUntil } from './helpers/server';

const MAX_OFFSET_MS = 50;

describeWithAddon('frames() A/V sync', () => {
  afterEach(() => stopAll());

  it('the beep onset and the white flash have the same timestamps (< 50 ms) at every event of a 62 s publish', async () => {
    const schedule = DEFAULT_SCHEDULE;
    const events = expectedEvents(schedule);
    const { server, url } = await startServer();
    try {
      const flashes = new FlashDetector();
      const onsets = new OnsetDetector();
      let dropped = 0;
      let videoFrames = 0;
      let audioFrames = 0;
      const iterator = server.frames('live/sync', {
        wait: 30_000,
        video: { format: 'gray' },
        audio: { format: 's16' },
        // Roomy queues: a loaded machine must not make this consumer drop
        // (a dropped flash or beep would be an event lost, not an offset).
        queue: { videoFrames: 64, audioMs: 5_000 },
      });
      const consumer = (async () => {
        for await (const f of iterator) {
          dropped += f.droppedBefore;
          if (f.kind === 'video') {
            videoFrames++;
            flashes.add(f);
          } else {
            audioFrames++;
            onsets.add(f);
          }
          f.release();
        }
      })();
      await waitUntil(() => server.frameSubscriptions().length === 1, 'the subscription');
      const publisher = publishFlashBeep(url('live/sync'), schedule);
      expect(await publisher.exited).toBe(0);
      // The last event is a few seconds before the end of the media: wait
      // until both detectors saw it (the decoder may still be catching up).
      await waitUntil(
        () => flashes.flashes.length >= events && onsets.onsets.length >= events,
        `${events} flashes and beeps (got ${flashes.flashes.length} and ${onsets.onsets.length})`,
        30_000,
      );
      await iterator.return?.();
      await consumer;

      expect(dropped).toBe(0);
      expect(flashes.flashes).toHaveLength(events);
      expect(onsets.onsets).toHaveLength(events);
      const offsets = flashes.flashes.map((v, i) => onsets.onsets[i]! - v);
      const max = Math.max(...offsets.map(Math.abs));
      const drift = offsets[offsets.length - 1]! - offsets[0]!;
      const round = (v: number) => Math.round(v * 10) / 10;
      console.log(
        `A/V sync over ${schedule.seconds} s (${videoFrames} video, ${audioFrames} audio frames): ` +
          `audio onset - video flash per event (ms): ${offsets.map(round).join(', ')}; ` +
          `max |offset| ${round(max)} ms, drift ${round(drift)} ms; ` +
          `first flash at pts ${round(flashes.flashes[0]!)} ms`,
      );
      // The events are where the source put them: one every period.
      const spacing = flashes.flashes.slice(1).map((v, i) => v - flashes.flashes[i]!);
      for (const gap of spacing) expect(Math.abs(gap - schedule.periodS * 1000)).toBeLessThan(MAX_OFFSET_MS);
      for (const offset of offsets) expect(Math.abs(offset)).toBeLessThan(MAX_OFFSET_MS);
      expect(server.frameSubscriptions()).toEqual([]);
      expect(server.frameDecoderCount()).toBe(0);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  }, 150_000);
});
