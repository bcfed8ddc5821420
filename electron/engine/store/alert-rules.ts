import type { Database, Statement } from 'better-sqlite3';
import { ruleTriggerSchema, type AlertGroupBy, type Rule, type RuleTrigger } from '../../../shared';
import { newId } from './ids';
import { toIso } from './time';

export interface RuleRecord {
  readonly id: string;
  readonly name: string;
  readonly projectId: string | null;
  readonly enabled: boolean;
  readonly trigger: RuleTrigger;
  readonly cooldownMs: number;
  readonly groupBy: AlertGroupBy;
  readonly channelIds: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewRule = Omit<RuleRecord, 'id' | 'createdAt' | 'updatedAt'>;
export type RuleChanges = Partial<NewRule>;

interface RuleRow {
  id: string;
  name: string;
  project_id: string | null;
  enabled: number;
  trigger_json: string;
  cooldown_ms: number;
  group_by: AlertGroupBy;
  created_at: number;
  updated_at: number;
}

export function toRuleView(rule: RuleRecord): Rule {
  return { ...rule, channelIds: [...rule.channelIds], createdAt: toIso(rule.createdAt), updatedAt: toIso(rule.updatedAt) };
}

/** Alert rules and the channels each sends to (migration 006). */
export class AlertRuleRepository {
  private readonly insertOne: Statement<unknown[]>;
  private readonly updateOne: Statement<unknown[]>;
  private readonly selectOne: Statement<[string], RuleRow>;
  private readonly selectAll: Statement<[], RuleRow>;
  private readonly selectChannels: Statement<[string], { channel_id: string }>;
  private readonly selectAllChannels: Statement<[], { rule_id: string; channel_id: string }>;
  private readonly clearChannels: Statement<[string]>;
  private readonly addChannel: Statement<[string, string, number]>;
  private readonly deleteOne: Statement<[string]>;

  constructor(private readonly db: Database) {
    this.insertOne = db.prepare(
      'INSERT INTO alert_rules (id, name, project_id, enabled, trigger_json, cooldown_ms, group_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateOne = db.prepare('UPDATE alert_rules SET name = ?, project_id = ?, enabled = ?, trigger_json = ?, cooldown_ms = ?, group_by = ?, updated_at = ? WHERE id = ?');
    this.selectOne = db.prepare('SELECT * FROM alert_rules WHERE id = ?');
    this.selectAll = db.prepare('SELECT * FROM alert_rules ORDER BY created_at, id');
    this.selectChannels = db.prepare('SELECT channel_id FROM alert_rule_channels WHERE rule_id = ? ORDER BY position');
    this.selectAllChannels = db.prepare('SELECT rule_id, channel_id FROM alert_rule_channels ORDER BY rule_id, position');
    this.clearChannels = db.prepare('DELETE FROM alert_rule_channels WHERE rule_id = ?');
    this.addChannel = db.prepare('INSERT OR IGNORE INTO alert_rule_channels (rule_id, channel_id, position) VALUES (?, ?, ?)');
    this.deleteOne = db.prepare('DELETE FROM alert_rules WHERE id = ?');
  }

  create(rule: NewRule, now = Date.now()): RuleRecord {
    const id = newId('rul');
    this.db.transaction(() => {
      this.insertOne.run(id, rule.name, rule.projectId, rule.enabled ? 1 : 0, JSON.stringify(rule.trigger), rule.cooldownMs, rule.groupBy, now, now);
      this.setChannels(id, rule.channelIds);
    })();
    return this.get(id)!;
  }

  update(id: string, changes: RuleChanges, now = Date.now()): RuleRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next = { ...current, ...changes };
    this.db.transaction(() => {
      this.updateOne.run(next.name, next.projectId, next.enabled ? 1 : 0, JSON.stringify(next.trigger), next.cooldownMs, next.groupBy, now, id);
      if (changes.channelIds) this.setChannels(id, changes.channelIds);
    })();
    return this.get(id);
  }

  get(id: string): RuleRecord | undefined {
    const row = this.selectOne.get(id);
    return row ? this.fromRow(row, this.selectChannels.all(id).map((channel) => channel.channel_id)) : undefined;
  }

  list(): RuleRecord[] {
    const channels = new Map<string, string[]>();
    for (const { rule_id, channel_id } of this.selectAllChannels.all()) {
      let list = channels.get(rule_id);
      if (!list) channels.set(rule_id, (list = []));
      list.push(channel_id);
    }
    return this.selectAll.all().map((row) => this.fromRow(row, channels.get(row.id) ?? []));
  }

  delete(id: string): boolean {
    return this.deleteOne.run(id).changes > 0;
  }

  private setChannels(ruleId: string, channelIds: readonly string[]): void {
    this.clearChannels.run(ruleId);
    channelIds.forEach((channelId, position) => this.addChannel.run(ruleId, channelId, position));
  }

  private fromRow(row: RuleRow, channelIds: string[]): RuleRecord {
    return {
      id: row.id,
      name: row.name,
      projectId: row.project_id,
      enabled: row.enabled === 1,
      // Parsed with the lenient schema: a trigger field a later version drops cannot break a read.
      trigger: ruleTriggerSchema.parse(JSON.parse(row.trigger_json)),
      cooldownMs: row.cooldown_ms,
      groupBy: row.group_by,
      channelIds,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
