import type { ProjectSettings, ScanOverrides } from '../../../shared';

/** What a project's settings say about its build: they win over what the scan detects. */
export function scanOverridesFor(settings: ProjectSettings): ScanOverrides {
  return { ...settings.build, ...(settings.image ? { image: settings.image } : {}) };
}
