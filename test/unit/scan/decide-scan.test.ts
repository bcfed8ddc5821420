// decideScan fed folders held in memory: each detection rule, the overrides, and the refusals.
import { describe, expect, it } from 'vitest';
import { scanRecordSchema, type ScanOverrides, type ScanRecord, type ScanTopic } from '../../../shared';
import { decideScan, scanPrebuiltImage } from '../../../electron/engine/scan/decide-scan';
import { factsFromFiles } from './project-in-memory';

function scan(files: Record<string, string>, overrides: ScanOverrides = {}): ScanRecord {
  const record = decideScan(factsFromFiles(files), overrides);
  expect(scanRecordSchema.parse(record)).toEqual(record);
  return record;
}

const evidence = (record: ScanRecord, topic: ScanTopic): string[] => record.decisions.filter((decision) => decision.topic === topic).map((decision) => decision.evidence);
const pkg = (manifest: object): string => JSON.stringify(manifest, null, 2);

describe('Node', () => {
  it('picks yarn / pnpm by lockfile, and packageManager wins over lockfiles', () => {
    expect(scan({ 'package.json': pkg({ scripts: { start: 'node a.js' } }), 'yarn.lock': '' })).toMatchObject({ runtime: { packageManager: 'yarn' }, installCommand: 'yarn install --frozen-lockfile --production', startCommand: 'yarn start', dependencyFiles: ['package.json', 'yarn.lock'] });
    expect(scan({ 'package.json': pkg({ scripts: { start: 'node a.js' } }), 'pnpm-lock.yaml': '' })).toMatchObject({ runtime: { packageManager: 'pnpm' }, installCommand: 'pnpm install --frozen-lockfile --prod', startCommand: 'pnpm start' });
    const berry = scan({ 'package.json': pkg({ scripts: { start: 'node a.js' }, packageManager: 'yarn@4.1.0' }), 'yarn.lock': '', 'package-lock.json': '{}', '.yarnrc.yml': 'yarnPath: .yarn/releases/yarn-4.1.0.cjs\n', '.yarn/releases/yarn-4.1.0.cjs': '' });
    expect(berry).toMatchObject({ runtime: { packageManager: 'yarn' }, installCommand: 'yarn install --immutable', dependencyFiles: ['package.json', 'yarn.lock', '.yarnrc.yml', '.yarn/releases/yarn-4.1.0.cjs'] });
    expect(evidence(berry, 'packageManager')).toEqual(['`package.json` packageManager = `yarn@4.1.0`']);
    const both = scan({ 'package.json': pkg({ scripts: { start: 'node a.js' } }), 'yarn.lock': '', 'package-lock.json': '{}' });
    expect(evidence(both, 'packageManager')).toEqual(['`yarn.lock` → yarn (also found `package-lock.json`, not used)']);
    expect(scan({ 'package.json': pkg({ scripts: { start: 'node a.js' } }) })).toMatchObject({ installCommand: 'npm install --omit=dev', dependencyFiles: ['package.json'] });
  });

  it('reads the version from .nvmrc, .node-version or engines.node', () => {
    const start = { scripts: { start: 'node a.js' } };
    expect(scan({ 'package.json': pkg(start), '.nvmrc': 'v20.11.1\n' }).runtime?.version).toBe('20');
    expect(scan({ 'package.json': pkg(start), '.node-version': 'lts/iron' }).runtime?.version).toBe('20');
    expect(scan({ 'package.json': pkg({ ...start, engines: { node: '^18.17 || ^20' } }) }).runtime?.version).toBe('20');
    expect(scan({ 'package.json': pkg({ ...start, engines: { node: '>=18 <23' } }) }).runtime?.version).toBe('22');
    expect(scan({ 'package.json': pkg({ ...start, engines: { node: '22.x' } }) }).runtime?.version).toBe('22');
    const unreadable = scan({ 'package.json': pkg({ ...start, engines: { node: 'latest please' } }) });
    expect(unreadable.runtime?.version).toBe('lts');
    expect(unreadable.decisions.find((decision) => decision.topic === 'version')?.source).toBe('default');
  });

  it('starts from main, or from server.js the way npm start does, when there is no start script', () => {
    const main = scan({ 'package.json': pkg({ main: 'src/index.js' }), 'src/index.js': 'require("http").createServer().listen(process.env.PORT)' });
    expect(main).toMatchObject({ shape: 'server', startCommand: 'node src/index.js' });
    expect(evidence(main, 'start')).toEqual(['`package.json` main = `src/index.js` and no scripts.start']);
    expect(scan({ 'package.json': pkg({}), 'server.js': '' })).toMatchObject({ shape: 'server', startCommand: 'node server.js' });
    // A main that the build will write counts; one that is nowhere does not.
    expect(scan({ 'package.json': pkg({ main: 'dist/index.js', scripts: { build: 'tsc' } }) })).toMatchObject({ shape: 'server', startCommand: 'node dist/index.js', buildCommand: 'npm run build', installCommand: 'npm install' });
    expect(scan({ 'package.json': pkg({ main: 'index.js' }), 'lib.js': '' }).refusal?.found).toContain('no main field');
  });

  it('a hard-coded listen port is the port, with the line as evidence', () => {
    const record = scan({ 'package.json': pkg({ scripts: { start: 'node server.js' } }), 'server.js': "const app = require('express')();\napp.listen(3000);\n" });
    expect(record.port).toBe(3000);
    expect(evidence(record, 'port')).toEqual(['`server.js:2` listens on 3000 (`app.listen(3000);`) and does not read PORT → port 3000']);
    const named = scan({ 'package.json': pkg({ scripts: { start: 'node server.js' } }), 'server.js': 'const port = 4000;\nserver.listen(port);\n' });
    expect(named.port).toBe(4000);
  });

  it('no health route and no port in the source: the defaults, said as defaults', () => {
    const record = scan({ 'package.json': pkg({ scripts: { start: 'node a.js' } }), 'a.js': 'console.log(1)' });
    expect(record).toMatchObject({ port: 8080, healthPath: null });
    expect(record.decisions.filter((decision) => decision.topic === 'port' || decision.topic === 'healthPath').map((decision) => decision.source)).toEqual(['default', 'default']);
    expect(evidence(record, 'healthPath')[0]).toContain('verify checks only that the app answers HTTP');
  });

  it('prefers /health over /ping, and finds Go 1.22 method patterns', () => {
    const record = scan({ 'package.json': pkg({ scripts: { start: 'node a.js' } }), 'a.js': "app.get('/ping', ok);\napp.get('/health', ok);\n" });
    expect(record.healthPath).toBe('/health');
    const go = scan({ 'go.mod': 'module x\n\ngo 1.22\n', 'main.go': 'package main\nfunc main() { mux.HandleFunc("GET /healthz", h) }\n' });
    expect(go.healthPath).toBe('/healthz');
  });

  it('a build with a static-site tool and no start is static_build; the output dir comes from config or flags', () => {
    expect(scan({ 'package.json': pkg({ scripts: { build: 'react-scripts build', start: 'react-scripts start' } }) })).toMatchObject({ shape: 'static_build', outputDir: 'build', startCommand: null });
    const vite = scan({ 'package.json': pkg({ scripts: { build: 'tsc && vite build' } }), 'vite.config.ts': "export default { build: { outDir: 'public-dist' } }" });
    expect(vite).toMatchObject({ shape: 'static_build', outputDir: 'public-dist' });
    expect(evidence(vite, 'outputDir')).toEqual(['`vite.config.ts` build.outDir = `public-dist`']);
    expect(scan({ 'package.json': pkg({ scripts: { build: 'npm run build:site', 'build:site': 'vite build --outDir www' } }) }).outputDir).toBe('www');
    expect(scan({ 'package.json': pkg({ scripts: { build: 'next build' } }), 'next.config.js': "module.exports = { output: 'export' }" }).outputDir).toBe('out');
    expect(scan({ 'package.json': pkg({ scripts: { build: 'ng build' } }), 'angular.json': JSON.stringify({ projects: { shop: { architect: { build: { builder: '@angular-devkit/build-angular:application', options: { outputPath: 'dist/shop' } } } } } }) }).outputDir).toBe('dist/shop/browser');
    // SvelteKit without adapter-static and Next without export are servers that need a start script.
    expect(scan({ 'package.json': pkg({ scripts: { build: 'vite build' } }), 'svelte.config.js': "import adapter from '@sveltejs/adapter-node';" }).refusal).not.toBeNull();
    expect(scan({ 'package.json': pkg({ scripts: { build: 'next build' } }) }).refusal?.found).toContain('scripts.build = `next build`, which is not a static-site build Berth recognises');
  });

  it('a build Berth does not recognise and no start is refused, not guessed at', () => {
    const record = scan({ 'package.json': pkg({ scripts: { build: 'tsc' } }), 'src/index.ts': '' });
    expect(record.refusal?.add).toBe('a start script in package.json, e.g. "start": "node index.js"');
  });

  it('package.json that only holds tooling beside an index.html is a static site', () => {
    expect(scan({ 'package.json': pkg({ devDependencies: { prettier: '3' } }), 'index.html': '<h1>' })).toMatchObject({ shape: 'static', runtime: null });
  });

  it('workspaces install after the whole source is copied', () => {
    const record = scan({ 'package.json': pkg({ workspaces: ['packages/*'], scripts: { start: 'node a.js' } }), 'package-lock.json': '{}' });
    expect(record.dependencyFiles).toEqual([]);
    expect(evidence(record, 'install')[0]).toContain('workspaces');
  });

  it('a main that is no plain path is not put on a command line', () => {
    expect(scan({ 'package.json': pkg({ main: 'index.js\nRUN id' }), 'index.js\nRUN id': '' }).refusal?.found).toContain('no main field');
  });

  it('invalid package.json is refused with the parse error', () => {
    expect(scan({ 'package.json': '{ "name": ' }).refusal?.found[0]).toMatch(/^package\.json that is not valid JSON/);
    // The parser's message quotes the text; its line breaks do not split Berth's one-line message.
    expect(scan({ 'package.json': 'not json\n' }).refusal?.message).not.toContain('\n');
  });
});

