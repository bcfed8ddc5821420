import { createLogger } from '../logger';
import { LOG_BUDGET_LOW_WATER, LogEvictor, usedDatabaseBytes } from '../store/log-budget';
import { applyRetention, DEFAULT_RETENTION, type RetentionSettings } from '../store/retention';
import type { Store } from '../store/store';

const log = createLogger('store/retention');
const SETTINGS_KEY = 'retention';

/**
 * Runs the retention rules on an interval (hourly by default), and checks the log budget more often (every
 * minute by default): that check is three pragmas, and only a store over its budget trims, one short batch
 * per turn of the event loop so the log writer's commits go on between them.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private budgetTimer: NodeJS.Timeout | undefined;
  private trimming: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly intervalMs: number,
    private readonly budgetCheckMs = 60_000,
  ) {}

  settings(): RetentionSettings {
    return loadRetentionSettings(this.store);
  }

  start(): void {
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.runOnce(), this.intervalMs);
      this.timer.unref();
    }
    if (this.budgetCheckMs > 0) {
      this.budgetTimer = setInterval(() => void this.trimToBudget(), this.budgetCheckMs);
      this.budgetTimer.unref();
    }
  }

  /**
   * Trims the oldest runtime lines while the store is over its budget (down to its low water), one batch
   * per turn of the event loop. Resolves with the number of lines trimmed; a check that finds a trim under
   * way joins it.
   */
  trimToBudget(): Promise<number> {
    this.trimming ??= this.trimBatches().finally(() => {
      this.trimming = null;
    });
    return this.trimming;
  }

  private async trimBatches(): Promise<number> {
    const { logBudgetBytes, batchSize } = this.settings();
    const db = this.store.db;
    if (usedDatabaseBytes(db) <= logBudgetBytes) return 0;
    const evictor = new LogEvictor(db, logBudgetBytes);
    let trimmed = 0;
    try {
      while (!this.stopped && usedDatabaseBytes(db) > logBudgetBytes * LOG_BUDGET_LOW_WATER) {
        const batch = evictor.evictBatch(Math.min(batchSize, 2000));
        if (batch.lines === 0) {
          log.warn('The log store is over its budget, but every line left belongs to a run in progress or is not a runtime line.');
          break;
        }
        trimmed += batch.lines;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      log.error('Trimming the log store to its budget failed; the next check tries again.', error);
    }
    if (trimmed > 0) log.info(`Trimmed ${trimmed} runtime lines to keep the log store under its budget.`);
    return trimmed;
  }

  runOnce(now = Date.now()): void {
    try {
      const deleted = applyRetention(this.store.db, this.settings(), now);
      log.debug('retention pass', deleted);
      void this.trimToBudget();
    } catch (error) {
      log.error('Retention pass failed; it will run again at the next interval.', error);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.budgetTimer) clearInterval(this.budgetTimer);
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
