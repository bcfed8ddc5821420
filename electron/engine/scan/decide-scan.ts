// The scan's decision, from facts already read: the shape, the runtime plan, or a refusal that names what
// Berth found and the one thing to add. Pure, so a test can feed it every case.
import type { ScanDecision, ScanOverrides, ScanRecord, ScanRefusal, ScanRuntimeName } from '../../../shared/scan';
import { decideGo } from './go-project';
import { decideNode } from './node-project';
import type { ProjectFacts } from './project-facts';
import { decidePython } from './python-project';
import { code, defaulted, detected, overridden } from './scan-decision';
import { decideHealthPath, staticServingDecisions, type RefusalDraft, type RuntimeVerdict, type ScanPlan } from './scan-plan';
import { DEFAULT_PORT } from './source-hints';

export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;
const PYTHON_MANIFESTS = ['requirements.txt', 'pyproject.toml', 'Pipfile'] as const;

/** Languages zero-config builds do not know, by file extension and manifest, so a refusal can name them. */
const UNSUPPORTED_LANGUAGES: ReadonlyArray<{ readonly name: string; readonly extensions: readonly string[]; readonly manifests: readonly string[] }> = [
  { name: 'Ruby', extensions: ['.rb'], manifests: ['Gemfile'] },
  { name: 'Rust', extensions: ['.rs'], manifests: ['Cargo.toml'] },
  { name: 'Java', extensions: ['.java'], manifests: ['pom.xml', 'build.gradle', 'build.gradle.kts'] },
  { name: 'Kotlin', extensions: ['.kt'], manifests: ['build.gradle.kts'] },
  { name: 'PHP', extensions: ['.php'], manifests: ['composer.json'] },
  { name: 'C#', extensions: ['.cs'], manifests: [] },
  { name: 'Elixir', extensions: ['.ex', '.exs'], manifests: ['mix.exs'] },
  { name: 'Scala', extensions: ['.scala'], manifests: ['build.sbt'] },
  { name: 'Swift', extensions: ['.swift'], manifests: ['Package.swift'] },
  { name: 'Dart', extensions: ['.dart'], manifests: ['pubspec.yaml'] },
  { name: 'Haskell', extensions: ['.hs'], manifests: ['stack.yaml'] },
  { name: 'Deno', extensions: [], manifests: ['deno.json', 'deno.jsonc'] },
  { name: 'C/C++', extensions: ['.c', '.cc', '.cpp', '.h'], manifests: ['CMakeLists.txt', 'Makefile'] },
];

/** Files of a runtime Berth knows, found without its manifest: the manifest is what to add. */
const MISSING_MANIFESTS: ReadonlyArray<{ readonly extensions: readonly string[]; readonly language: string; readonly add: string }> = [
  { extensions: ['.js', '.mjs', '.cjs', '.ts'], language: 'JavaScript/TypeScript', add: 'a package.json with a start script, e.g. "start": "node server.js"' },
  { extensions: ['.py'], language: 'Python', add: 'a requirements.txt listing the dependencies (gunicorn and your framework)' },
  { extensions: ['.go'], language: 'Go', add: 'a go.mod (run `go mod init <module>`)' },
  { extensions: ['.html', '.htm'], language: 'HTML', add: 'an index.html at the root of the folder' },
];

