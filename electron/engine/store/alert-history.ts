import type { Database, Statement } from 'better-sqlite3';
import type { AlertKind, AttemptOutcome, ChannelKind, Delivery, DeliveryAttempt, DeliveryStatus } from '../../../shared';
import { newId } from './ids';
import { toIso } from './time';

/** An alert as it fired: the text every channel gets, and where it came from. */
export interface AlertRecord {
  readonly id: string;
  readonly ruleId: string | null;
  readonly ruleName: string | null;
  readonly groupKey: string;
  readonly kind: AlertKind;
  readonly projectId: string | null;
  readonly deploymentId: string | null;
  readonly title: string;
  readonly body: string;
  readonly count: number;
  readonly at: number;
}

export type NewAlert = Omit<AlertRecord, 'id'>;

/** The outbox row of one alert for one channel. */
export interface DeliveryRecord {
  readonly id: string;
  readonly alert: AlertRecord;
  readonly channelId: string;
  readonly channelName: string;
  readonly channelKind: ChannelKind;
  readonly status: DeliveryStatus;
  readonly nextAttemptAt: number | null;
  readonly attempts: number;
}

export interface NewAttempt {
  readonly at: number;
  readonly outcome: AttemptOutcome;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface HistoryQuery {
  readonly limit: number;
  readonly channelId?: string | undefined;
  readonly projectId?: string | undefined;
}

interface AlertRow {
  id: string;
  rule_id: string | null;
  rule_name: string | null;
  group_key: string;
  kind: AlertKind;
  project_id: string | null;
  deployment_id: string | null;
  title: string;
  body: string;
  count: number;
  at: number;
}

interface DeliveryRow {
  id: string;
  alert_id: string;
  channel_id: string;
  channel_name: string;
  channel_kind: ChannelKind;
  status: DeliveryStatus;
  next_attempt_at: number | null;
  created_at: number;
}

interface AttemptRow {
  delivery_id: string;
  attempt_no: number;
  at: number;
  outcome: AttemptOutcome;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

const alertFromRow = (row: AlertRow): AlertRecord => ({
  id: row.id,
  ruleId: row.rule_id,
  ruleName: row.rule_name,
  groupKey: row.group_key,
  kind: row.kind,
  projectId: row.project_id,
  deploymentId: row.deployment_id,
  title: row.title,
  body: row.body,
  count: row.count,
  at: row.at,
});

const attemptFromRow = (row: AttemptRow): DeliveryAttempt => ({
  at: toIso(row.at),
  outcome: row.outcome,
  statusCode: row.status_code,
  error: row.error,
  durationMs: row.duration_ms,
});

/**
 * What fired and how each delivery went (migration 006): the alerts, the outbox of deliveries (a pending row is
 * due at `next_attempt_at`; `in_flight_since` marks a try under way) and every try.
 */
export class AlertHistoryRepository {
  private readonly insertAlertRow: Statement<unknown[]>;
  private readonly insertDeliveryRow: Statement<unknown[]>;
  private readonly selectAlert: Statement<[string], AlertRow>;
  private readonly selectDelivery: Statement<[string], DeliveryRow>;
  private readonly selectDue: Statement<[number, number], DeliveryRow>;
  private readonly selectNextDue: Statement<[], { at: number | null }>;
  private readonly setInFlight: Statement<[number, number, string]>;
  private readonly insertAttemptRow: Statement<unknown[]>;
  private readonly countAttempts: Statement<[string], { n: number }>;
  private readonly finishTry: Statement<[DeliveryStatus, number | null, number, string]>;
  private readonly selectInterrupted: Statement<[], { id: string; in_flight_since: number }>;
  private readonly selectAttempts: Statement<[string], AttemptRow>;
  private readonly countPending: Statement<[], { n: number }>;
  private readonly selectOldestPending: Statement<[number], { id: string }>;
  private readonly pruneAlerts: Statement<[number]>;

