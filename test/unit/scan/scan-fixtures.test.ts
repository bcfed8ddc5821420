// scanProject over the fixture folders (real reads): shape, runtime, commands, port, health route and the
// evidence behind each, and the refusals that name what was found and what to add.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { scanRecordSchema, type ScanRecord, type ScanTopic } from '../../../shared';
import { scanProject } from '../../../electron/engine/scan/scan-project';
import { makeTempDir } from '../../support/temp-dir';

const FIXTURES = fileURLToPath(new URL('../../fixtures/zero-config/', import.meta.url));

async function scan(name: string): Promise<ScanRecord> {
  const record = await scanProject(join(FIXTURES, name));
  // What the API and the CLI return must satisfy the shared schema as it is.
  expect(scanRecordSchema.parse(record)).toEqual(record);
  return record;
}

function evidence(record: ScanRecord, topic: ScanTopic): string {
  return record.decisions
    .filter((decision) => decision.topic === topic)
    .map((decision) => decision.evidence)
    .join(' | ');
}

describe('scanProject: deployable fixtures', () => {
  it('Express app reading PORT with a package-lock.json → server, npm ci, npm start, /health', async () => {
    const record = await scan('express');
    expect(record).toMatchObject({
      shape: 'server',
      runtime: { name: 'node', version: 'lts', packageManager: 'npm' },
      dependencyFiles: ['package.json', 'package-lock.json'],
      installCommand: 'npm ci --omit=dev',
      buildCommand: null,
      startCommand: 'npm start',
      port: 8080,
      healthPath: '/health',
      refusal: null,
      buildVerification: { status: 'skipped' },
    });
    expect(evidence(record, 'start')).toBe('`package.json` scripts.start = `node server.js`');
    expect(evidence(record, 'packageManager')).toBe('`package-lock.json` → npm');
    expect(evidence(record, 'version')).toBe('`package.json` engines.node = `>=18` → Node LTS (the range has no upper bound)');
    expect(evidence(record, 'port')).toBe('`server.js:5` reads PORT (`const port = process.env.PORT || 3000;`) → Berth passes PORT=8080');
    expect(evidence(record, 'healthPath')).toMatch(/^`server\.js:8` defines `\/health`/);
  });

  it('Flask app with gunicorn → gunicorn bound to $PORT, loading the app object found in app.py', async () => {
    const record = await scan('flask-gunicorn');
    expect(record).toMatchObject({
      shape: 'server',
      runtime: { name: 'python', version: '3.11', packageManager: 'pip' },
      dependencyFiles: ['requirements.txt'],
      installCommand: 'pip install --no-cache-dir -r requirements.txt',
      startCommand: 'gunicorn --bind 0.0.0.0:$PORT app:app',
      port: 8080,
      healthPath: '/healthz',
    });
    expect(evidence(record, 'start')).toBe('`requirements.txt` lists gunicorn and flask; `app.py:4` defines `app = Flask(__name__)` → `gunicorn --bind 0.0.0.0:$PORT app:app`');
    expect(evidence(record, 'version')).toBe('`.python-version` = `3.11` → Python 3.11');
    expect(evidence(record, 'port')).toContain('binds `$PORT` → Berth passes PORT=8080');
  });

  it('FastAPI app with uvicorn → uvicorn on $PORT; the version comes from requires-python', async () => {
    const record = await scan('fastapi-uvicorn');
    expect(record).toMatchObject({
      shape: 'server',
      runtime: { name: 'python', version: '3.12', packageManager: 'pip' },
      startCommand: 'uvicorn main:app --host 0.0.0.0 --port $PORT',
      healthPath: '/ping',
    });
    expect(evidence(record, 'start')).toContain('`main.py:4` defines `app = FastAPI()`');
    expect(evidence(record, 'version')).toBe('`pyproject.toml` requires-python = `>=3.10,<3.13` → Python 3.12');
  });

  it('Go net/http app → a static binary from the root package, the go directive as version, /up', async () => {
    const record = await scan('go-http');
    expect(record).toMatchObject({
      shape: 'server',
      runtime: { name: 'go', version: '1.19', packageManager: 'go' },
      dependencyFiles: ['go.mod'],
      installCommand: null,
      buildCommand: 'CGO_ENABLED=0 go build -trimpath -o bin/server .',
      startCommand: './bin/server',
      port: 8080,
      healthPath: '/up',
    });
    expect(evidence(record, 'version')).toBe('`go.mod` go `1.19` → Go 1.19');
    expect(evidence(record, 'port')).toBe('`main.go:12` reads PORT (`port := os.Getenv("PORT")`) → Berth passes PORT=8080');
  });

  it('plain static site → static, no runtime, served on 8080 with no health route', async () => {
    const record = await scan('static-site');
    expect(record).toMatchObject({ shape: 'static', runtime: null, startCommand: null, buildCommand: null, port: 8080, healthPath: null });
    expect(evidence(record, 'shape')).toContain('`index.html` at the root and no package.json');
  });

  it('Vite site whose npm run build writes dist/ and has no start → static_build with outputDir dist', async () => {
    const record = await scan('static-build');
    expect(record).toMatchObject({
      shape: 'static_build',
      runtime: { name: 'node', packageManager: 'npm' },
      installCommand: 'npm ci',
      buildCommand: 'npm run build',
      startCommand: null,
      outputDir: 'dist',
      healthPath: null,
    });
    expect(evidence(record, 'build')).toBe('`package.json` scripts.build = `vite build`');
    expect(evidence(record, 'outputDir')).toBe('Vite writes `dist` (its default; `vite.config.js` sets no build.outDir)');
  });

  it('never writes into the folder it scans', async () => {
    const snapshot = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return `${path} ${statSync(path).mtimeMs}`;
      });
    const before = snapshot(FIXTURES);
    for (const name of readdirSync(FIXTURES)) await scanProject(join(FIXTURES, name));
    expect(snapshot(FIXTURES)).toEqual(before);
  });
});

