import { describe, expect, it, vi } from 'vitest';
import { WakeableSleep } from '../../../electron/engine/wakeable-sleep';

describe('WakeableSleep', () => {
  it('resolves after its delay, or at once when woken', async () => {
    vi.useFakeTimers();
    const pause = new WakeableSleep();
    let slept = false;
    void pause.sleep(60_000).then(() => (slept = true));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(slept).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(slept).toBe(true);

    let woken = false;
    void pause.sleep(60_000).then(() => (woken = true));
    pause.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(woken).toBe(true);
    pause.wake(); // waking with nothing asleep is harmless
    vi.useRealTimers();
  });
});
