// The images a generated Dockerfile starts FROM. A project's own setting wins, then the engine's
// BERTH_BASE_IMAGE_* environment, then the official image for the runtime version the scan found.
import type { BaseImageRole, ScanOverrides, ScanRecord } from '../../../shared/scan';
import { code } from './scan-decision';

export const BASE_IMAGE_ENV: Readonly<Record<BaseImageRole, string>> = {
  node: 'BERTH_BASE_IMAGE_NODE',
  python: 'BERTH_BASE_IMAGE_PYTHON',
  go: 'BERTH_BASE_IMAGE_GO',
  goRuntime: 'BERTH_BASE_IMAGE_GO_RUNTIME',
  static: 'BERTH_BASE_IMAGE_STATIC',
};

/** Images that do not follow the runtime version: Go's small runtime stage and the static file server. */
export const DEFAULT_GO_RUNTIME_IMAGE = 'alpine:3';
export const DEFAULT_STATIC_IMAGE = 'busybox:1.37';

export interface BaseImageChoice {
  readonly role: BaseImageRole;
  readonly image: string;
  readonly source: 'override' | 'env' | 'default';
  readonly evidence: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Which images a scan's Dockerfile uses, in the order its stages do. */
export function baseImageRoles(scan: ScanRecord): BaseImageRole[] {
  switch (scan.shape) {
    case 'static':
      return ['static'];
    case 'static_build':
      return ['node', 'static'];
    case 'server':
      if (scan.runtime === null) return [];
      return scan.runtime.name === 'go' ? ['go', 'goRuntime'] : [scan.runtime.name];
    default:
      return [];
  }
}

function officialImage(role: BaseImageRole, scan: ScanRecord): { image: string; why: string } {
  const version = scan.runtime?.version;
  switch (role) {
    case 'node':
      return { image: `node:${version ?? 'lts'}-slim`, why: `Node ${version ?? 'lts'}` };
    case 'python':
      return { image: `python:${version ?? '3'}-slim`, why: `Python ${version ?? '3'}` };
    case 'go':
      return { image: `golang:${version ?? '1'}`, why: `Go ${version ?? '1'}` };
    case 'goRuntime':
      return { image: DEFAULT_GO_RUNTIME_IMAGE, why: 'a small image to run the static Go binary' };
    case 'static':
      return { image: DEFAULT_STATIC_IMAGE, why: "a small static file server (busybox's httpd)" };
  }
}

export function resolveBaseImage(role: BaseImageRole, scan: ScanRecord, env: Environment, overrides: ScanOverrides['baseImages'] = {}): BaseImageChoice {
  const official = officialImage(role, scan);
  const setting = overrides[role];
  if (setting !== undefined) return { role, image: setting, source: 'override', evidence: `project setting baseImages.${role} = ${code(setting)} instead of ${code(official.image)}` };
  const fromEnv = env[BASE_IMAGE_ENV[role]]?.trim();
  if (fromEnv) return { role, image: fromEnv, source: 'env', evidence: `${BASE_IMAGE_ENV[role]} = ${code(fromEnv)} (the engine's environment) instead of ${code(official.image)}` };
  return { role, image: official.image, source: 'default', evidence: `${official.why} → the official ${code(official.image)}` };
}

export function resolveBaseImages(scan: ScanRecord, env: Environment, overrides: ScanOverrides['baseImages'] = {}): BaseImageChoice[] {
  return baseImageRoles(scan).map((role) => resolveBaseImage(role, scan, env, overrides));
}
