import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { AlertChannelRepository } from '../../../electron/engine/store/alert-channels';
import { AlertHistoryRepository } from '../../../electron/engine/store/alert-history';
import { AlertRuleRepository } from '../../../electron/engine/store/alert-rules';
import { AlertStateRepository } from '../../../electron/engine/store/alert-state';

function planOf(db: BetterSqlite3.Database, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
}

function insertProject(db: BetterSqlite3.Database, id: string): void {
  db.prepare("INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at) VALUES (?, ?, ?, '/srv', 'docker', '{}', 0, 0)").run(id, id, id);
}

function migrated(): BetterSqlite3.Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS, 6);
  return db;
}

describe('migration 006 (alerts)', () => {
  it('migrates a version-5 database with projects, keeping them, and adds the built-in desktop channel and rule (Berth’s notifications before rules)', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 5);
    insertProject(db, 'prj_old');
    migrate(db, MIGRATIONS, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT id FROM projects').all()).toEqual([{ id: 'prj_old' }]);
    expect(new AlertChannelRepository(db).list().map((channel) => [channel.id, channel.kind, channel.url])).toEqual([['chn_desktop', 'desktop', null]]);
    const [rule] = new AlertRuleRepository(db).list();
    expect(rule).toMatchObject({
      id: 'rul_desktop',
      projectId: null,
      enabled: true,
      cooldownMs: 600_000,
      groupBy: 'deployment',
      channelIds: ['chn_desktop'],
      trigger: { type: 'events', events: ['crash', 'oom', 'crash_loop', 'unhealthy', 'recovered', 'deploy_failed', 'deploy_succeeded', 'rollback'], crashLoop: { crashes: 2, windowMs: 600_000 } },
    });
  });

  it('keeps secrets only sealed or as env names; deleting a channel takes it out of rules, deleting a project deletes its rules and their state', () => {
    const db = migrated();
    insertProject(db, 'prj_a');
    const channels = new AlertChannelRepository(db);
    const rules = new AlertRuleRepository(db);
    const state = new AlertStateRepository(db);
    const sealed = Buffer.from([0, 1, 2, 255]);
    const hook = channels.create({ name: 'hook', kind: 'webhook', url: { sealed, env: null, hint: 'example.test …abcd' }, signingSecret: { sealed: null, env: 'HOOK_SECRET', hint: '$HOOK_SECRET' } });
    expect(channels.get(hook.id)).toMatchObject({ url: { sealed, env: null, hint: 'example.test …abcd' }, signingSecret: { sealed: null, env: 'HOOK_SECRET' } });
    const rule = rules.create({ name: 'r', projectId: 'prj_a', enabled: true, trigger: { type: 'metric', metric: 'cpu', above: 90, forMs: 0 }, cooldownMs: 0, groupBy: 'deployment', channelIds: [hook.id, 'chn_desktop'] });
    state.set(rule.id, 'deployment:dep_1', '{}');
    expect(rules.get(rule.id)!.channelIds).toEqual([hook.id, 'chn_desktop']);
    channels.delete(hook.id);
    expect(rules.get(rule.id)!.channelIds).toEqual(['chn_desktop']);
    db.prepare("DELETE FROM projects WHERE id = 'prj_a'").run();
    expect(rules.get(rule.id)).toBeUndefined();
    expect(state.get(rule.id, 'deployment:dep_1')).toBeUndefined();
    expect(() => rules.create({ name: 'x', projectId: 'prj_missing', enabled: true, trigger: { type: 'metric', metric: 'cpu', above: 1, forMs: 0 }, cooldownMs: 0, groupBy: 'rule', channelIds: [] })).toThrow(/FOREIGN KEY/);
  });

  it('keeps the history after its rule and channel are gone, with their names', () => {
    const db = migrated();
    const channels = new AlertChannelRepository(db);
    const history = new AlertHistoryRepository(db);
    const channel = channels.create({ name: 'ntfy', kind: 'ntfy', url: { sealed: null, env: 'NTFY', hint: '$NTFY' }, signingSecret: null });
    const { deliveryIds } = history.insert({ ruleId: 'rul_gone', ruleName: 'Gone rule', groupKey: 'rule', kind: 'crash', projectId: null, deploymentId: null, title: 't', body: 'b', count: 1, at: 1000 }, [channel]);
    history.finishAttempt(deliveryIds[0]!, { at: 1001, outcome: 'http_error', statusCode: 500, error: 'HTTP 500', durationMs: 5 }, 'pending', 3000, 1001);
    channels.delete(channel.id);
    expect(history.history({ limit: 10 })).toEqual([
      expect.objectContaining({ rule: { id: 'rul_gone', name: 'Gone rule' }, channel: { id: channel.id, name: 'ntfy', kind: 'ntfy' }, status: 'pending', nextAttemptAt: new Date(3000).toISOString(), attempts: [expect.objectContaining({ outcome: 'http_error', statusCode: 500 })] }),
    ]);
    expect(history.prune(1001)).toBe(1);
    expect(history.history({ limit: 10 })).toEqual([]);
  });

  it('finds due deliveries and the next due time by the partial index, and history pages by time', () => {
    const db = migrated();
    expect(planOf(db, "SELECT * FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND in_flight_since IS NULL ORDER BY next_attempt_at LIMIT 10", 0)).toMatch(/alert_deliveries_due/);
    expect(planOf(db, "SELECT MIN(next_attempt_at) AS at FROM alert_deliveries WHERE status = 'pending' AND in_flight_since IS NULL")).toMatch(/alert_deliveries_due/);
    expect(planOf(db, 'SELECT d.* FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id ORDER BY d.created_at DESC, d.id DESC LIMIT 10')).toMatch(/alert_deliveries_by_time/);
    expect(planOf(db, 'SELECT * FROM alert_delivery_attempts WHERE delivery_id = ? ORDER BY attempt_no', 'd')).toMatch(/USING PRIMARY KEY \(delivery_id=\?\)/);
    expect(planOf(db, 'DELETE FROM alerts WHERE at < ?', 0)).toMatch(/alerts_by_time/);
  });
});
