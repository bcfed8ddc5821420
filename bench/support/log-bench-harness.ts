// The page-side log viewer harness (renderer/src/logs/bench-harness.ts), bundled for the render and heap benches.
import { bundlePageScript } from './page-script';

/** Bundles the page-side harness (renderer/src/logs/bench-harness.ts) into one script and its CSS. */
export function buildHarness(): Promise<{ script: string; css: string }> {
  return bundlePageScript('renderer/src/logs/bench-harness.ts', 'berthLogBenchBundle');
}
