// A folder with go.mod: the Go version from its `go` directive, the main package to build (the root, or
// the one command under cmd/), and a static binary that the runtime image runs.
import type { ScanDecision, ScanOverrides } from '../../../shared/scan';
import type { ProjectFacts } from './project-facts';
import { DEFAULT_GO_VERSION, goVersionFromDirective } from './runtime-version';
import { code, detected } from './scan-decision';
import { decideHealthPath, decidePort, plan, procfileWeb, refuse, withOverride, type Detected, type RuntimeVerdict } from './scan-plan';

/** Where the build writes the binary, relative to the source; the runtime image copies it from there. */
export const GO_BINARY = 'bin/server';

const isMainPackage = (text: string): boolean => /^\s*package\s+main\b/m.test(text);

/** The package directories (`.`, `./cmd/api`) whose read files declare `package main`. */
function mainPackages(facts: ProjectFacts): string[] {
  const packages = new Set<string>();
  for (const [file, text] of facts.texts) {
    if (!file.endsWith('.go') || file.endsWith('_test.go') || !isMainPackage(text)) continue;
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    if (dir === '' || /^cmd\/[\w.-]+$/.test(dir)) packages.add(dir === '' ? '.' : `./${dir}`);
  }
  return [...packages].sort();
}

export function decideGo(facts: ProjectFacts, overrides: ScanOverrides): RuntimeVerdict {
  const goMod = facts.texts.get('go.mod') ?? '';
  const modulePath = /^module\s+(\S+)/m.exec(goMod)?.[1] ?? null;
  const directive = /^go\s+(\S+)/m.exec(goMod)?.[1] ?? null;
  const decisions: ScanDecision[] = [detected('runtime', 'go', `${code('go.mod')} at the root${modulePath ? ` (module ${code(modulePath)})` : ''} → Go`)];

  const directiveVersion = directive === null ? null : goVersionFromDirective(directive);
  const found: Detected =
    directiveVersion !== null
      ? { value: directiveVersion, evidence: `${code('go.mod')} go ${code(directive!)} → Go ${directiveVersion}` }
      : { value: DEFAULT_GO_VERSION, evidence: `${code('go.mod')} has no go directive → the latest Go 1.x`, isDefault: true };
  const version = withOverride('version', found, overrides.runtimeVersion);
  decisions.push(...version.decisions);

  const vendored = facts.rootDirectories.has('vendor');
  const hasSum = facts.files.has('go.sum');
  const installCommand = vendored || !hasSum ? null : 'go mod download';
  const installWhy = vendored ? `${code('vendor/')} holds the modules → no download` : hasSum ? `${code('go.sum')} → ${code('go mod download')}` : `no ${code('go.sum')}: no module dependencies to download`;
  decisions.push(detected('packageManager', 'go', 'Go modules'), detected('install', installCommand, installWhy));

  // Which package to build: the root, or the single command under cmd/ (or the one named like the module).
  const packages = mainPackages(facts);
  let target: Detected | null = null;
  if (packages.includes('.')) target = { value: '.', evidence: 'the root holds `package main`' };
  else if (packages.length === 1) target = { value: packages[0]!, evidence: `${code(packages[0]!.slice(2))} holds the only \`package main\`` };
  else if (packages.length > 1) {
    const named = modulePath === null ? undefined : packages.find((pkg) => pkg.endsWith(`/${modulePath.split('/').pop()!}`));
    if (named) target = { value: named, evidence: `${packages.map((pkg) => code(pkg.slice(2))).join(', ')} hold \`package main\`; ${code(named.slice(2))} is named like the module` };
  }
  const buildFound: Detected | null = target === null ? null : { value: `CGO_ENABLED=0 go build -trimpath -o ${GO_BINARY} ${target.value}`, evidence: `${target.evidence} → a static binary at ${code(GO_BINARY)}` };
  const build = withOverride('build', buildFound, overrides.buildCommand);
  if (build.value === null) {
    const foundList = packages.length > 1 ? [`several commands: ${packages.map((pkg) => pkg.slice(2)).join(', ')}`] : ['go.mod', 'no `package main` at the root or under cmd/<name>/'];
    const add = packages.length > 1 ? `a build command naming the one to deploy, e.g. \`go build -o ${GO_BINARY} ${packages[0]}\`` : 'a main package (`package main` with `func main()`) at the root or in cmd/<name>/';
    return refuse({
      message: `Berth found ${code('go.mod')} in ${facts.sourceDir} but ${packages.length > 1 ? `several commands (${packages.join(', ')}) and cannot tell which one to deploy` : 'no main package to build'}. Add ${add}.`,
      found: foundList,
      add,
      decisions,
    });
  }
  decisions.push(...build.decisions);

  const startFound: Detected = procfileWeb(facts) ?? { value: `./${GO_BINARY}`, evidence: `the binary the build writes (${code(GO_BINARY)})` };
  const start = withOverride('start', startFound, overrides.startCommand);
  decisions.push(detected('shape', 'server', `a main package to build and run → server`), ...start.decisions);
  const port = decidePort('go', facts, null);
  const health = decideHealthPath(facts);
  decisions.push(port.decision, health.decision);
  return plan({
    shape: 'server',
    runtime: { name: 'go', version: version.value ?? DEFAULT_GO_VERSION, packageManager: 'go' },
    dependencyFiles: ['go.mod', ...(hasSum ? ['go.sum'] : [])],
    installCommand,
    buildCommand: build.value,
    startCommand: start.value,
    outputDir: null,
    port: port.port,
    healthPath: health.healthPath,
    decisions,
  });
}
