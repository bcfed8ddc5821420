import type { Database, Statement } from 'better-sqlite3';

/**
 * Each rule's counting per group (migration 006), as the rule decision keeps it (JSON). Written on every
 * change, so a restart resumes open incidents and cooldowns instead of announcing them again.
 */
export class AlertStateRepository {
  private readonly selectOne: Statement<[string, string], { state_json: string }>;
  private readonly upsert: Statement<[string, string, string, number]>;
  private readonly deleteForRule: Statement<[string]>;
  private readonly selectForRule: Statement<[string], { group_key: string; state_json: string }>;

  constructor(db: Database) {
    this.selectOne = db.prepare('SELECT state_json FROM alert_group_state WHERE rule_id = ? AND group_key = ?');
    this.upsert = db.prepare(
      `INSERT INTO alert_group_state (rule_id, group_key, state_json, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(rule_id, group_key) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at`,
    );
    this.deleteForRule = db.prepare('DELETE FROM alert_group_state WHERE rule_id = ?');
    this.selectForRule = db.prepare('SELECT group_key, state_json FROM alert_group_state WHERE rule_id = ?');
  }

  get(ruleId: string, groupKey: string): string | undefined {
    return this.selectOne.get(ruleId, groupKey)?.state_json;
  }

  set(ruleId: string, groupKey: string, stateJson: string, now = Date.now()): void {
    this.upsert.run(ruleId, groupKey, stateJson, now);
  }

  /** Every group of a rule (the periodic check closes crash loops that went quiet). */
  forRule(ruleId: string): { groupKey: string; stateJson: string }[] {
    return this.selectForRule.all(ruleId).map((row) => ({ groupKey: row.group_key, stateJson: row.state_json }));
  }

  /** A rule's trigger changed: its counting starts over. */
  clear(ruleId: string): void {
    this.deleteForRule.run(ruleId);
  }
}
