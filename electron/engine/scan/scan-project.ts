// The scan's entry point: read the folder (never write it), then decide. `settings.image` skips the folder.
import { resolve } from 'node:path';
import type { ScanOverrides, ScanRecord } from '../../../shared/scan';
import { createLogger } from '../logger';
import { decideScan, scanPrebuiltImage } from './decide-scan';
import { readProjectFacts } from './project-facts';
import { DEFAULT_PORT } from './source-hints';

const log = createLogger('scan');

export async function scanProject(folder: string, overrides: ScanOverrides = {}): Promise<ScanRecord> {
  const dir = resolve(folder);
  if (overrides.image !== undefined) return scanPrebuiltImage(dir, overrides.image);
  const started = performance.now();
  let record: ScanRecord;
  try {
    record = decideScan(await readProjectFacts(dir), overrides);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    if (!['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'ELOOP'].includes(reason)) throw error;
    record = unreadableFolder(dir, reason);
  }
  log.debug(`scanned ${dir} in ${(performance.now() - started).toFixed(1)} ms: ${record.shape ?? 'refused'}`);
  return record;
}

function unreadableFolder(dir: string, reason: string): ScanRecord {
  const what = reason === 'ENOENT' || reason === 'ENAMETOOLONG' ? 'no folder' : reason === 'ENOTDIR' ? 'a file, not a folder,' : 'a folder it may not read';
  const add = "the project's source folder (check its path and permissions)";
  return {
    sourceDir: dir,
    shape: null,
    runtime: null,
    dependencyFiles: [],
    installCommand: null,
    buildCommand: null,
    startCommand: null,
    outputDir: null,
    port: DEFAULT_PORT,
    healthPath: null,
    dockerfile: null,
    composeFile: null,
    image: null,
    skippedDirectories: [],
    decisions: [],
    refusal: { code: 'PROJECT_SHAPE_UNSUPPORTED', message: `Berth found ${what} at ${dir} (${reason}). Point the project at ${add.replace("the project's ", 'its ')}.`, found: [`${what} at ${dir} (${reason})`], add },
    buildVerification: { status: 'skipped' },
  };
}
