// BENCH scan: scanProject over a 100,000-file project whose node_modules holds most of the files, vs
// `find` listing the same folder while pruning the same directories the scan skips. Both warm.
import { spawnSync } from 'node:child_process';
import { scanProject } from '../electron/engine/scan/scan-project';
import { projectTree } from './support/project-tree';
import { median } from './support/stats';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
const tree = projectTree();
if (tree.generatedSeconds !== null) process.stdout.write(`# generated ${tree.files} files in ${tree.generatedSeconds.toFixed(1)} s\n`);

// The directories the scan does not enter (see project-listing.ts), pruned by find the same way.
const PRUNED = ['node_modules', 'bower_components', 'jspm_packages', 'vendor', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.nox', '.cache', '.parcel-cache', '.turbo', '.gradle', '.idea', 'coverage', 'dist', 'build', 'out', '.next', '.nuxt', '.svelte-kit', '.output', '.vercel', 'target', '_site'];
const findArgs = [tree.dir, '(', ...PRUNED.flatMap((name, index) => [...(index > 0 ? ['-o'] : []), '-name', name]), ')', '-prune', '-o', '-type', 'f', '-print'];

function find(): { ms: number; files: number } {
  const start = performance.now();
  const result = spawnSync('find', findArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  return { ms, files: result.stdout.split('\n').filter(Boolean).length };
}

async function scan(): Promise<{ ms: number; files: number; shape: string | null }> {
  const start = performance.now();
  const record = await scanProject(tree.dir);
  const ms = performance.now() - start;
  return { ms, files: Number(record.decisions.find((decision) => decision.topic === 'listing')?.value), shape: record.shape };
}

// Warm both (page cache, dentries, JIT).
find();
await scan();
const times = { find: [] as number[], scan: [] as number[] };
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  // Alternate who goes first, so neither always gets the other's warm caches.
  const [byFind, byScan] = round % 2 === 0 ? [find(), await scan()] : await (async () => {
    const byScanFirst = await scan();
    return [find(), byScanFirst] as const;
  })();
  if (byScan.shape !== 'server' || byScan.files !== byFind.files) throw new Error(`scan saw ${byScan.files} files (${byScan.shape}), find ${byFind.files}`);
  times.find.push(byFind.ms);
  times.scan.push(byScan.ms);
  ratios.push(byScan.ms / byFind.ms);
}
process.stdout.write(
  `# ${tree.files} files (${tree.sourceFiles} outside the skipped folders), medians of ${ROUNDS}: scan ${median(times.scan).toFixed(1)} ms, find with the same prunes ${median(times.find).toFixed(1)} ms; ` +
    `scan rounds ${times.scan.map((ms) => ms.toFixed(0)).join(' ')}\n`,
);
process.stdout.write(`BENCH scan ${median(times.scan).toFixed(1)} ms ratio=${median(ratios).toFixed(2)}\n`);
