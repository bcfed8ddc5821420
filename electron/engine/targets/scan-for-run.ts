// The scan a run deploys from, for both targets (Docker's detect step, the start of ECS's build): read the
// folder, write every decision with its evidence to the step's log, store the record with the run, and
// refuse a folder Berth cannot deploy with the refusal's own words (what was found, the one thing to add).
import { describeHealthCheck, effectiveHealthCheck, effectivePort, type ScanDecision, type ScanRecord } from '../../../shared';
import { scanOverridesFor } from '../scan/project-overrides';
import { scanProject } from '../scan/scan-project';
import { StepFailure } from '../step-failure';
import type { StepContext } from './target';

const SOURCE_WORDS = { settings: 'the project setting', scan: 'the scan', default: "Berth's default" } as const;

/** `start = npm start: \`package.json\` scripts.start = …` (a value of none is left out). */
export function decisionLine(decision: ScanDecision): string {
  const value = decision.value === null ? '' : ` = ${decision.value}`;
  return `  ${decision.topic}${value}: ${decision.evidence}`;
}

/** One line for the whole scan: `shape: server · node 20 · npm · start: npm start`. */
export function shapeLine(scan: ScanRecord): string {
  switch (scan.shape) {
    case 'prebuilt_image':
      return `shape: prebuilt_image (settings.image = ${scan.image ?? ''})`;
    case 'existing_docker':
      return `shape: existing_docker (${scan.sourceDir}/${scan.dockerfile ?? 'Dockerfile'})`;
    case null:
      return 'shape: none';
    default: {
      const parts = [`shape: ${scan.shape}`];
      if (scan.runtime) parts.push(`${scan.runtime.name} ${scan.runtime.version}`, scan.runtime.packageManager);
      if (scan.buildCommand) parts.push(`build: ${scan.buildCommand}`);
      if (scan.startCommand) parts.push(`start: ${scan.startCommand}`);
      if (scan.outputDir && scan.shape === 'static_build') parts.push(`serves ${scan.outputDir}/`);
      return parts.join(' · ');
    }
  }
}

export async function scanForRun(context: StepContext): Promise<ScanRecord> {
  const { project } = context;
  context.stdout(`scanning ${project.sourceDir}`);
  const scan = await scanProject(project.sourceDir, scanOverridesFor(project.settings));
  for (const decision of scan.decisions) context.stdout(decisionLine(decision));
  context.recordScan(scan);
  if (scan.refusal !== null) {
    const line = context.stderr(`error: ${scan.refusal.message}`);
    throw new StepFailure('PROJECT_SHAPE_UNSUPPORTED', scan.refusal.message, { evidenceLineNo: line });
  }
  context.stdout(shapeLine(scan));
  // A stack's ports and health route come from its compose file (targets/compose/stack-steps.ts).
  if (scan.shape === 'multi') return scan;
  const port = effectivePort(project.settings, scan);
  const health = effectiveHealthCheck(project.settings, scan);
  context.stdout(`container port ${port.value} (${SOURCE_WORDS[port.source]}); health check: ${describeHealthCheck(health.value)} (${SOURCE_WORDS[health.source]})`);
  return scan;
}
