import type { Migration } from './migration';

/**
 * Alerts (docs/architecture.md, "Alerts"):
 * - `alert_channels`: where alerts go. A URL or signing secret is kept sealed by the OS keychain
 *   (`*_sealed`) or as the name of an environment variable (`*_env`), never in the clear; `*_hint` is safe to show.
 * - `alert_rules` and `alert_rule_channels`: what fires and where it goes. Deleting a channel takes it
 *   out of every rule; deleting a project deletes its rules.
 * - `alert_group_state`: each rule's counting per group (crash loops, cooldowns, windows), so a restart
 *   neither forgets an open incident nor announces it again.
 * - `alerts`, `alert_deliveries`, `alert_delivery_attempts`: what fired, each channel's delivery (the
 *   outbox: a pending row is sent, retried and survives a restart) and every try. They keep the rule's
 *   and the channel's names, so the history outlives both.
 * The built-in desktop channel and rule reproduce the notifications Berth showed before rules existed.
 */
export const migration006Alerts: Migration = {
  version: 6,
  name: 'alerts',
  up(db) {
    db.exec(`
      CREATE TABLE alert_channels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('desktop', 'webhook', 'slack', 'discord', 'ntfy')),
        url_sealed BLOB,
        url_env TEXT,
        url_hint TEXT,
        secret_sealed BLOB,
        secret_env TEXT,
        secret_hint TEXT,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE alert_rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
        enabled INTEGER NOT NULL,
        trigger_json TEXT NOT NULL,
        cooldown_ms INTEGER NOT NULL,
        group_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE alert_rule_channels (
        rule_id TEXT NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
        channel_id TEXT NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (rule_id, channel_id)
      ) WITHOUT ROWID;
      CREATE INDEX alert_rule_channels_by_channel ON alert_rule_channels (channel_id);

      CREATE TABLE alert_group_state (
        rule_id TEXT NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
        group_key TEXT NOT NULL,
        state_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (rule_id, group_key)
      ) WITHOUT ROWID;

      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        rule_id TEXT,
        rule_name TEXT,
        group_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        project_id TEXT,
        deployment_id TEXT,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        count INTEGER NOT NULL,
        at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX alerts_by_time ON alerts (at);

      CREATE TABLE alert_deliveries (
        id TEXT PRIMARY KEY,
        alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        channel_id TEXT NOT NULL,
        channel_name TEXT NOT NULL,
        channel_kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        next_attempt_at INTEGER,
        in_flight_since INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX alert_deliveries_by_time ON alert_deliveries (created_at);
      CREATE INDEX alert_deliveries_by_alert ON alert_deliveries (alert_id);

      CREATE TABLE alert_delivery_attempts (
        delivery_id TEXT NOT NULL REFERENCES alert_deliveries(id) ON DELETE CASCADE,
        attempt_no INTEGER NOT NULL,
        at INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        status_code INTEGER,
        error TEXT,
        duration_ms INTEGER NOT NULL,
        PRIMARY KEY (delivery_id, attempt_no)
      ) WITHOUT ROWID;
    `);
    const now = Date.now();
    db.prepare("INSERT INTO alert_channels (id, name, kind, created_at) VALUES ('chn_desktop', 'Desktop notifications', 'desktop', ?)").run(now);
    const trigger = {
      type: 'events',
      events: ['crash', 'oom', 'crash_loop', 'unhealthy', 'recovered', 'deploy_failed', 'deploy_succeeded', 'rollback'],
      // Two crashes within ten minutes were one crash-loop notification before rules existed.
      crashLoop: { crashes: 2, windowMs: 600_000 },
    };
    db.prepare(
      "INSERT INTO alert_rules (id, name, project_id, enabled, trigger_json, cooldown_ms, group_by, created_at, updated_at) VALUES ('rul_desktop', 'Desktop notifications', NULL, 1, ?, 600000, 'deployment', ?, ?)",
    ).run(JSON.stringify(trigger), now, now);
    db.prepare("INSERT INTO alert_rule_channels (rule_id, channel_id, position) VALUES ('rul_desktop', 'chn_desktop', 0)").run();
  },
};
