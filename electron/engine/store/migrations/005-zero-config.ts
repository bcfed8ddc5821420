import type { Migration } from './migration';

/**
 * Zero-config deploys (issue 12):
 * - `runs.scan_json`: the scan record a run deployed from (its shape, every decision with its evidence, the
 *   build verification); NULL for runs made before scans and until the scan has run.
 * - `deployments.health_check_path` / `health_check_rule`: what verify put live and the monitors probe, set
 *   when a release goes live (a project may leave its port and health path to the scan, so the settings
 *   alone no longer say it). NULL until then; monitors fall back to the settings as before.
 * Projects keep their stored settings: the port and health path that earlier versions stored as defaults
 * stay, so a project deployed before behaves as before.
 */
export const migration005ZeroConfig: Migration = {
  version: 5,
  name: 'zero-config',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN scan_json TEXT;
      ALTER TABLE deployments ADD COLUMN health_check_path TEXT;
      ALTER TABLE deployments ADD COLUMN health_check_rule TEXT CHECK (health_check_rule IN ('status_2xx_3xx', 'any_below_500'));
    `);
  },
};
