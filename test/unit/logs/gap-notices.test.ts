import { describe, expect, it } from 'vitest';
import { GapNotices } from '../../../electron/engine/logs/gap-notices';

describe('GapNotices (what both transports say when pushes stop and resume)', () => {
  it('names the stored lines after the last one sent, then says caught up through the last one sent', () => {
    let stored = 120;
    const notices = new GapNotices('dep_1', () => stored);
    expect(notices.stopped(100)).toEqual({ deploymentId: 'dep_1', fromLineNo: 101, toLineNo: 120 });
    stored = 180;
    expect(notices.resumed(180)).toEqual({ deploymentId: 'dep_1', lineNo: 180 });
    // Once: a second resume is no news.
    expect(notices.resumed(180)).toBeNull();
  });

  it('reports no empty gap, and no caught-up without a gap before it', () => {
    const notices = new GapNotices('dep_1', () => 100);
    expect(notices.stopped(100)).toBeNull();
    expect(notices.resumed(100)).toBeNull();
  });
});
