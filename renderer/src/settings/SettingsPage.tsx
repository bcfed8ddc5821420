import { DiskPanel } from './DiskPanel';

/** Engine-wide settings (docs/product-rules.md, "Log budget" and "Disk usage"). Per-project settings live on each project. */
export function SettingsPage() {
  return (
    <section className="page" aria-labelledby="settings-heading">
      <div className="page-heading">
        <h2 id="settings-heading">Settings</h2>
      </div>
      <DiskPanel />
    </section>
  );
}