/** `a`, `a and b`, `a, b and c`. */
const listed = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`);

const extensionOf = (path: string): string => {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
};

function emptyRecord(facts: ProjectFacts, decisions: ScanDecision[]): ScanRecord {
  return {
    sourceDir: facts.sourceDir,
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
    skippedDirectories: [...facts.listing.skippedDirectories],
    decisions,
    refusal: null,
    buildVerification: { status: 'skipped' },
  };
}

function refusal(draft: Omit<RefusalDraft, 'decisions'>): ScanRefusal {
  return { code: 'PROJECT_SHAPE_UNSUPPORTED', message: draft.message, found: [...draft.found], add: draft.add };
}

function listingDecision(facts: ProjectFacts): ScanDecision {
  const { files, skippedDirectories, truncated } = facts.listing;
  const skipped = skippedDirectories.slice(0, 8).map((dir) => code(dir.path));
  const more = skippedDirectories.length > 8 ? ` and ${skippedDirectories.length - 8} more` : '';
  const skippedText = skipped.length > 0 ? `; skipped ${skipped.join(', ')}${more}` : '';
  return detected('listing', String(files.length), `listed ${files.length} files${truncated ? ' (stopped there: the folder is larger)' : ''}${skippedText}`);
}

/** Overrides that a shape without a generated Dockerfile does not use: said, not silently dropped. */
function unusedOverrides(overrides: ScanOverrides, why: string): ScanDecision[] {
  const unused: ScanDecision[] = [];
  const named = [
    ['build', 'buildCommand', overrides.buildCommand],
    ['start', 'startCommand', overrides.startCommand],
    ['outputDir', 'outputDir', overrides.outputDir],
    ['version', 'runtimeVersion', overrides.runtimeVersion],
  ] as const;
  for (const [topic, setting, value] of named) if (value !== undefined) unused.push(overridden(topic, null, `project setting ${setting} = ${code(value)} is not used: ${why}`));
  return unused;
}

function fromPlan(facts: ProjectFacts, base: ScanDecision[], plan: ScanPlan): ScanRecord {
  return {
    ...emptyRecord(facts, [...base, ...plan.decisions]),
    shape: plan.shape,
    runtime: plan.runtime,
    dependencyFiles: [...plan.dependencyFiles],
    installCommand: plan.installCommand,
    buildCommand: plan.buildCommand,
    startCommand: plan.startCommand,
    outputDir: plan.outputDir,
    port: plan.port,
    healthPath: plan.healthPath,
  };
}

function existingDockerfile(facts: ProjectFacts, base: ScanDecision[], overrides: ScanOverrides): ScanRecord {
  const dockerfile = facts.texts.get('Dockerfile') ?? '';
  const decisions = [...base, detected('shape', 'existing_docker', `${code('Dockerfile')} at the root → existing_docker: Berth builds it as it is`)];
  decisions.push(...unusedOverrides(overrides, 'the project builds from its own Dockerfile'));
  const expose = /^\s*EXPOSE\s+(\d{1,5})/im.exec(dockerfile);
  let port = DEFAULT_PORT;
  if (expose && Number(expose[1]) >= 1 && Number(expose[1]) <= 65_535) {
    port = Number(expose[1]);
    decisions.push(detected('port', String(port), `${code('Dockerfile')} ${code(expose[0].trim())} → port ${port}`));
  } else decisions.push(defaulted('port', String(DEFAULT_PORT), `${code('Dockerfile')} exposes no port → ${DEFAULT_PORT}, passed as PORT`));
  const healthcheck = /^\s*HEALTHCHECK\b.*?https?:\/\/[^/\s'"]+(\/[^\s'"|;&]*)/im.exec(dockerfile);
  let healthPath: string | null;
  if (healthcheck) {
    healthPath = healthcheck[1]!;
    decisions.push(detected('healthPath', healthPath, `${code('Dockerfile')} HEALTHCHECK probes ${code(healthPath)}`));
  } else {
    const health = decideHealthPath(facts);
    healthPath = health.healthPath;
    decisions.push(health.decision);
  }
  return { ...emptyRecord(facts, decisions), shape: 'existing_docker', dockerfile: 'Dockerfile', port, healthPath };
}

function staticSite(facts: ProjectFacts, base: ScanDecision[], overrides: ScanOverrides): ScanRecord {
  const decisions = [
    ...base,
    detected('shape', 'static', `${code('index.html')} at the root and no package.json, requirements.txt, pyproject.toml, Pipfile or go.mod → a static site, served as it is`),
    ...staticServingDecisions(),
    ...unusedOverrides(overrides, 'a static site is served as it is'),
  ];
  return { ...emptyRecord(facts, decisions), shape: 'static' };
}

function unknownLanguage(facts: ProjectFacts, base: ScanDecision[]): ScanRecord {
  const counts = new Map<string, number>();
  for (const file of facts.listing.files) {
    const extension = extensionOf(file);
    if (extension !== '') counts.set(extension, (counts.get(extension) ?? 0) + 1);
  }
  const rootFiles = new Set(facts.listing.rootEntries.filter((entry) => entry.kind === 'file').map((entry) => entry.name));
  const seen = (extensions: readonly string[]): string[] => extensions.filter((extension) => counts.has(extension)).map((extension) => `${counts.get(extension)} ${extension} file${counts.get(extension) === 1 ? '' : 's'}`);
  const where = facts.sourceDir;

  for (const language of UNSUPPORTED_LANGUAGES) {
    const files = seen(language.extensions);
    const manifests = language.manifests.filter((manifest) => rootFiles.has(manifest));
    const projects = language.name === 'C#' ? [...rootFiles].filter((file) => file.endsWith('.csproj')) : [];
    if (files.length === 0 && manifests.length === 0 && projects.length === 0) continue;
    const found = [...files, ...manifests, ...projects];
    const add = 'a Dockerfile';
    const message = `Berth found ${listed(found.map((item) => (item.includes(' ') ? item : code(item))))} (${language.name}) in ${where}; zero-config builds know Node, Python, Go and static sites. Add ${add} to deploy it.`;
    return { ...emptyRecord(facts, [...base, detected('shape', null, `${found.join(', ')} → ${language.name}, which zero-config builds do not support`)]), refusal: refusal({ message, found, add }) };
  }
  for (const missing of MISSING_MANIFESTS) {
    const files = seen(missing.extensions);
    if (files.length === 0) continue;
    const message = `Berth found ${listed(files)} (${missing.language}) in ${where} but nothing that says how to build or start it. Add ${missing.add}.`;
    return { ...emptyRecord(facts, [...base, detected('shape', null, `${files.join(', ')} without a manifest`)]), refusal: refusal({ message, found: files, add: missing.add }) };
  }
  const names = facts.listing.files.slice(0, 5);
  const found = [`${facts.listing.files.length} files (${names.join(', ')}${facts.listing.files.length > names.length ? ', …' : ''})`];
  const add = 'a Dockerfile, or the manifest of your app (package.json, requirements.txt, go.mod) or an index.html';
  const message = `Berth found ${found[0]} in ${where} but nothing it can build or serve: no package.json, requirements.txt, pyproject.toml, Pipfile, go.mod, index.html or Dockerfile. Add ${add}.`;
  return { ...emptyRecord(facts, [...base, detected('shape', null, 'no manifest, index.html or Dockerfile Berth knows')]), refusal: refusal({ message, found, add }) };
}

/** Decides the scan record for a folder. `overrides.image` is handled by the caller (see scanPrebuiltImage). */
export function decideScan(facts: ProjectFacts, overrides: ScanOverrides = {}): ScanRecord {
  const base = [listingDecision(facts)];
  const rootFiles = new Set(facts.listing.rootEntries.filter((entry) => entry.kind === 'file').map((entry) => entry.name));
  const where = facts.sourceDir;

  if (facts.listing.files.length === 0) {
    const skipped = facts.listing.skippedDirectories.map((dir) => dir.path);
    const found = skipped.length > 0 ? [`only ${skipped.join(', ')}, which Berth does not read`] : ['an empty folder'];
    const add = 'your app: a package.json with a start script, a requirements.txt, a go.mod, an index.html, or a Dockerfile';
    const message = `Berth found ${skipped.length > 0 ? `only ${skipped.map(code).join(', ')} (dependencies, VCS data or build output, which it does not read)` : 'nothing'} in ${where}. Add ${add}.`;
    return { ...emptyRecord(facts, [...base, detected('shape', null, `${found[0]} → nothing to deploy`)]), refusal: refusal({ message, found, add }) };
  }

  const composeFile = COMPOSE_FILES.find((file) => rootFiles.has(file)) ?? null;
  const hasDockerfile = rootFiles.has('Dockerfile');
  if (composeFile !== null) {
    // A compose file at the root is the stack Berth deploys, through Compose itself (docs/product-rules.md,
    // "Compose stacks"); a root Dockerfile beside it is one of its services' builds, not a second app.
    const decisions = [...base, detected('shape', 'multi', `${code(composeFile)} at the root → multi: Berth deploys the stack with Compose${hasDockerfile ? ` (the root ${code('Dockerfile')} is built only where a service of it says so)` : ''}`)];
    decisions.push(...unusedOverrides(overrides, 'a compose stack is built and started as its compose file says'));
    return { ...emptyRecord(facts, decisions), shape: 'multi', composeFile, ...(hasDockerfile ? { dockerfile: 'Dockerfile' } : {}) };
  }
  if (hasDockerfile) return existingDockerfile(facts, base, overrides);

  const verdicts: Array<{ runtime: ScanRuntimeName; verdict: RuntimeVerdict }> = [];
  if (rootFiles.has('package.json')) verdicts.push({ runtime: 'node', verdict: decideNode(facts, overrides) });
  if (PYTHON_MANIFESTS.some((file) => rootFiles.has(file))) verdicts.push({ runtime: 'python', verdict: decidePython(facts, overrides) });
  if (rootFiles.has('go.mod')) verdicts.push({ runtime: 'go', verdict: decideGo(facts, overrides) });

  if (verdicts.length > 0) {
    const plans = verdicts.flatMap(({ runtime, verdict }) => (verdict.kind === 'plan' ? [{ runtime, plan: verdict.plan }] : []));
    // A package.json that only holds tooling beside a real server does not compete with it.
    const servers = plans.filter(({ plan }) => plan.shape !== 'static');
    const candidates = servers.length > 0 ? servers : plans;
    if (candidates.length === 1) {
      const chosen = candidates[0]!;
      const others = verdicts.filter(({ runtime }) => runtime !== chosen.runtime).map(({ runtime }) => runtime);
      const note = others.length > 0 ? [detected('runtime', chosen.runtime, `also found ${others.join(', ')} manifests, which name no way to start an app → ${chosen.runtime}`)] : [];
      return fromPlan(facts, [...base, ...note], chosen.plan);
    }
    if (candidates.length > 1) {
      const found = candidates.map(({ runtime, plan }) => `${runtime}: ${plan.startCommand ?? plan.buildCommand ?? plan.shape}`);
      const add = 'a Dockerfile that builds the app (zero-config builds use one runtime per image)';
      const message = `Berth found more than one app in ${where} (${found.map(code).join(', ')}) and cannot tell which to deploy. Add ${add}, or set the start command of the one to deploy.`;
      return {
        ...emptyRecord(facts, [...base, ...candidates.flatMap(({ plan }) => plan.decisions.filter((decision) => decision.topic === 'runtime' || decision.topic === 'start'))]),
        refusal: refusal({ message, found, add }),
      };
    }
    const first = verdicts.find(({ verdict }) => verdict.kind === 'refusal')!.verdict as Extract<RuntimeVerdict, { kind: 'refusal' }>;
    return { ...emptyRecord(facts, [...base, ...first.refusal.decisions]), refusal: refusal(first.refusal) };
  }

  if (rootFiles.has('index.html')) return staticSite(facts, base, overrides);
  return unknownLanguage(facts, base);
}

/** `settings.image`: the project deploys that image as it is, so the folder is not read. */
export function scanPrebuiltImage(sourceDir: string, image: string): ScanRecord {
  return {
    sourceDir,
    shape: 'prebuilt_image',
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
    image,
    skippedDirectories: [],
    decisions: [overridden('shape', 'prebuilt_image', `project setting image = ${code(image)} → prebuilt_image: the folder is not read`)],
    refusal: null,
    buildVerification: { status: 'skipped' },
  };
}