describe('Python', () => {
  it('Django with gunicorn loads the project wsgi module named in manage.py', () => {
    const record = scan({
      'requirements.txt': 'Django>=5\ngunicorn\n',
      'manage.py': "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')",
      'mysite/wsgi.py': 'application = get_wsgi_application()',
      'mysite/urls.py': 'urlpatterns = [path("health/", health)]',
    });
    expect(record).toMatchObject({ startCommand: 'gunicorn --bind 0.0.0.0:$PORT mysite.wsgi', healthPath: '/health/' });
    expect(evidence(record, 'start')[0]).toContain('`manage.py` sets DJANGO_SETTINGS_MODULE = `mysite.settings`');
  });

  it('Flask without gunicorn runs its own server, and says to add gunicorn', () => {
    const record = scan({ 'requirements.txt': 'flask\n', 'src/web.py': 'from flask import Flask\napplication = Flask(__name__)\n' });
    expect(record.startCommand).toBe('flask --app src.web run --host 0.0.0.0 --port $PORT');
    expect(evidence(record, 'start')[0]).toContain('add gunicorn for production');
  });

  it('a Flask app factory is called by gunicorn', () => {
    expect(scan({ 'requirements.txt': 'flask\ngunicorn\n', 'app/__init__.py': 'from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n' }).startCommand).toBe("gunicorn --bind 0.0.0.0:$PORT 'app:create_app()'");
  });

  it('FastAPI without an ASGI server: add uvicorn; fastapi[standard] brings it', () => {
    const missing = scan({ 'requirements.txt': 'fastapi\n', 'main.py': 'app = FastAPI()\n' });
    expect(missing.refusal?.add).toBe('uvicorn in requirements.txt');
    expect(scan({ 'requirements.txt': 'fastapi[standard]==0.115\n', 'main.py': 'app = FastAPI()\n' }).startCommand).toBe('uvicorn main:app --host 0.0.0.0 --port $PORT');
  });

  it('pyproject [project].dependencies go into the install command; Pipfile uses pipenv', () => {
    const pyproject = scan({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = [\n  "flask>=3",\n  "gunicorn",\n]\n', 'app.py': 'app = Flask(__name__)\n' });
    expect(pyproject).toMatchObject({ installCommand: "pip install --no-cache-dir 'flask>=3' gunicorn", dependencyFiles: ['pyproject.toml'], startCommand: 'gunicorn --bind 0.0.0.0:$PORT app:app' });
    const pipenv = scan({ Pipfile: '[packages]\nflask = "*"\ngunicorn = "*"\n\n[requires]\npython_version = "3.10"\n', 'Pipfile.lock': '{}', 'app.py': 'app = Flask(__name__)\n' });
    expect(pipenv).toMatchObject({ runtime: { packageManager: 'pipenv', version: '3.10' }, dependencyFiles: ['Pipfile', 'Pipfile.lock'] });
  });

  it('an editable install needs the source, so it runs after the copy', () => {
    const record = scan({ 'requirements.txt': '-e .\ngunicorn\nflask\n', 'app.py': 'app = Flask(__name__)\n' });
    expect(record.dependencyFiles).toEqual([]);
  });

  it('a requirements file that includes another reads both', () => {
    const record = scan({ 'requirements.txt': '-r requirements/base.txt\n', 'requirements/base.txt': 'gunicorn\nflask\n', 'app.py': 'app = Flask(__name__)\n' });
    expect(record).toMatchObject({ startCommand: 'gunicorn --bind 0.0.0.0:$PORT app:app', dependencyFiles: ['requirements.txt', 'requirements/base.txt'] });
  });

  it('a plain script runs as one, and its own port counts', () => {
    const record = scan({ 'requirements.txt': '', 'main.py': 'import http.server\nPORT = 8000\nif __name__ == "__main__":\n    serve()\n' });
    expect(record).toMatchObject({ startCommand: 'python main.py', port: 8000 });
  });

  it('only importable modules are named to gunicorn (no spaces, dashes or line breaks in the path)', () => {
    expect(scan({ 'requirements.txt': 'flask\ngunicorn\n', 'my app/web.py': 'app = Flask(__name__)\n', 'site-tools/web.py': 'app = Flask(__name__)\n' }).refusal?.found).toEqual(['requirements.txt lists flask', 'no `app = Flask(__name__)` or create_app() in the Python files read']);
  });

  it('nothing to start is refused', () => {
    expect(scan({ 'requirements.txt': 'requests\n', 'lib.py': 'x = 1\n' }).refusal?.add).toContain('a start command');
  });
});

describe('Go', () => {
  it('builds the one command under cmd/, downloads modules with go.sum, honours a literal port', () => {
    const record = scan({ 'go.mod': 'module example.com/shop\n\ngo 1.22.3\n', 'go.sum': '', 'cmd/api/main.go': 'package main\nfunc main() { http.ListenAndServe(":9000", nil) }\n', 'internal/x.go': 'package internal' });
    expect(record).toMatchObject({ buildCommand: 'CGO_ENABLED=0 go build -trimpath -o bin/server ./cmd/api', installCommand: 'go mod download', dependencyFiles: ['go.mod', 'go.sum'], runtime: { version: '1.22' }, port: 9000 });
  });

  it('several commands: the one named like the module, else refused naming them', () => {
    const files = { 'go.sum': '', 'cmd/shop/main.go': 'package main', 'cmd/migrate/main.go': 'package main' };
    expect(scan({ ...files, 'go.mod': 'module example.com/shop\n' }).buildCommand).toContain('./cmd/shop');
    const refused = scan({ ...files, 'go.mod': 'module example.com/other\n' });
    expect(refused.refusal?.found).toEqual(['several commands: cmd/migrate, cmd/shop']);
  });
});

describe('shapes and refusals around the runtimes', () => {
  it('a Dockerfile is existing_docker, with EXPOSE as the port; overrides are said to be unused', () => {
    const record = scan({ Dockerfile: 'FROM x\nEXPOSE 5000\nHEALTHCHECK CMD curl -f http://localhost:5000/status || exit 1\n', 'package.json': pkg({}) }, { startCommand: 'node x.js' });
    expect(record).toMatchObject({ shape: 'existing_docker', dockerfile: 'Dockerfile', port: 5000, healthPath: '/status' });
    expect(evidence(record, 'start')).toEqual(['project setting startCommand = `node x.js` is not used: the project builds from its own Dockerfile']);
  });

  it('two runnable apps are ambiguous; a runtime whose manifest names no app gives way to the other', () => {
    const both = scan({ 'package.json': pkg({ scripts: { start: 'node a.js' } }), 'requirements.txt': 'flask\ngunicorn\n', 'app.py': 'app = Flask(__name__)\n' });
    expect(both.refusal?.found).toEqual(['node: npm start', 'python: gunicorn --bind 0.0.0.0:$PORT app:app']);
    const tailwind = scan({ 'package.json': pkg({ scripts: { build: 'tailwindcss -o static/app.css' } }), 'requirements.txt': 'flask\ngunicorn\n', 'app.py': 'app = Flask(__name__)\n' });
    expect(tailwind).toMatchObject({ shape: 'server', runtime: { name: 'python' } });
  });

  it('source files without a manifest: add the manifest', () => {
    expect(scan({ 'server.js': '' }).refusal?.add).toBe('a package.json with a start script, e.g. "start": "node server.js"');
    expect(scan({ 'app.py': '' }).refusal?.add).toContain('requirements.txt');
    expect(scan({ 'README.md': '', 'notes.txt': '' }).refusal?.found).toEqual(['2 files (README.md, notes.txt)']);
  });

  it('settings.image: prebuilt_image without reading the folder', () => {
    const record = scanPrebuiltImage('/projects/app', 'registry.local/app:1');
    expect(scanRecordSchema.parse(record)).toEqual(record);
    expect(record).toMatchObject({ shape: 'prebuilt_image', image: 'registry.local/app:1' });
  });

  it('virtualenvs under any name (pyvenv.cfg), __pycache__ and node_modules are skipped, and listed as such', () => {
    const record = scan({ 'requirements.txt': 'flask\n', 'app.py': 'app = Flask(__name__)\n', 'env/pyvenv.cfg': '', 'env/lib/site.py': 'app = Flask(__name__)', '__pycache__/app.pyc': '', 'node_modules/x/index.js': '' });
    expect(record.skippedDirectories).toEqual([
      { path: 'env', reason: 'virtualenv' },
      { path: '__pycache__', reason: 'cache' },
      { path: 'node_modules', reason: 'dependencies' },
    ]);
    expect(evidence(record, 'listing')).toEqual(['listed 2 files; skipped `env`, `__pycache__`, `node_modules`']);
  });
});

describe('overrides win over detection and say so', () => {
  it('start, build, output dir and runtime version', () => {
    const record = scan({ 'package.json': pkg({ scripts: { start: 'node server.js' } }), 'server.js': '' }, { startCommand: 'node --enable-source-maps server.js', buildCommand: 'npm run compile', runtimeVersion: '20' });
    expect(record).toMatchObject({ startCommand: 'node --enable-source-maps server.js', buildCommand: 'npm run compile', runtime: { version: '20' } });
    expect(record.decisions.filter((decision) => decision.source === 'override').map((decision) => decision.evidence)).toEqual([
      'project setting runtimeVersion = `20` instead of the detected `lts`',
      'project setting buildCommand = `npm run compile`',
      'project setting startCommand = `node --enable-source-maps server.js` instead of the detected `npm start`',
    ]);
    const site = scan({ 'package.json': pkg({ scripts: { build: 'node build.mjs' } }) }, { outputDir: 'public' });
    expect(site).toMatchObject({ shape: 'static_build', outputDir: 'public' });
    expect(evidence(site, 'outputDir')).toEqual(['project setting outputDir = `public`']);
  });

  it('a start command makes a Node app with none deployable; a Python app too', () => {
    expect(scan({ 'package.json': pkg({}) }, { startCommand: 'node worker.js' })).toMatchObject({ shape: 'server', startCommand: 'node worker.js', refusal: null });
    expect(scan({ 'requirements.txt': 'requests\n' }, { startCommand: 'python bot.py' })).toMatchObject({ shape: 'server', startCommand: 'python bot.py' });
  });
});
