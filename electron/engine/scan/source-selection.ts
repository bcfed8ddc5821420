// Which files the scan reads beyond the root manifests: a bounded number of source files (the likely entry
// points first, then the shallowest) and the requirement files that requirements.txt includes. Pure.
import type { ProjectListing } from './project-listing';

export const MAX_SOURCE_FILES = 60;
/** Go commands (cmd/<name>/main.go) read on top of the sources, however deep the tree. */
const MAX_COMMAND_FILES = 20;

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|py|go)$/;
// Tests, type declarations, bundles and tool configs say nothing about how the app serves.
const NOT_APP_SOURCE = /(?:^|\/)(?:tests?|__tests__|spec|e2e|fixtures?|migrations)\/|\.(?:test|spec)\.[cm]?[jt]sx?$|_test\.go$|(?:^|\/)test_[^/]*\.py$|\.d\.[cm]?ts$|\.min\.js$|(?:^|\/)[^/]*\.config\.[cm]?[jt]s$|(?:^|\/)(?:setup|conftest|noxfile)\.py$/;
// Names that usually hold the server, best first.
const ENTRY_NAMES = ['server', 'app', 'main', 'index', 'wsgi', 'asgi', 'application', 'manage', 'urls', 'routes', 'api', 'views'];

function entryRank(path: string): number {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  const rank = ENTRY_NAMES.indexOf(base);
  return rank < 0 ? ENTRY_NAMES.length : rank;
}

const depth = (path: string): number => path.split('/').length - 1;

/** Files named by package.json (`main`, the start script) or a Procfile: read them first. */
function namedEntryFiles(texts: ReadonlyMap<string, string>): string[] {
  const named: string[] = [];
  const packageJson = texts.get('package.json');
  if (packageJson !== undefined) {
    try {
      const manifest = JSON.parse(packageJson) as { main?: unknown; scripts?: Record<string, unknown> };
      if (typeof manifest.main === 'string') named.push(manifest.main.replace(/^\.\//, ''));
      const start = manifest.scripts?.['start'];
      if (typeof start === 'string') for (const match of start.matchAll(/(?:^|\s)((?:\.\/)?[\w./-]+\.[cm]?[jt]s)\b/g)) named.push(match[1]!.replace(/^\.\//, ''));
    } catch {
      // An unreadable package.json is reported by the decision, not here.
    }
  }
  const procfile = texts.get('Procfile');
  if (procfile !== undefined) for (const match of procfile.matchAll(/(?:^|\s)((?:\.\/)?[\w./-]+\.(?:py|[cm]?js|ts))\b/g)) named.push(match[1]!.replace(/^\.\//, ''));
  return named;
}

/** `-r other.txt` / `-c constraints.txt` lines of requirements.txt, as paths from the root. */
export function requirementIncludes(requirements: string): string[] {
  const includes: string[] = [];
  for (const line of requirements.split(/\r?\n/)) {
    const match = /^\s*(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/.exec(line);
    if (match) includes.push(match[1]!.replace(/^\.\//, ''));
  }
  return includes;
}

export function selectFilesToRead(listing: ProjectListing, texts: ReadonlyMap<string, string>): string[] {
  const listed = new Set(listing.files);
  const chosen = new Set<string>();
  const requirements = texts.get('requirements.txt');
  if (requirements !== undefined) for (const include of requirementIncludes(requirements)) if (listed.has(include) && !texts.has(include)) chosen.add(include);

  const sources: string[] = [];
  for (const named of namedEntryFiles(texts)) if (listed.has(named) && !texts.has(named)) sources.push(named);
  const candidates = listing.files.filter((path) => SOURCE_FILE.test(path) && !NOT_APP_SOURCE.test(path) && !texts.has(path));
  candidates.sort((a, b) => depth(a) - depth(b) || entryRank(a) - entryRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const path of candidates) {
    if (sources.length >= MAX_SOURCE_FILES) break;
    if (!sources.includes(path)) sources.push(path);
  }
  // Go's commands live in cmd/<name>/: make sure each one's main file is read, however deep the tree.
  const commands = listing.files.filter((path) => /^cmd\/[^/]+\/main\.go$/.test(path) && !sources.includes(path));
  sources.push(...commands.slice(0, MAX_COMMAND_FILES));
  for (const path of sources) chosen.add(path);
  return [...chosen];
}
