// A folder with requirements.txt, pyproject.toml or Pipfile: the dependencies and how they install, the
// Python version, the framework and server (gunicorn, uvicorn; Flask, Django, FastAPI), and the app object
// the server loads, found in the source (`app = Flask(__name__)` in app.py → `gunicorn app:app`).
import type { PackageManager, ScanDecision, ScanOverrides } from '../../../shared/scan';
import type { ProjectFacts } from './project-facts';
import { DEFAULT_PYTHON_VERSION, pythonVersionForRange, pythonVersionFromText } from './runtime-version';
import { code, detected } from './scan-decision';
import { bindsPortVariable, decideHealthPath, decidePort, plan, procfileWeb, refuse, withOverride, type Detected, type RuntimeVerdict } from './scan-plan';
import { requirementIncludes } from './source-selection';
import { readTomlTables, tomlString, tomlStringArray, type TomlTables } from './toml-tables';

interface Requirement {
  /** PEP 503 normalised: lower case, runs of `-_.` as `-`. */
  readonly name: string;
  readonly extras: readonly string[];
  readonly spec: string;
}

interface DependencySet {
  readonly manager: Extract<PackageManager, 'pip' | 'pipenv' | 'poetry'>;
  readonly manifest: string;
  readonly requirements: readonly Requirement[];
  readonly installCommand: string;
  /** Copied before the source; empty when the install needs the source itself. */
  readonly dependencyFiles: readonly string[];
  readonly evidence: string;
}

const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

export function parseRequirement(spec: string): Requirement | null {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/.exec(spec.trim());
  if (!match) return null;
  const extras = (match[2] ?? '').split(',').map((extra) => normalise(extra.trim())).filter((extra) => extra !== '');
  return { name: normalise(match[1]!), extras, spec: spec.trim() };
}

// A requirement that points into the folder (`-e .`, `./lib`, `file:`) needs the source to install.
const LOCAL_REQUIREMENT = /^(?:-e|--editable)\s|^\.{1,2}(?:\/|$)|^file:|@\s*file:/;

function requirementsFile(facts: ProjectFacts): DependencySet | null {
  const text = facts.texts.get('requirements.txt');
  if (text === undefined) return null;
  const files = ['requirements.txt'];
  const requirements: Requirement[] = [];
  let local: string | null = null;
  const read = (file: string, body: string): void => {
    for (const rawLine of body.split(/\r?\n/)) {
      const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
      if (line === '') continue;
      if (LOCAL_REQUIREMENT.test(line)) local ??= `${code(file)} installs ${code(line)} from the folder`;
      if (line.startsWith('-')) continue;
      const requirement = parseRequirement(line);
      if (requirement) requirements.push(requirement);
    }
  };
  read('requirements.txt', text);
  for (const include of requirementIncludes(text)) {
    const body = facts.texts.get(include);
    if (body === undefined) continue;
    files.push(include);
    read(include, body);
  }
  return {
    manager: 'pip',
    manifest: 'requirements.txt',
    requirements,
    installCommand: 'pip install --no-cache-dir -r requirements.txt',
    dependencyFiles: local === null ? files : [],
    evidence: `${code('requirements.txt')} → ${code('pip install --no-cache-dir -r requirements.txt')}${local === null ? '' : `; ${local}, so it runs after the whole source is copied`}`,
  };
}

