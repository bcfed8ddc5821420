import { effectiveHealthCheck, effectivePort } from '../../shared/effective-settings';
import type { ScanRecord } from '../../shared/scan';
import { healthCheckSummary, isZeroConfigShape, runtimeLabel, scanSummary } from '../../shared/scan-summary';

const none = '-';

/** What `berth scan` prints: what Berth would build and run, then every decision with its evidence, then any refusal. */
export function describeScan(scan: ScanRecord): string {
  const rows: [string, string][] = [
    ['Shape', scanSummary(scan)],
    ['Runtime', scan.runtime ? `${runtimeLabel(scan.runtime)} (${scan.runtime.packageManager})` : none],
    ['Install', scan.installCommand ?? none],
    ['Build', scan.buildCommand ?? none],
    ['Start', scan.startCommand ?? none],
  ];
  if (scan.shape === 'static_build' || scan.outputDir !== null) rows.push(['Output dir', scan.outputDir ?? none]);
  // Without a shape there is nothing to run, so a port or a health check would describe nothing.
  if (scan.shape !== null) {
    // What a project made from this folder runs with when its settings name neither (the rule the targets use).
    rows.push(['Port', `${effectivePort({}, scan).value} (passed to the app as PORT)`]);
    rows.push(['Health', healthCheckSummary(effectiveHealthCheck({}, scan).value)]);
  }
  if (scan.dockerfile) rows.push(['Dockerfile', scan.dockerfile]);
  if (scan.composeFile) rows.push(['Compose file', scan.composeFile]);
  if (scan.image) rows.push(['Image', scan.image]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = [scan.sourceDir, ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`)];

  if (scan.decisions.length > 0) {
    const topicWidth = Math.max(...scan.decisions.map((decision) => decision.topic.length)) + 2;
    lines.push('', 'Why:');
    for (const decision of scan.decisions) {
      const source = decision.source === 'detected' ? '' : ` (${decision.source})`;
      lines.push(`  ${decision.topic.padEnd(topicWidth)}${decision.evidence}${source}`);
    }
  }
  if (scan.skippedDirectories.length > 0) {
    const shown = scan.skippedDirectories.slice(0, 5).map((skipped) => skipped.path);
    const more = scan.skippedDirectories.length - shown.length;
    lines.push('', `Not read: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  if (scan.refusal) {
    lines.push('', `Berth cannot deploy this folder as it is (${scan.refusal.code}).`, scan.refusal.message);
  } else if (isZeroConfigShape(scan)) {
    lines.push('', 'Berth generates the Dockerfile for this build and prints it in the build log; nothing is written here.');
    lines.push('To keep it as the project\'s own Dockerfile, add the project and run `berth eject <project>`.');
  }
  return lines.join('\n');
}
