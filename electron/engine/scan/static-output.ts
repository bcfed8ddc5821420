// Where a Node build writes a static site, with the evidence: an output flag in the build script, the
// tool's config file, or the tool's documented default. Null when the build is not a static-site build
// Berth recognises (then a project without a start command is refused, not guessed at).
import type { ProjectFacts } from './project-facts';
import type { Detected } from './scan-plan';
import { code } from './scan-decision';

interface StaticBuilder {
  readonly name: string;
  readonly runs: RegExp;
  /** When the script alone does not tell (SvelteKit builds with `vite build` too). */
  readonly applies?: (facts: ProjectFacts) => boolean;
  /** The output folder from the tool's config, or its default; null when this build is not static. */
  readonly output: (facts: ProjectFacts) => Detected | null;
}

function fromConfig(facts: ProjectFacts, files: readonly string[], pattern: RegExp, setting: string, tool: string, fallback: string): Detected {
  for (const file of files) {
    const text = facts.texts.get(file);
    if (text === undefined) continue;
    const match = pattern.exec(text);
    if (match) return { value: trimSlashes(match[1]!), evidence: `${code(file)} ${setting} = ${code(match[1]!)}` };
  }
  const config = files.find((file) => facts.texts.has(file));
  const why = config ? `${code(config)} sets no ${setting}` : `no ${files[0]!.replace(/\.[^.]+$/, '')} config`;
  return { value: fallback, evidence: `${tool} writes ${code(fallback)} (its default; ${why})` };
}

