// The port and the health check a release runs with: what the project's settings say wins, then what the
// scan found, then what the shape implies (docs/product-rules.md, "Monitoring"). One place, so the targets,
// the monitors and the UI agree.
import type { ScanRecord } from './scan';
import type { EnvVar, HealthCheck, ProjectSettings } from './schemas';
import type { DeployShape } from './vocabulary';

/** The container port when neither the settings nor the scan name one. */
export const DEFAULT_CONTAINER_PORT = 8080;

/** A project built from its own Dockerfile, or an image, without a health route of its own: as before scans. */
export const DEFAULT_HEALTH_PATH = '/health';

/** Shapes whose image Berth generates: without a known health route, "the app answers HTTP" is what can be checked. */
const ANSWERS_HTTP_SHAPES: ReadonlySet<DeployShape> = new Set(['server', 'static', 'static_build', 'multi']);

export type EffectiveSource = 'settings' | 'scan' | 'default';

export interface Effective<T> {
  readonly value: T;
  readonly source: EffectiveSource;
}

/** `scan` is null for a run made before scans (or none yet): the settings, else the defaults. */
export function effectivePort(settings: Pick<ProjectSettings, 'port'>, scan: Pick<ScanRecord, 'port'> | null): Effective<number> {
  if (settings.port !== undefined) return { value: settings.port, source: 'settings' };
  if (scan !== null) return { value: scan.port, source: 'scan' };
  return { value: DEFAULT_CONTAINER_PORT, source: 'default' };
}

export function effectiveHealthCheck(settings: Pick<ProjectSettings, 'healthPath' | 'healthRule'>, scan: Pick<ScanRecord, 'healthPath' | 'shape'> | null): Effective<HealthCheck> {
  if (settings.healthPath !== undefined) return { value: { path: settings.healthPath, rule: settings.healthRule ?? 'status_2xx_3xx' }, source: 'settings' };
  if (scan?.healthPath) return { value: { path: scan.healthPath, rule: 'status_2xx_3xx' }, source: 'scan' };
  if (scan?.shape && ANSWERS_HTTP_SHAPES.has(scan.shape)) return { value: { path: '/', rule: 'any_below_500' }, source: 'default' };
  return { value: { path: DEFAULT_HEALTH_PATH, rule: 'status_2xx_3xx' }, source: 'default' };
}

/** For people: `GET /healthz answers 2xx or 3xx`, `GET / answers below 500 (the app answers HTTP)`. */
export function describeHealthCheck(check: HealthCheck): string {
  return check.rule === 'status_2xx_3xx' ? `GET ${check.path} answers 2xx or 3xx` : `GET ${check.path} answers below 500 (the app answers HTTP)`;
}

/**
 * The app's environment: the project's variables plus `PORT` = the container port, as Heroku and Cloud
 * Run pass it, so an app that reads PORT listens where Berth sends traffic. A `PORT` the project sets wins.
 */
export function withPortVariable(env: readonly EnvVar[], port: number): EnvVar[] {
  if (env.some((variable) => variable.name === 'PORT')) return [...env];
  return [...env, { name: 'PORT', value: String(port), secret: false }];
}
