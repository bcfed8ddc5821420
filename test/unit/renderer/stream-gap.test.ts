import { describe, expect, it } from 'vitest';
import { StreamGap } from '../../../renderer/src/logs/stream-gap';

const gap = (fromLineNo: number, toLineNo: number) => ({ deploymentId: 'dep_1', fromLineNo, toLineNo });

describe('StreamGap (the viewer behind its log stream)', () => {
  it('is closed until the stream reports a gap', () => {
    const streamGap = new StreamGap();
    expect(streamGap.current(0)).toBeNull();
    streamGap.caughtUp(10);
    expect(streamGap.current(10)).toBeNull();
  });

  it('stays open after caught-up until the window holds every line the stream sent', () => {
    const streamGap = new StreamGap();
    streamGap.opened(gap(101, 900));
    expect(streamGap.current(100)).toEqual(gap(101, 900));
    // The window already reaches past the gap's end, but the stream has not caught up yet.
    expect(streamGap.current(950)).toEqual(gap(101, 900));
    streamGap.caughtUp(1200);
    expect(streamGap.current(1199)).toEqual(gap(101, 900));
    expect(streamGap.current(1200)).toBeNull();
    expect(streamGap.current(0)).toBeNull();
  });

  it('widens an open gap when the stream falls behind again before catching up', () => {
    const streamGap = new StreamGap();
    streamGap.opened(gap(101, 900));
    streamGap.caughtUp(900);
    streamGap.opened(gap(950, 2000));
    expect(streamGap.current(900)).toEqual(gap(101, 2000));
    streamGap.caughtUp(2100);
    expect(streamGap.current(2100)).toBeNull();
  });

  it('a new stream (reconnect) counts as caught up to its snapshot unless it reports a gap again', () => {
    const streamGap = new StreamGap();
    streamGap.opened(gap(101, 900));
    streamGap.restarted(1500);
    expect(streamGap.current(1400)).toEqual(gap(101, 900));
    expect(streamGap.current(1500)).toBeNull();

    streamGap.opened(gap(1501, 1600));
    streamGap.restarted(1700);
    streamGap.opened(gap(1701, 1800));
    expect(streamGap.current(1700)).toEqual(gap(1501, 1800));
  });
});