const trimSlashes = (path: string): string => path.replace(/^\.\//, '').replace(/\/+$/, '');

const VITE_CONFIGS = ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'];
const NEXT_CONFIGS = ['next.config.js', 'next.config.mjs', 'next.config.ts'];
const ASTRO_CONFIGS = ['astro.config.mjs', 'astro.config.ts'];

function angularOutput(facts: ProjectFacts): Detected | null {
  const text = facts.texts.get('angular.json');
  if (text === undefined) return { value: 'dist', evidence: `Angular writes ${code('dist/<project>')}, but there is no ${code('angular.json')} to name the project` };
  try {
    const workspace = JSON.parse(text) as { projects?: Record<string, { architect?: { build?: { builder?: string; options?: { outputPath?: unknown } } } }> };
    for (const [name, project] of Object.entries(workspace.projects ?? {})) {
      const build = project.architect?.build;
      if (!build) continue;
      const outputPath = build.options?.outputPath;
      // The application builder (Angular 17+) puts the browser files in a `browser` folder under outputPath.
      const application = build.builder?.endsWith(':application') ?? false;
      if (typeof outputPath === 'string') {
        const value = application ? `${trimSlashes(outputPath)}/browser` : trimSlashes(outputPath);
        return { value, evidence: `${code('angular.json')} project ${code(name)} outputPath = ${code(outputPath)}${application ? ' (application builder: its browser/ folder)' : ''}` };
      }
      if (outputPath !== null && typeof outputPath === 'object' && typeof (outputPath as { base?: unknown }).base === 'string') {
        const base = trimSlashes((outputPath as { base: string }).base);
        const browser = (outputPath as { browser?: unknown }).browser;
        const value = typeof browser === 'string' && browser !== '' ? `${base}/${browser}` : typeof browser === 'string' ? base : `${base}/browser`;
        return { value, evidence: `${code('angular.json')} project ${code(name)} outputPath.base = ${code(base)}` };
      }
      return { value: `dist/${name}/browser`, evidence: `${code('angular.json')} project ${code(name)} has no outputPath: Angular writes ${code(`dist/${name}/browser`)}` };
    }
  } catch {
    // Unreadable angular.json: no evidence to offer.
  }
  return null;
}

const STATIC_BUILDERS: readonly StaticBuilder[] = [
  {
    // SvelteKit builds through vite; only adapter-static makes it a static site.
    name: 'SvelteKit',
    runs: /\b(?:vite|svelte-kit)\s+build\b/,
    applies: (facts) => facts.texts.has('svelte.config.js'),
    output: (facts) => {
      const config = facts.texts.get('svelte.config.js') ?? '';
      if (!/@sveltejs\/adapter-static/.test(config)) return null;
      const pages = /\bpages\s*:\s*['"]([^'"]+)['"]/.exec(config);
      return pages
        ? { value: trimSlashes(pages[1]!), evidence: `${code('svelte.config.js')} adapter-static pages = ${code(pages[1]!)}` }
        : { value: 'build', evidence: `${code('svelte.config.js')} uses adapter-static, which writes ${code('build')} by default` };
    },
  },
  { name: 'Vite', runs: /\bvite\s+build\b/, output: (facts) => fromConfig(facts, VITE_CONFIGS, /\boutDir\s*:\s*['"`]([^'"`]+)['"`]/, 'build.outDir', 'Vite', 'dist') },
  { name: 'Create React App', runs: /\breact-scripts\s+build\b/, output: () => ({ value: 'build', evidence: `react-scripts build writes ${code('build')}` }) },
  { name: 'Next.js export', runs: /\bnext\s+export\b/, output: () => ({ value: 'out', evidence: `next export writes ${code('out')}` }) },
  {
    name: 'Next.js',
    runs: /\bnext\s+build\b/,
    output: (facts) => {
      for (const file of NEXT_CONFIGS) {
        const text = facts.texts.get(file);
        if (text !== undefined && /\boutput\s*:\s*['"]export['"]/.test(text)) {
          const distDir = /\bdistDir\s*:\s*['"]([^'"]+)['"]/.exec(text);
          return distDir
            ? { value: trimSlashes(distDir[1]!), evidence: `${code(file)} output = 'export', distDir = ${code(distDir[1]!)}` }
            : { value: 'out', evidence: `${code(file)} output = 'export' → next build writes ${code('out')}` };
        }
      }
      return null; // next build without export needs `next start`: a server.
    },
  },
  { name: 'Astro', runs: /\bastro\s+build\b/, output: (facts) => fromConfig(facts, ASTRO_CONFIGS, /\boutDir\s*:\s*['"`]([^'"`]+)['"`]/, 'outDir', 'Astro', 'dist') },
  { name: 'Vue CLI', runs: /\bvue-cli-service\s+build\b/, output: (facts) => fromConfig(facts, ['vue.config.js'], /\boutputDir\s*:\s*['"`]([^'"`]+)['"`]/, 'outputDir', 'Vue CLI', 'dist') },
  { name: 'Angular', runs: /\bng\s+build\b/, output: angularOutput },
  { name: 'Parcel', runs: /\bparcel\s+build\b/, output: () => ({ value: 'dist', evidence: `parcel build writes ${code('dist')} by default` }) },
  { name: 'Gatsby', runs: /\bgatsby\s+build\b/, output: () => ({ value: 'public', evidence: `gatsby build writes ${code('public')}` }) },
  { name: 'Docusaurus', runs: /\bdocusaurus\s+build\b/, output: () => ({ value: 'build', evidence: `docusaurus build writes ${code('build')}` }) },
  { name: 'Nuxt generate', runs: /\bnuxi?\s+generate\b/, output: () => ({ value: '.output/public', evidence: `nuxt generate writes ${code('.output/public')}` }) },
  { name: 'Eleventy', runs: /(?:^|[\s/])(?:@11ty\/)?eleventy\b(?!\s+--serve)/, output: () => ({ value: '_site', evidence: `Eleventy writes ${code('_site')} by default` }) },
  {
    name: 'webpack',
    runs: /\bwebpack(?:-cli)?\b(?!-dev-server|\s+serve)/,
    output: (facts) => fromConfig(facts, ['webpack.config.js'], /\bpath\s*:\s*(?:path\.(?:resolve|join)\(\s*__dirname\s*,\s*)?['"`]([^'"`]+)['"`]/, 'output.path', 'webpack', 'dist'),
  },
];

const OUTPUT_FLAG = /--(?:outDir|out-dir|outdir|dist-dir|output-path|output|out)(?:=|\s+)['"]?([\w.@/-]+)/;

/** `npm run x` / `yarn x` / `pnpm x` inside a script, replaced by that script's text (one level). */
export function expandScript(scripts: Readonly<Record<string, string>>, script: string): string {
  return script.replace(/\b(?:npm\s+run(?:-script)?|pnpm(?:\s+run)?|yarn(?:\s+run)?)\s+([\w:.-]+)/g, (whole, name: string) => scripts[name] ?? whole);
}

export function staticOutput(facts: ProjectFacts, scripts: Readonly<Record<string, string>>, buildScript: string): Detected | null {
  const script = expandScript(scripts, buildScript);
  for (const builder of STATIC_BUILDERS) {
    if (!builder.runs.test(script) || (builder.applies && !builder.applies(facts))) continue;
    // The first builder the script runs decides, even when its answer is "not a static site".
    const output = builder.output(facts);
    const flag = OUTPUT_FLAG.exec(script);
    if (output !== null && flag) return { value: trimSlashes(flag[1]!), evidence: `${code('package.json')} scripts.build passes ${code(flag[0])} to ${builder.name}` };
    return output;
  }
  return null;
}

/** Development servers that are no way to serve a site in production (`react-scripts start`, `vite`). */
export function isDevelopmentServer(script: string): boolean {
  return /^\s*(?:npx\s+)?(?:react-scripts\s+start|vite(?:\s+(?:dev|serve|preview))?(?:\s+--?\S+)*\s*$|vue-cli-service\s+serve|ng\s+serve|webpack(?:-dev-server|\s+serve)|parcel(?!\s+build)\b|gatsby\s+develop|astro\s+(?:dev|preview)|next\s+dev|nuxi?\s+dev|eleventy\s+--serve|docusaurus\s+start|vitepress\s+dev)/.test(script);
}
