// One line that says how Berth builds a project, from its scan record: "server · Python 3.11 · gunicorn app:app".
// The info grid, the project form and `berth scan` all print it, so they never describe the same scan two ways.
import type { ScanRecord, ScanRuntime } from './scan';
import type { HealthCheck } from './schemas';
import { assertNever, type DeployShape } from './vocabulary';

const RUNTIME_NAMES: Readonly<Record<ScanRuntime['name'], string>> = { node: 'Node', python: 'Python', go: 'Go' };

/** `Node 20`, `Node LTS`, `Python 3.11`, `Go 1.22`. */
export function runtimeLabel(runtime: ScanRuntime): string {
  return `${RUNTIME_NAMES[runtime.name]} ${runtime.version === 'lts' ? 'LTS' : runtime.version}`;
}

/** The scan in one line: its shape, then the runtime and what runs (or what is served, or where it comes from). */
export function scanSummary(scan: ScanRecord): string {
  if (scan.shape === null) return 'not deployable as it is';
  const parts: string[] = [scan.shape];
  if (scan.runtime) parts.push(runtimeLabel(scan.runtime));
  switch (scan.shape) {
    case 'server':
      if (scan.startCommand) parts.push(scan.startCommand);
      break;
    case 'static_build':
      if (scan.buildCommand) parts.push(scan.outputDir ? `${scan.buildCommand} → ${scan.outputDir}/` : scan.buildCommand);
      break;
    case 'static':
      parts.push('files served as they are');
      break;
    case 'existing_docker':
      parts.push(`builds from ${scan.dockerfile ?? 'its Dockerfile'}`);
      break;
    case 'prebuilt_image':
      if (scan.image) parts.push(scan.image);
      break;
    case 'multi':
      parts.push(`${scan.composeFile ?? 'a compose file'} (Compose stack)`);
      break;
  }
  return parts.join(' · ');
}

/** Shapes whose image Berth builds from a Dockerfile it generates: the build step's, the preview's and eject's. */
export const GENERATED_SHAPES: ReadonlySet<DeployShape> = new Set(['server', 'static', 'static_build']);

/** A scan Berth would build with a Dockerfile of its own: the one "Save as Dockerfile" and `berth eject` write out. */
export function isZeroConfigShape(scan: ScanRecord): boolean {
  return scan.refusal === null && scan.shape !== null && GENERATED_SHAPES.has(scan.shape);
}

/** What a health check probes, in one line: "GET /health, 2xx–3xx", or "answers HTTP on / (no health route)". */
export function healthCheckSummary(check: HealthCheck): string {
  switch (check.rule) {
    case 'status_2xx_3xx':
      return `GET ${check.path}, 2xx–3xx`;
    case 'any_below_500':
      return `answers HTTP on ${check.path} (no health route)`;
    default:
      return assertNever(check.rule);
  }
}
