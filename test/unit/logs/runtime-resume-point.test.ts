// Where a runtime log follower resumes after an engine restart (electron/engine/monitor/runtime-log-follower.ts):
// the newest stored line of its own container's lines. In a Compose stack each service is followed on its own,
// so a busy service's newer line must not move a quiet service's resume point past lines it never stored.
import { afterEach, describe, expect, it } from 'vitest';
import { logFixture } from './fixture';

describe('the runtime resume point', () => {
  let fixture: ReturnType<typeof logFixture> | undefined;
  afterEach(() => fixture?.close());

  it("is per stack service, and a single container's lines (no service) are their own", () => {
    fixture = logFixture({ maxDelayMs: 10_000 });
    const { writer, store } = fixture;
    writer.append('d', { stream: 'stdout', source: 'runtime', text: 'worker tick', ts: 1_000, service: 'worker' });
    writer.append('d', { stream: 'stdout', source: 'runtime', text: 'web request', ts: 5_000, service: 'web' });
    writer.append('d', { stream: 'system', source: 'runtime', text: '[CRASH] service=worker exit=1 oom=false', ts: 6_000, service: 'worker' });
    writer.append('single', { stream: 'stderr', source: 'runtime', text: 'plain container', ts: 2_000 });
    writer.flush();
    const lines = store.logLines;
    expect(lines.lastRuntimeOutputTs('d', 0, 'worker')).toBe(1_000);
    expect(lines.lastRuntimeOutputTs('d', 0, 'web')).toBe(5_000);
    expect(lines.lastRuntimeOutputTs('d', 0, null)).toBeNull();
    expect(lines.lastRuntimeOutputTs('single', 0)).toBe(2_000);
    expect(lines.runtimeOutputSince('d', 0, 'worker')).toEqual([{ ts: 1_000, stream: 'stdout', text: 'worker tick' }]);
    expect(lines.runtimeOutputSince('single', 0)).toEqual([{ ts: 2_000, stream: 'stderr', text: 'plain container' }]);
  });
});