describe('scanProject: refusals (PROJECT_SHAPE_UNSUPPORTED) name what was found and what to add', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('an empty folder', async () => {
    const temp = makeTempDir('berth-scan-empty-');
    cleanups.push(temp.cleanup);
    const record = await scanProject(temp.dir);
    expect(scanRecordSchema.parse(record)).toEqual(record);
    expect(record.shape).toBeNull();
    expect(record.refusal).toMatchObject({ code: 'PROJECT_SHAPE_UNSUPPORTED', found: ['an empty folder'] });
    expect(record.refusal!.message).toBe(`Berth found nothing in ${temp.dir}. Add your app: a package.json with a start script, a requirements.txt, a go.mod, an index.html, or a Dockerfile.`);
  });

  it('a folder holding only what the scan skips says so', async () => {
    const temp = makeTempDir('berth-scan-skipped-only-');
    cleanups.push(temp.cleanup);
    mkdirSync(join(temp.dir, 'node_modules/left-pad'), { recursive: true });
    const record = await scanProject(temp.dir);
    expect(record.refusal?.found).toEqual(['only node_modules, which Berth does not read']);
  });

  it('a Node app with no start script, no main and no server.js: add a start script (naming the entry file seen)', async () => {
    const record = await scan('node-no-start');
    expect(record.shape).toBeNull();
    expect(record.refusal).toMatchObject({
      code: 'PROJECT_SHAPE_UNSUPPORTED',
      found: ['package.json without scripts.start', 'no main field', 'no server.js at the root'],
      add: 'a start script in package.json, e.g. "start": "node app.js"',
    });
    expect(record.refusal!.message).toContain('Berth found `package.json`');
    expect(record.refusal!.message).toContain('Add a start script to package.json, e.g. `"start": "node app.js"`.');
  });

  it('a Dockerfile beside a compose file: the stack (multi), the Dockerfile named as one of its builds', async () => {
    const record = await scan('dockerfile-and-compose');
    expect(record).toMatchObject({ shape: 'multi', dockerfile: 'Dockerfile', composeFile: 'compose.yaml', refusal: null });
    expect(record.decisions.find((decision) => decision.topic === 'shape')?.evidence).toContain('the root `Dockerfile` is built only where a service of it says so');
  });

  it('a compose stack is detected as multi and deployable (Compose builds and runs it), naming its compose file', async () => {
    const record = await scan('compose-stack');
    expect(record).toMatchObject({ shape: 'multi', composeFile: 'docker-compose.yml', refusal: null });
    expect(record.decisions.find((decision) => decision.topic === 'shape')?.evidence).toContain('`docker-compose.yml` at the root → multi');
  });

  it('Ruby: names the files and the manifest it saw', async () => {
    const record = await scan('ruby-app');
    expect(record.refusal).toMatchObject({ found: ['1 .rb file', 'Gemfile'], add: 'a Dockerfile' });
    expect(record.refusal!.message).toContain('1 .rb file and `Gemfile` (Ruby)');
  });

  it('only .rs files: names what it saw', async () => {
    const record = await scan('rust-files');
    expect(record.refusal).toMatchObject({ found: ['2 .rs files'], add: 'a Dockerfile' });
    expect(record.refusal!.message).toContain('2 .rs files (Rust)');
  });

  it('a FIFO behind a source file name is not read (it would block the scan)', async () => {
    const temp = makeTempDir('berth-scan-fifo-');
    cleanups.push(temp.cleanup);
    execFileSync('mkfifo', [join(temp.dir, 'pipe')]);
    symlinkSync(join(temp.dir, 'pipe'), join(temp.dir, 'app.py'));
    writeFileSync(join(temp.dir, 'requirements.txt'), 'flask\ngunicorn\n');
    const record = await scanProject(temp.dir);
    expect(record.refusal?.found).toEqual(['requirements.txt lists flask', 'no `app = Flask(__name__)` or create_app() in the Python files read']);
  }, 5_000);

  it('a folder that does not exist', async () => {
    const record = await scanProject(join(FIXTURES, 'no-such-folder'));
    expect(scanRecordSchema.parse(record)).toEqual(record);
    expect(record.refusal!.found).toEqual([`no folder at ${join(FIXTURES, 'no-such-folder')} (ENOENT)`]);
  });

  it('a path too long for the file system is a refusal too, not an error', async () => {
    const path = `/${'0'.repeat(4000)}`;
    const record = await scanProject(path);
    expect(record.refusal!.found).toEqual([`no folder at ${path} (ENAMETOOLONG)`]);
  });
});
