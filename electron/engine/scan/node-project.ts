// A folder with a package.json: package manager, Node version, install/build/start commands, and whether
// it is a server, a static-site build, or a static site that merely keeps its tooling in package.json.
import type { PackageManager, ScanDecision, ScanOverrides } from '../../../shared/scan';
import type { ProjectFacts } from './project-facts';
import { nodeVersionForRange, nodeVersionFromFile, NODE_LTS } from './runtime-version';
import { code, detected } from './scan-decision';
import { decideHealthPath, decidePort, plan, procfileWeb, refuse, staticServingDecisions, withOverride, type Detected, type RuntimeVerdict } from './scan-plan';
import { DEFAULT_PORT } from './source-hints';
import { isDevelopmentServer, staticOutput } from './static-output';

interface PackageManifest {
  readonly main?: unknown;
  readonly scripts?: unknown;
  readonly engines?: { readonly node?: unknown };
  readonly packageManager?: unknown;
  readonly workspaces?: unknown;
}

type NodePackageManager = Extract<PackageManager, 'npm' | 'yarn' | 'pnpm'>;

interface PackageManagerChoice {
  readonly name: NodePackageManager;
  readonly lockfile: string | null;
  /** Yarn 2+ ("berry"): `--immutable` instead of `--frozen-lockfile`, no `--production`. */
  readonly berry: boolean;
  readonly evidence: string;
}