const shellQuote = (word: string): string => (/^[\w.,:=<>~!@+/-]+$/.test(word) && !/[<>]/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

function pyprojectFile(facts: ProjectFacts, tables: TomlTables | null): DependencySet | null {
  if (tables === null) return null;
  const project = tables.get('project');
  const listed = tomlStringArray(project?.get('dependencies'));
  const dynamic = tomlStringArray(project?.get('dynamic')) ?? [];
  if (listed !== null && !dynamic.includes('dependencies')) {
    const requirements = listed.map(parseRequirement).filter((requirement): requirement is Requirement => requirement !== null);
    // The dependency list goes into the install command itself, so that layer changes only when the list does.
    const installCommand = listed.length === 0 ? 'true' : `pip install --no-cache-dir ${listed.map(shellQuote).join(' ')}`;
    return {
      manager: 'pip',
      manifest: 'pyproject.toml',
      requirements,
      installCommand,
      dependencyFiles: ['pyproject.toml'],
      evidence: `${code('pyproject.toml')} [project].dependencies lists ${listed.length} → ${code(installCommand)}`,
    };
  }
  const poetry = tables.get('tool.poetry.dependencies');
  if (poetry !== undefined) {
    const requirements = [...poetry.keys()].filter((name) => name !== 'python').map((name) => ({ name: normalise(name), extras: extrasOfPoetry(poetry.get(name)!), spec: name }));
    const installCommand = 'pip install --no-cache-dir poetry && poetry config virtualenvs.create false && poetry install --no-root --only main --no-interaction';
    const files = ['pyproject.toml', ...(facts.files.has('poetry.lock') ? ['poetry.lock'] : [])];
    return { manager: 'poetry', manifest: 'pyproject.toml', requirements, installCommand, dependencyFiles: files, evidence: `${code('pyproject.toml')} [tool.poetry.dependencies] → poetry: ${code(installCommand)}` };
  }
  return {
    manager: 'pip',
    manifest: 'pyproject.toml',
    requirements: [],
    installCommand: 'pip install --no-cache-dir .',
    dependencyFiles: [],
    evidence: `${code('pyproject.toml')} lists no static [project].dependencies → ${code('pip install .')} after the whole source is copied`,
  };
}

function extrasOfPoetry(raw: string): string[] {
  const extras = /extras\s*=\s*(\[[^\]]*\])/.exec(raw);
  return extras ? (tomlStringArray(extras[1]) ?? []).map(normalise) : [];
}

function pipfile(facts: ProjectFacts, tables: TomlTables | null): DependencySet | null {
  if (tables === null) return null;
  const packages = tables.get('packages') ?? new Map<string, string>();
  const requirements = [...packages.keys()].map((name) => ({ name: normalise(name), extras: extrasOfPoetry(packages.get(name)!), spec: name }));
  const locked = facts.files.has('Pipfile.lock');
  const installCommand = `pip install --no-cache-dir pipenv && pipenv install --system ${locked ? '--deploy' : '--skip-lock'}`;
  return {
    manager: 'pipenv',
    manifest: 'Pipfile',
    requirements,
    installCommand,
    dependencyFiles: ['Pipfile', ...(locked ? ['Pipfile.lock'] : [])],
    evidence: `${code('Pipfile')}${locked ? ` and ${code('Pipfile.lock')}` : ' (no Pipfile.lock)'} → ${code(installCommand)}`,
  };
}

function chooseVersion(facts: ProjectFacts, pyproject: TomlTables | null, pipfileTables: TomlTables | null): Detected {
  for (const file of ['.python-version', 'runtime.txt']) {
    const text = facts.texts.get(file);
    if (text === undefined) continue;
    const version = pythonVersionFromText(text);
    if (version !== null) return { value: version, evidence: `${code(file)} = ${code(text.trim())} → Python ${version}` };
  }
  const requires = tomlString(pyproject?.get('project')?.get('requires-python')) ?? tomlString(pyproject?.get('tool.poetry.dependencies')?.get('python'))?.replace(/^\^/, '>=');
  if (requires) {
    const version = pythonVersionForRange(requires);
    if (version !== null) return { value: version, evidence: `${code('pyproject.toml')} requires-python = ${code(requires)} → Python ${version}` };
  }
  const pipfileVersion = tomlString(pipfileTables?.get('requires')?.get('python_version')) ?? tomlString(pipfileTables?.get('requires')?.get('python_full_version'));
  if (pipfileVersion) {
    const version = pythonVersionFromText(pipfileVersion);
    if (version !== null) return { value: version, evidence: `${code('Pipfile')} [requires] python_version = ${code(pipfileVersion)} → Python ${version}` };
  }
  return { value: DEFAULT_PYTHON_VERSION, evidence: `no .python-version, runtime.txt or requires-python → Python ${DEFAULT_PYTHON_VERSION}`, isDefault: true };
}

