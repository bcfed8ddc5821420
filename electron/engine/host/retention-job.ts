import { createLogger } from '../logger';
import { applyRetention, DEFAULT_RETENTION, type RetentionSettings } from '../store/retention';
import type { Store } from '../store/store';

const log = createLogger('store/retention');
const SETTINGS_KEY = 'retention';

/** Runs the retention rules on an interval (hourly by default). */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly intervalMs: number,
  ) {}

  settings(): RetentionSettings {
    const raw = this.store.state.get(SETTINGS_KEY);
    return raw ? { ...DEFAULT_RETENTION, ...(JSON.parse(raw) as Partial<RetentionSettings>) } : DEFAULT_RETENTION;
  }

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  runOnce(now = Date.now()): void {
    try {
      const deleted = applyRetention(this.store.db, this.settings(), now);
      log.debug('retention pass', deleted);
    } catch (error) {
      log.error('Retention pass failed; it will run again at the next interval.', error);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
