// The `hls` options section (lib/options/hls.ts) and what reaches the engine.
import { toNativeConfig } from '../lib/native-config';
import { HLS_DEFAULTS, resolveOptions } from '../lib/options';

function problems(input: unknown): string {
  try {
    resolveOptions(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the options to be refused');
}

describe('options: hls', () => {
  it('is on by default with the contract defaults', () => {
    const o = resolveOptions({});
    expect(o.hls).toEqual({
      enabled: true,
      apps: [],
      format: 'fmp4',
      segmentDuration: 2,
      partDuration: 0.2,
      partHoldBack: 3,
      windowSegments: 6,
      maxStreamBytes: 64 * 1024 * 1024,
      endAfter: 30,
      folder: '',
      folderVod: false,
      maxSegmentBytes: 32 * 1024 * 1024,
    });
    expect(o.hls).toEqual(HLS_DEFAULTS);
    expect(Object.isFrozen(o.hls)).toBe(true);
    expect(Object.isFrozen(o.hls.apps)).toBe(true);
  });

  it('hls: false resolves to an object with enabled: false', () => {
    expect(resolveOptions({ hls: false }).hls).toEqual({ ...HLS_DEFAULTS, enabled: false });
  });

  it('refuses wrong values with one readable line each', () => {
    expect(problems({ hls: { format: 'webm' } })).toMatch(/hls\.format.*"fmp4" or "ts"/);
    expect(problems({ hls: { partDuration: 3, segmentDuration: 2 } })).toMatch(
      /hls\.partDuration.*shorter than segmentDuration/,
    );
    expect(problems({ hls: { partDuration: 0.01 } })).toMatch(/hls\.partDuration.*0 \(no parts\)/);
    expect(problems({ hls: { segmentDuration: 0.1 } })).toMatch(/hls\.segmentDuration.*seconds in 0\.5\.\.60/);
    expect(problems({ hls: { apps: 'live' } })).toMatch(/hls\.apps.*array of app names/);
    expect(problems({ hls: true })).toMatch(/hls.*false or an object/);
    expect(problems({ hls: { segmentDurtion: 4 } })).toMatch(/segmentDuration/);
    expect(problems({ hls: { partHoldBack: 1.5 } })).toMatch(/hls\.partHoldBack.*at least 2 parts/);
    expect(problems({ hls: { partHoldBack: 21 } })).toMatch(/hls\.partHoldBack.*2\.\.20/);
    expect(resolveOptions({ hls: { partHoldBack: 2 } }).hls.partHoldBack).toBe(2);
  });

  it('sends the engine its part in ms, and nothing of the window', () => {
    const c = toNativeConfig(
      resolveOptions({ hls: { apps: ['live'], format: 'ts', segmentDuration: 4, partDuration: 0, windowSegments: 3 } }),
    );
    expect(c).toMatchObject({
      hlsEnabled: true,
      hlsApps: ['live'],
      hlsFormat: 'ts',
      hlsSegmentDurationMs: 4000,
      hlsPartDurationMs: 0,
      hlsMaxSegmentBytes: 32 * 1024 * 1024,
    });
    expect(Object.keys(c).filter((k) => k.startsWith('hls'))).toEqual([
      'hlsEnabled',
      'hlsApps',
      'hlsFormat',
      'hlsSegmentDurationMs',
      'hlsPartDurationMs',
      'hlsMaxSegmentBytes',
    ]);
    expect(toNativeConfig(resolveOptions({ hls: { partDuration: 0.333 } })).hlsPartDurationMs).toBe(333);
    expect(toNativeConfig(resolveOptions({ hls: false })).hlsEnabled).toBe(false);
  });
});