interface AppObject {
  readonly module: string;
  readonly name: string;
  readonly factory: boolean;
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

const moduleOf = (file: string): string => file.replace(/\.py$/, '').replace(/\/__init__$/, '').split('/').join('.');
/** Only a path of Python identifiers can be imported by gunicorn or uvicorn (and it goes into a command line). */
const isImportable = (file: string): boolean => /^(?:[A-Za-z_]\w*\/)*[A-Za-z_]\w*\.py$/.test(file);

/** The first `name = Framework(...)` (or an app factory) in the files read, entry files first. */
function findAppObject(facts: ProjectFacts, constructors: readonly string[], factories: boolean): AppObject | null {
  const assignment = new RegExp(String.raw`^(\w+)\s*(?::[^=\n]+)?=\s*(?:${constructors.join('|')})\(`, 'm');
  for (const [file, text] of facts.texts) {
    if (!isImportable(file)) continue;
    const found = assignment.exec(text) ?? (factories && /^\s*(?:from|import)\s+flask\b/m.test(text) ? /^def\s+(create_app|make_app)\s*\(/m.exec(text) : null);
    if (!found) continue;
    const line = text.slice(0, found.index).split('\n').length;
    return { module: moduleOf(file), name: found[1]!, factory: found[0].startsWith('def'), file, line, text: text.split('\n')[line - 1]!.trim() };
  }
  return null;
}

/** Django: manage.py's DJANGO_SETTINGS_MODULE names the project package, whose wsgi.py gunicorn loads. */
function djangoWsgiModule(facts: ProjectFacts): { module: string; evidence: string } | null {
  const manage = facts.texts.get('manage.py');
  const settings = manage === undefined ? null : /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+?)\.settings(?:\.\w+)?['"]/.exec(manage);
  if (!settings) return null;
  const wsgiFile = `${settings[1]!.split('.').join('/')}/wsgi.py`;
  if (!facts.files.has(wsgiFile)) return null;
  return { module: `${settings[1]!}.wsgi`, evidence: `${code('manage.py')} sets DJANGO_SETTINGS_MODULE = ${code(`${settings[1]!}.settings`)} and ${code(wsgiFile)} exists` };
}

const objectRef = (app: AppObject): string => `${app.module}:${app.name}${app.factory ? '()' : ''}`;
const appEvidence = (app: AppObject): string => `${code(`${app.file}:${app.line}`)} ${app.factory ? 'defines the factory' : 'defines'} ${code(app.text)}`;

const GUNICORN = (target: string): string => `gunicorn --bind 0.0.0.0:$PORT ${target.includes('(') ? `'${target}'` : target}`;
const UVICORN = (target: string): string => `uvicorn ${target} --host 0.0.0.0 --port $PORT`;

/** `application = …` or `app = …` in wsgi.py, asgi.py, app.py or main.py. */
function wellKnownAppObject(facts: ProjectFacts): AppObject | null {
  for (const file of ['wsgi.py', 'asgi.py', 'app.py', 'main.py']) {
    const text = facts.texts.get(file);
    const found = text === undefined ? null : /^(application|app)\s*=/m.exec(text);
    if (!found || text === undefined) continue;
    const line = text.slice(0, found.index).split('\n').length;
    return { module: moduleOf(file), name: found[1]!, factory: false, file, line, text: text.split('\n')[line - 1]!.trim() };
  }
  return null;
}

function mainScript(facts: ProjectFacts): { file: string; line: number } | null {
  for (const file of ['app.py', 'main.py', 'server.py', 'run.py']) {
    const text = facts.texts.get(file);
    if (text === undefined) continue;
    const found = /^if\s+__name__\s*==\s*['"]__main__['"]\s*:/m.exec(text);
    if (found) return { file, line: text.slice(0, found.index).split('\n').length };
  }
  return null;
}

interface StartVerdict {
  readonly start: Detected | null;
  readonly refusal?: { readonly found: string[]; readonly add: string };
}

function decideStart(facts: ProjectFacts, dependencies: DependencySet): StartVerdict {
  const names = new Set(dependencies.requirements.map((requirement) => requirement.name));
  const lists = (name: string): boolean => names.has(name);
  // fastapi[standard] and fastapi[all] bring uvicorn along.
  const hasUvicorn = lists('uvicorn') || dependencies.requirements.some((requirement) => requirement.name === 'fastapi' && requirement.extras.some((extra) => extra === 'standard' || extra === 'all'));
  const hasGunicorn = lists('gunicorn');
  const manifest = code(dependencies.manifest);
  const servers = [hasGunicorn ? 'gunicorn' : null, hasUvicorn ? 'uvicorn' : null].filter(Boolean).join(' and ');
  const listsWhat = (framework: string): string => `${manifest} lists ${[servers, framework].filter(Boolean).join(' and ')}`;

  if (lists('django') || facts.texts.get('manage.py')?.includes('DJANGO_SETTINGS_MODULE')) {
    const wsgi = djangoWsgiModule(facts);
    if (wsgi === null) return { start: null, refusal: { found: [`${dependencies.manifest} lists django`, 'no manage.py naming a settings module with a wsgi.py beside it'], add: 'a start command (a Procfile `web:` line), or manage.py from `django-admin startproject`' } };
    if (hasGunicorn) return { start: { value: GUNICORN(wsgi.module), evidence: `${listsWhat('django')}; ${wsgi.evidence} → ${code(GUNICORN(wsgi.module))}` } };
    const command = 'python manage.py runserver 0.0.0.0:$PORT';
    return { start: { value: command, evidence: `${listsWhat('django')} but not gunicorn; ${wsgi.evidence} → ${code(command)} (Django's development server: add gunicorn for production)` } };
  }

  const asgiFramework = lists('fastapi') ? 'fastapi' : lists('starlette') ? 'starlette' : null;
  const asgiApp = findAppObject(facts, ['FastAPI', 'Starlette'], false);
  if (asgiFramework !== null || asgiApp !== null) {
    const framework = asgiFramework ?? 'an ASGI framework';
    if (asgiApp === null) return { start: null, refusal: { found: [`${dependencies.manifest} lists ${framework}`, 'no `app = FastAPI()` in the Python files read'], add: 'a start command naming the app, e.g. a Procfile line `web: uvicorn main:app --host 0.0.0.0 --port $PORT`' } };
    if (!hasUvicorn) return { start: null, refusal: { found: [`${dependencies.manifest} lists ${framework} but no ASGI server`, `${asgiApp.file} defines ${asgiApp.text}`], add: `uvicorn in ${dependencies.manifest}` } };
    const command = UVICORN(objectRef(asgiApp));
    return { start: { value: command, evidence: `${listsWhat(framework)}; ${appEvidence(asgiApp)} → ${code(command)}` } };
  }

  const flaskApp = findAppObject(facts, ['Flask'], true);
  if (lists('flask') || flaskApp !== null) {
    if (flaskApp === null) return { start: null, refusal: { found: [`${dependencies.manifest} lists flask`, 'no `app = Flask(__name__)` or create_app() in the Python files read'], add: 'a start command naming the app, e.g. a Procfile line `web: gunicorn --bind 0.0.0.0:$PORT app:app`' } };
    if (hasGunicorn) {
      const command = GUNICORN(objectRef(flaskApp));
      return { start: { value: command, evidence: `${listsWhat('flask')}; ${appEvidence(flaskApp)} → ${code(command)}` } };
    }
    const command = `flask --app ${flaskApp.module} run --host 0.0.0.0 --port $PORT`;
    return { start: { value: command, evidence: `${listsWhat('flask')} but not gunicorn; ${appEvidence(flaskApp)} → ${code(command)} (Flask's development server: add gunicorn for production)` } };
  }

  // A server without a framework Berth knows: the WSGI/ASGI object in the usual module.
  if (hasGunicorn || hasUvicorn) {
    const app = wellKnownAppObject(facts);
    if (app !== null) {
      const command = hasGunicorn ? GUNICORN(objectRef(app)) : UVICORN(objectRef(app));
      return { start: { value: command, evidence: `${manifest} lists ${servers}; ${appEvidence(app)} → ${code(command)}` } };
    }
  }

  const script = mainScript(facts);
  if (script !== null) return { start: { value: `python ${script.file}`, evidence: `${code(`${script.file}:${script.line}`)} runs as a script (\`if __name__ == "__main__"\`) and no web framework Berth knows is listed → ${code(`python ${script.file}`)}` } };
  return {
    start: null,
    refusal: {
      found: [`${dependencies.manifest} without gunicorn, uvicorn, Flask, Django or FastAPI`, 'no app.py / main.py that runs as a script'],
      add: 'a start command: a Procfile `web:` line, or gunicorn plus a Flask/Django app in the dependencies',
    },
  };
}

export function decidePython(facts: ProjectFacts, overrides: ScanOverrides): RuntimeVerdict {
  const parse = (file: string): TomlTables | null => {
    const text = facts.texts.get(file);
    return text === undefined ? null : readTomlTables(text);
  };
  const pyproject = parse('pyproject.toml');
  const pipfileTables = parse('Pipfile');
  const dependencies = requirementsFile(facts) ?? pipfile(facts, pipfileTables) ?? pyprojectFile(facts, pyproject);
  if (dependencies === null) throw new Error('decidePython needs requirements.txt, Pipfile or pyproject.toml');

  const decisions: ScanDecision[] = [detected('runtime', 'python', `${code(dependencies.manifest)} at the root → Python`)];
  decisions.push(detected('packageManager', dependencies.manager, `${code(dependencies.manifest)} → ${dependencies.manager}`));
  const version = withOverride('version', chooseVersion(facts, pyproject, pipfileTables), overrides.runtimeVersion);
  decisions.push(...version.decisions);
  decisions.push(detected('install', dependencies.installCommand, dependencies.evidence));
  const build = withOverride('build', null, overrides.buildCommand);
  decisions.push(...build.decisions);

  const procfile = procfileWeb(facts);
  const verdict: StartVerdict = procfile !== null ? { start: procfile } : overrides.startCommand !== undefined ? { start: null } : decideStart(facts, dependencies);
  const start = withOverride('start', verdict.start, overrides.startCommand);
  if (start.value === null) {
    const refusal = verdict.refusal ?? { found: [`${dependencies.manifest}`], add: 'a start command (a Procfile `web:` line)' };
    return refuse({
      message: `Berth found ${code(dependencies.manifest)} in ${facts.sourceDir} but cannot tell how to start the app: ${refusal.found.join('; ')}. Add ${refusal.add}.`,
      found: refusal.found,
      add: refusal.add,
      decisions,
    });
  }
  decisions.push(detected('shape', 'server', `a start command (${code(start.value)}) → server`));
  decisions.push(...start.decisions);
  const port = decidePort('python', facts, bindsPortVariable(start.value) ? `the start command ${code(start.value)}` : null);
  const health = decideHealthPath(facts);
  decisions.push(port.decision, health.decision);
  return plan({
    shape: 'server',
    runtime: { name: 'python', version: version.value ?? DEFAULT_PYTHON_VERSION, packageManager: dependencies.manager },
    dependencyFiles: dependencies.dependencyFiles,
    installCommand: dependencies.installCommand,
    buildCommand: build.value,
    startCommand: start.value,
    outputDir: null,
    port: port.port,
    healthPath: health.healthPath,
    decisions,
  });
}
