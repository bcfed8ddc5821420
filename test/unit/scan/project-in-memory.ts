// A project folder held in memory, turned into the facts the scan decides from the way readProjectFacts
// does it (listing breadth first with the same skips, root files, then the chosen source files).
import { ROOT_FILES_READ, projectFacts, type ProjectFacts } from '../../../electron/engine/scan/project-facts';
import { skipReasonFor, type ListingEntry, type ProjectListing } from '../../../electron/engine/scan/project-listing';
import { selectFilesToRead } from '../../../electron/engine/scan/source-selection';
import type { SkippedDirectory } from '../../../shared/scan';

export function factsFromFiles(files: Readonly<Record<string, string>>, sourceDir = '/projects/app'): ProjectFacts {
  const listed: string[] = [];
  const skipped: SkippedDirectory[] = [];
  const skippedPaths = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/');
    let kept = true;
    for (let depth = 1; depth < parts.length; depth += 1) {
      const dir = parts.slice(0, depth).join('/');
      const reason = skipReasonFor(parts[depth - 1]!) ?? (files[`${dir}/pyvenv.cfg`] !== undefined ? 'virtualenv' : null);
      if (reason !== null) {
        if (!skippedPaths.has(dir)) skipped.push({ path: dir, reason });
        skippedPaths.add(dir);
        kept = false;
        break;
      }
    }
    if (kept) listed.push(path);
  }
  listed.sort((a, b) => a.split('/').length - b.split('/').length);
  const rootEntries: ListingEntry[] = [];
  for (const path of Object.keys(files)) {
    const [first, ...rest] = path.split('/');
    if (!rootEntries.some((entry) => entry.name === first)) rootEntries.push({ name: first!, kind: rest.length > 0 ? 'directory' : 'file' });
  }
  const listing: ProjectListing = { files: listed, rootEntries, skippedDirectories: skipped, truncated: false };
  const texts = new Map<string, string>();
  for (const name of ROOT_FILES_READ) if (files[name] !== undefined) texts.set(name, files[name]);
  for (const path of selectFilesToRead(listing, texts)) texts.set(path, files[path]!);
  return projectFacts(sourceDir, listing, texts);
}