const LOCKFILES: ReadonlyArray<readonly [string, NodePackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function choosePackageManager(facts: ProjectFacts, manifest: PackageManifest): PackageManagerChoice {
  const present = LOCKFILES.filter(([file]) => facts.files.has(file));
  const declared = typeof manifest.packageManager === 'string' ? /^(npm|yarn|pnpm)@(\d+)?/.exec(manifest.packageManager) : null;
  const yarnBerry = (major: string | undefined): boolean => facts.files.has('.yarnrc.yml') || (major !== undefined && Number(major) >= 2);
  if (declared) {
    const name = declared[1] as NodePackageManager;
    const lockfile = present.find(([, manager]) => manager === name)?.[0] ?? null;
    return { name, lockfile, berry: name === 'yarn' && yarnBerry(declared[2]), evidence: `${code('package.json')} packageManager = ${code(String(manifest.packageManager))}` };
  }
  const [first, ...others] = present;
  if (first === undefined) return { name: 'npm', lockfile: null, berry: false, evidence: `no lockfile → npm (add ${code('package-lock.json')} for repeatable installs)` };
  const ignored = others.length > 0 ? ` (also found ${others.map(([file]) => code(file)).join(', ')}, not used)` : '';
  return { name: first[1], lockfile: first[0], berry: first[1] === 'yarn' && yarnBerry(undefined), evidence: `${code(first[0])} → ${first[1]}${ignored}` };
}

function chooseVersion(facts: ProjectFacts, manifest: PackageManifest): Detected {
  for (const file of ['.nvmrc', '.node-version']) {
    const text = facts.texts.get(file);
    if (text === undefined) continue;
    const version = nodeVersionFromFile(text);
    if (version !== null) return { value: version, evidence: `${code(file)} = ${code(text.trim())} → Node ${version}` };
  }
  const range = manifest.engines?.node;
  if (typeof range === 'string') {
    const version = nodeVersionForRange(range);
    if (version !== null) return { value: version, evidence: `${code('package.json')} engines.node = ${code(range)} → Node ${version === NODE_LTS ? 'LTS (the range has no upper bound)' : version}` };
    return { value: NODE_LTS, evidence: `${code('package.json')} engines.node = ${code(range)} is not a range Berth reads → Node LTS`, isDefault: true };
  }
  return { value: NODE_LTS, evidence: 'no engines.node, .nvmrc or .node-version → Node LTS', isDefault: true };
}

const runScript = (manager: NodePackageManager, script: string): string => (manager === 'npm' ? `npm run ${script}` : manager === 'yarn' ? `yarn ${script}` : `pnpm run ${script}`);

function installCommand(manager: PackageManagerChoice, productionOnly: boolean): string {
  switch (manager.name) {
    case 'npm':
      return `${manager.lockfile ? 'npm ci' : 'npm install'}${productionOnly ? ' --omit=dev' : ''}`;
    case 'yarn':
      if (manager.berry) return manager.lockfile ? 'yarn install --immutable' : 'yarn install';
      return `yarn install${manager.lockfile ? ' --frozen-lockfile' : ''}${productionOnly ? ' --production' : ''}`;
    case 'pnpm':
      return `pnpm install${manager.lockfile ? ' --frozen-lockfile' : ''}${productionOnly ? ' --prod' : ''}`;
  }
}

/** What the install step needs before the source is copied; empty when it needs the whole source (workspaces). */
function dependencyFiles(facts: ProjectFacts, manifest: PackageManifest, manager: PackageManagerChoice): { files: string[]; evidence: string | null } {
  if (manifest.workspaces !== undefined || facts.files.has('pnpm-workspace.yaml')) {
    return { files: [], evidence: 'workspaces: the install needs every workspace package, so it runs after the whole source is copied' };
  }
  const files = ['package.json'];
  if (manager.lockfile) files.push(manager.lockfile);
  for (const file of ['.npmrc', '.yarnrc', '.yarnrc.yml', '.pnpmfile.cjs']) if (facts.files.has(file)) files.push(file);
  const yarnPath = /^yarnPath:\s*['"]?([^'"\s]+)/m.exec(facts.texts.get('.yarnrc.yml') ?? '');
  const release = yarnPath?.[1]!.replace(/^\.\//, '');
  if (release !== undefined && SAFE_PATH.test(release) && facts.files.has(release)) files.push(release);
  return { files, evidence: null };
}

/** `main` counts when the file is there, or will be after the build, or sits in a build folder the scan skipped. */
function usableMain(facts: ProjectFacts, main: unknown, hasBuild: boolean): string | null {
  if (typeof main !== 'string' || main.trim() === '') return null;
  const path = main.replace(/^\.\//, '');
  if (!SAFE_PATH.test(path)) return null; // it becomes part of a command line
  if (facts.files.has(path) || hasBuild || facts.rootDirectories.has(path.split('/')[0]!)) return path;
  return null;
}

const SAFE_PATH = /^[\w./@+-]+$/;

const SUGGESTED_ENTRIES = ['index.js', 'app.js', 'main.js', 'src/index.js', 'src/server.js', 'src/app.js', 'src/main.js', 'index.mjs', 'app.mjs'];

export function decideNode(facts: ProjectFacts, overrides: ScanOverrides): RuntimeVerdict {
  let manifest: PackageManifest;
  try {
    const parsed: unknown = JSON.parse(facts.texts.get('package.json') ?? '');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    manifest = parsed as PackageManifest;
  } catch (error) {
    // V8 quotes the start of the text, line breaks included: one line for the log and the terminal.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    return refuse({
      message: `Berth found ${code('package.json')} in ${facts.sourceDir}, but it is not valid JSON (${reason}). Fix package.json.`,
      found: [`package.json that is not valid JSON (${reason})`],
      add: 'valid JSON in package.json',
      decisions: [],
    });
  }
  const scripts = stringRecord(manifest.scripts);
  const decisions: ScanDecision[] = [detected('runtime', 'node', `${code('package.json')} at the root → Node`)];

  const manager = choosePackageManager(facts, manifest);
  decisions.push(detected('packageManager', manager.name, manager.evidence));
  const version = withOverride('version', chooseVersion(facts, manifest), overrides.runtimeVersion);
  decisions.push(...version.decisions);

  const buildScript = scripts['build'];
  const build = withOverride('build', buildScript === undefined ? null : { value: runScript(manager.name, 'build'), evidence: `${code('package.json')} scripts.build = ${code(buildScript)}` }, overrides.buildCommand);

  // How it starts: a Procfile, scripts.start, main, or npm's own default (server.js).
  let start: Detected | null = procfileWeb(facts);
  let developmentServer: string | null = null;
  const main = usableMain(facts, manifest.main, build.value !== null);
  if (start === null && scripts['start'] !== undefined) {
    if (isDevelopmentServer(scripts['start'])) developmentServer = scripts['start'];
    else start = { value: `${manager.name} start`, evidence: `${code('package.json')} scripts.start = ${code(scripts['start'])}` };
  }
  if (start === null && developmentServer === null && main !== null) start = { value: `node ${main}`, evidence: `${code('package.json')} main = ${code(main)} and no scripts.start` };
  if (start === null && developmentServer === null && facts.files.has('server.js')) start = { value: 'node server.js', evidence: `no scripts.start or main, and ${code('server.js')} at the root (npm start's own default)` };

  // A build that writes a static site and nothing to start (or only a dev server): static_build.
  const output = build.value !== null && buildScript !== undefined && start === null && overrides.startCommand === undefined ? staticOutput(facts, scripts, buildScript) : null;
  const isStaticBuild = start === null && overrides.startCommand === undefined && build.value !== null && (output !== null || overrides.outputDir !== undefined);
  if (!isStaticBuild && start === null && developmentServer !== null) {
    start = { value: `${manager.name} start`, evidence: `${code('package.json')} scripts.start = ${code(developmentServer)} (a development server, and the build writes no static site Berth recognises)` };
  }
  const startChoice = withOverride('start', start, overrides.startCommand);

  const runtime = { name: 'node' as const, version: version.value ?? NODE_LTS, packageManager: manager.name };
  const serverless = !isStaticBuild && startChoice.value === null;
  if (serverless && build.value === null && facts.files.has('index.html')) {
    // package.json only holds tooling (a formatter, a linter): the folder is a static site.
    return plan({
      shape: 'static',
      runtime: null,
      dependencyFiles: [],
      installCommand: null,
      buildCommand: null,
      startCommand: null,
      outputDir: null,
      port: DEFAULT_PORT,
      healthPath: null,
      decisions: [
        detected('shape', 'static', `${code('index.html')} at the root and ${code('package.json')} has no start, main or build → a static site (package.json only holds tooling)`),
        ...staticServingDecisions(),
      ],
    });
  }
  if (serverless) {
    const entry = SUGGESTED_ENTRIES.find((file) => facts.files.has(file)) ?? 'index.js';
    const example = `"start": "node ${entry}"`;
    const found = [
      'package.json without scripts.start',
      'no main field',
      'no server.js at the root',
      ...(buildScript !== undefined ? [`scripts.build = \`${buildScript}\`, which is not a static-site build Berth recognises`] : []),
      ...(developmentServer !== null ? [`scripts.start = \`${developmentServer}\` is a development server`] : []),
    ];
    return refuse({
      message: `Berth found ${code('package.json')} in ${facts.sourceDir} but no way to start the app: ${found.slice(0, 3).join(', ')}${buildScript !== undefined ? `, and its build (${code(buildScript)}) is not a static-site build Berth recognises` : ''}. Add a start script to package.json, e.g. ${code(example)}.`,
      found,
      add: `a start script in package.json, e.g. ${example}`,
      decisions,
    });
  }

  decisions.push(...build.decisions);
  const deps = dependencyFiles(facts, manifest, manager);
  const install = installCommand(manager, !isStaticBuild && build.value === null);
  decisions.push(
    detected(
      'install',
      install,
      `${manager.lockfile ? code(manager.lockfile) : 'no lockfile'} → ${code(install)}${!isStaticBuild && build.value === null ? ' (no build step, so dev dependencies are left out)' : ''}${deps.evidence ? `; ${deps.evidence}` : ''}`,
    ),
  );

  if (isStaticBuild) {
    const outputDir = withOverride('outputDir', output, overrides.outputDir);
    const why = developmentServer !== null ? `scripts.start = ${code(developmentServer)} is a development server` : 'no start script, main or server.js';
    decisions.push(detected('shape', 'static_build', `${code('package.json')} scripts.build writes a static site and ${why} → static_build, served by a static file server`));
    decisions.push(...outputDir.decisions);
    decisions.push(...staticServingDecisions());
    return plan({
      shape: 'static_build',
      runtime,
      dependencyFiles: deps.files,
      installCommand: install,
      buildCommand: build.value,
      startCommand: null,
      outputDir: outputDir.value,
      port: DEFAULT_PORT,
      healthPath: null,
      decisions,
    });
  }

  decisions.push(detected('shape', 'server', `a start command (${code(startChoice.value!)}) → server`));
  decisions.push(...startChoice.decisions);
  const port = decidePort('node', facts, null);
  const health = decideHealthPath(facts);
  decisions.push(port.decision, health.decision);
  return plan({
    shape: 'server',
    runtime,
    dependencyFiles: deps.files,
    installCommand: install,
    buildCommand: build.value,
    startCommand: startChoice.value,
    outputDir: null,
    port: port.port,
    healthPath: health.healthPath,
    decisions,
  });
}
