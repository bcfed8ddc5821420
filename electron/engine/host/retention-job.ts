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
    return loadRetentionSettings(this.store);
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

/** The retention settings in force: the defaults, overridden by what the user saved. */
export function loadRetentionSettings(store: Store): RetentionSettings {
  const raw = store.state.get(SETTINGS_KEY);
  if (!raw) return DEFAULT_RETENTION;
  try {
    return { ...DEFAULT_RETENTION, ...(JSON.parse(raw) as Partial<RetentionSettings>) };
  } catch {
    log.warn('The saved retention settings are unreadable; using the defaults.');
    return DEFAULT_RETENTION;
  }
}

/** Saves changed retention settings; the next hourly pass applies them. Returns the settings in force. */
export function saveRetentionSettings(store: Store, changes: Partial<RetentionSettings>): RetentionSettings {
  const next = { ...loadRetentionSettings(store), ...changes };
  store.state.set(SETTINGS_KEY, JSON.stringify(next));
  return next;
}