  constructor(private readonly db: Database) {
    this.insertAlertRow = db.prepare(
      'INSERT INTO alerts (id, rule_id, rule_name, group_key, kind, project_id, deployment_id, title, body, count, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertDeliveryRow = db.prepare(
      `INSERT INTO alert_deliveries (id, alert_id, channel_id, channel_name, channel_kind, status, next_attempt_at, in_flight_since, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, NULL, ?, ?)`,
    );
    this.selectAlert = db.prepare('SELECT * FROM alerts WHERE id = ?');
    this.selectDelivery = db.prepare('SELECT * FROM alert_deliveries WHERE id = ?');
    this.selectDue = db.prepare(
      "SELECT * FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND in_flight_since IS NULL ORDER BY next_attempt_at LIMIT ?",
    );
    this.selectNextDue = db.prepare("SELECT MIN(next_attempt_at) AS at FROM alert_deliveries WHERE status = 'pending' AND in_flight_since IS NULL");
    this.setInFlight = db.prepare('UPDATE alert_deliveries SET in_flight_since = ?, updated_at = ? WHERE id = ?');
    this.insertAttemptRow = db.prepare(
      'INSERT INTO alert_delivery_attempts (delivery_id, attempt_no, at, outcome, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.countAttempts = db.prepare('SELECT COUNT(*) AS n FROM alert_delivery_attempts WHERE delivery_id = ?');
    this.finishTry = db.prepare('UPDATE alert_deliveries SET status = ?, next_attempt_at = ?, in_flight_since = NULL, updated_at = ? WHERE id = ?');
    this.selectInterrupted = db.prepare('SELECT id, in_flight_since FROM alert_deliveries WHERE in_flight_since IS NOT NULL');
    this.selectAttempts = db.prepare('SELECT * FROM alert_delivery_attempts WHERE delivery_id = ? ORDER BY attempt_no');
    this.countPending = db.prepare("SELECT COUNT(*) AS n FROM alert_deliveries WHERE status = 'pending'");
    this.selectOldestPending = db.prepare("SELECT id FROM alert_deliveries WHERE status = 'pending' AND in_flight_since IS NULL ORDER BY created_at LIMIT ?");
    this.pruneAlerts = db.prepare('DELETE FROM alerts WHERE at < ?');
  }

  /** Records an alert and one pending delivery per channel, in one transaction; returns the deliveries' ids. */
  insert(alert: NewAlert, channels: readonly { id: string; name: string; kind: ChannelKind }[], now = alert.at): { alert: AlertRecord; deliveryIds: string[] } {
    const record: AlertRecord = { ...alert, id: newId('alr') };
    const deliveryIds: string[] = [];
    this.db.transaction(() => {
      this.insertAlertRow.run(record.id, record.ruleId, record.ruleName, record.groupKey, record.kind, record.projectId, record.deploymentId, record.title, record.body, record.count, record.at);
      for (const channel of channels) {
        const id = newId('dlv');
        this.insertDeliveryRow.run(id, record.id, channel.id, channel.name, channel.kind, now, now, now);
        deliveryIds.push(id);
      }
    })();
    return { alert: record, deliveryIds };
  }

  delivery(id: string): DeliveryRecord | undefined {
    const row = this.selectDelivery.get(id);
    return row ? this.deliveryFromRow(row) : undefined;
  }

  /** Pending deliveries due by `now` with no try under way, oldest first. */
  due(now: number, limit: number): DeliveryRecord[] {
    return this.selectDue.all(now, limit).map((row) => this.deliveryFromRow(row));
  }

  /** When the next pending delivery is due (null: none). */
  nextDueAt(): number | null {
    return this.selectNextDue.get()?.at ?? null;
  }

  /** A try starts: if the engine stops before it is recorded, the next start records it as interrupted. */
  startTry(id: string, now = Date.now()): void {
    this.setInFlight.run(now, now, id);
  }

  /** Records a try and what follows it (delivered, failed for good, or due again at `nextAttemptAt`). */
  finishAttempt(id: string, attempt: NewAttempt, status: DeliveryStatus, nextAttemptAt: number | null, now = Date.now()): void {
    this.db.transaction(() => {
      this.insertAttemptRow.run(id, this.countAttempts.get(id)!.n + 1, attempt.at, attempt.outcome, attempt.statusCode, attempt.error, attempt.durationMs);
      this.finishTry.run(status, status === 'pending' ? nextAttemptAt : null, now, id);
    })();
  }

  /** Tries the engine stopped during: each is recorded as interrupted and due again now (same delivery id). */
  recoverInterrupted(now = Date.now()): number {
    const interrupted = this.selectInterrupted.all();
    for (const { id, in_flight_since } of interrupted) {
      this.finishAttempt(
        id,
        { at: in_flight_since, outcome: 'interrupted', statusCode: null, error: 'Berth stopped before this try was answered; it is tried again with the same delivery id.', durationMs: 0 },
        'pending',
        now,
        now,
      );
    }
    return interrupted.length;
  }

  attemptCount(id: string): number {
    return this.countAttempts.get(id)!.n;
  }

  pendingCount(): number {
    return this.countPending.get()!.n;
  }

  /** The oldest waiting deliveries (to drop when too many wait). */
  oldestPending(limit: number): string[] {
    return this.selectOldestPending.all(limit).map((row) => row.id);
  }

  /** Newest first, with every try. */
  history(query: HistoryQuery): Delivery[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.channelId) {
      where.push('d.channel_id = ?');
      params.push(query.channelId);
    }
    if (query.projectId) {
      where.push('a.project_id = ?');
      params.push(query.projectId);
    }
    const rows = this.db
      .prepare(`SELECT d.* FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.created_at DESC, d.id DESC LIMIT ?`)
      .all(...params, query.limit) as DeliveryRow[];
    return rows.map((row) => this.deliveryView(row));
  }

  view(id: string): Delivery | undefined {
    const row = this.selectDelivery.get(id);
    return row ? this.deliveryView(row) : undefined;
  }

  /** Deletes alerts (and their deliveries and tries) older than `before`. */
  prune(before: number): number {
    return this.pruneAlerts.run(before).changes;
  }

  private deliveryFromRow(row: DeliveryRow): DeliveryRecord {
    return {
      id: row.id,
      alert: alertFromRow(this.selectAlert.get(row.alert_id)!),
      channelId: row.channel_id,
      channelName: row.channel_name,
      channelKind: row.channel_kind,
      status: row.status,
      nextAttemptAt: row.next_attempt_at,
      attempts: this.countAttempts.get(row.id)!.n,
    };
  }

  private deliveryView(row: DeliveryRow): Delivery {
    const alert = alertFromRow(this.selectAlert.get(row.alert_id)!);
    return {
      id: row.id,
      alertId: alert.id,
      at: toIso(row.created_at),
      kind: alert.kind,
      title: alert.title,
      body: alert.body,
      projectId: alert.projectId,
      deploymentId: alert.deploymentId,
      rule: alert.ruleId && alert.ruleName !== null ? { id: alert.ruleId, name: alert.ruleName } : null,
      channel: { id: row.channel_id, name: row.channel_name, kind: row.channel_kind },
      status: row.status,
      nextAttemptAt: row.status === 'pending' && row.next_attempt_at !== null ? toIso(row.next_attempt_at) : null,
      attempts: this.selectAttempts.all(row.id).map(attemptFromRow),
    };
  }
}
