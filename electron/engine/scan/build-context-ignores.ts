// What a zero-config build leaves out of its context. The project's own .dockerignore wins as a whole (as
// with `docker build`); without one, Berth's defaults (after `docker init`'s) plus the virtualenvs the scan
// found under other names, and the build output when the build makes it afresh. Pure.
import type { ScanRecord } from '../../../shared/scan';

export const DEFAULT_BUILD_IGNORES: readonly string[] = [
  '**/.git',
  '**/.hg',
  '**/.svn',
  '**/node_modules',
  '**/bower_components',
  '**/.venv',
  '**/venv',
  '**/__pycache__',
  '**/*.py[cod]',
  '**/.pytest_cache',
  '**/.mypy_cache',
  '**/.ruff_cache',
  '**/.tox',
  '**/.nox',
  '**/.cache',
  '**/.parcel-cache',
  '**/.turbo',
  '**/.next/cache',
  '**/coverage',
  // Secrets stay out of images: settings carry the environment instead.
  '**/.env',
  '**/npm-debug.log*',
  '**/yarn-error.log',
  '**/.DS_Store',
  '**/.idea',
  '**/.vscode',
];

export interface BuildIgnores {
  readonly patterns: readonly string[];
  readonly source: '.dockerignore' | 'defaults';
  readonly evidence: string;
}

/** `.dockerignore` lines as patterns: blank lines and comments dropped, as Docker reads them. */
export function dockerignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function buildContextIgnores(scan: ScanRecord, dockerignore: string | null): BuildIgnores {
  if (dockerignore !== null) {
    const patterns = dockerignorePatterns(dockerignore);
    return { patterns, source: '.dockerignore', evidence: `the project's .dockerignore (${patterns.length} patterns) decides what the build sees` };
  }
  const virtualenvs = scan.skippedDirectories.filter((dir) => dir.reason === 'virtualenv').map((dir) => dir.path);
  // Build output is left out only when the build writes it again; a committed dist/ may be what runs.
  const output = scan.buildCommand !== null && scan.outputDir !== null ? [scan.outputDir] : [];
  const extra = [...virtualenvs, ...output].filter((path) => !DEFAULT_BUILD_IGNORES.includes(`**/${path}`));
  const patterns = [...DEFAULT_BUILD_IGNORES, ...extra];
  const also = extra.length > 0 ? `, plus ${extra.join(', ')}` : '';
  return { patterns, source: 'defaults', evidence: `no .dockerignore: Berth leaves out dependencies, VCS data, virtualenvs, caches and .env files${also}` };
}
