// The generated Dockerfiles: dependency layer before the source, build stages, non-root users, PORT, and
// which base image each stage starts FROM (project setting > BERTH_BASE_IMAGE_* > official default).
import { describe, expect, it } from 'vitest';
import type { ScanOverrides, ScanRecord } from '../../../shared';
import { decideScan } from '../../../electron/engine/scan/decide-scan';
import { cmdInstruction, generateDockerfile } from '../../../electron/engine/scan/dockerfile-template';
import { factsFromFiles } from './project-in-memory';

const pkg = (manifest: object): string => JSON.stringify(manifest);
const FOLDERS = {
  express: { 'package.json': pkg({ scripts: { start: 'node server.js' } }), 'package-lock.json': '{}', 'server.js': 'app.listen(process.env.PORT)' },
  flask: { 'requirements.txt': 'flask\ngunicorn\n', 'app.py': 'app = Flask(__name__)\n' },
  go: { 'go.mod': 'module x\n\ngo 1.22\n', 'go.sum': '', 'main.go': 'package main\n' },
  site: { 'index.html': '<h1>hi</h1>' },
  vite: { 'package.json': pkg({ scripts: { build: 'vite build' } }), 'package-lock.json': '{}', 'index.html': '' },
} satisfies Record<string, Record<string, string>>;

function scanOf(folder: keyof typeof FOLDERS, overrides: ScanOverrides = {}): ScanRecord {
  return decideScan(factsFromFiles(FOLDERS[folder]), overrides);
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** Index of the first line that starts with `prefix`; -1 when none. */
const at = (all: readonly string[], prefix: string): number => all.findIndex((line) => line.startsWith(prefix));

describe('generateDockerfile', () => {
  it.each([
    ['express', 'COPY package.json package-lock.json ./', 'RUN npm ci --omit=dev'],
    ['flask', 'COPY requirements.txt ./', 'RUN pip install --no-cache-dir -r requirements.txt'],
    ['go', 'COPY go.mod go.sum ./', 'RUN go mod download'],
    ['vite', 'COPY package.json package-lock.json ./', 'RUN npm ci'],
  ] as const)('%s: copies the manifest and installs before copying the source', (folder, copyManifest, install) => {
    const all = lines(generateDockerfile(scanOf(folder)).text);
    expect(at(all, copyManifest)).toBeGreaterThan(0);
    expect(at(all, copyManifest)).toBeLessThan(at(all, install));
    expect(at(all, install)).toBeLessThan(at(all, 'COPY . .'));
  });

  it.each(['express', 'flask', 'go', 'site', 'vite'] as const)('%s: the final stage runs as a non-root user, with PORT set and exposed', (folder) => {
    const all = lines(generateDockerfile(scanOf(folder)).text);
    const finalStage = all.slice(all.findLastIndex((line) => line.startsWith('FROM ')));
    const user = finalStage.find((line) => line.startsWith('USER '));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)\b/);
    // Nothing runs as root after the switch.
    expect(finalStage.slice(finalStage.indexOf(user!)).some((line) => line.startsWith('RUN '))).toBe(false);
    expect(finalStage).toContain('ENV PORT=8080');
    expect(finalStage).toContain('EXPOSE 8080');
    expect(finalStage.filter((line) => line.startsWith('CMD ['))).toHaveLength(1);
  });

  it.each(['express', 'flask', 'go', 'site', 'vite'] as const)('%s: without a build after it, the source (or the build output) is copied last, so a source-only change rebuilds one layer', (folder) => {
    const all = lines(generateDockerfile(scanOf(folder)).text);
    expect(all.at(-1)).toMatch(/^COPY (?:--from=build )?\S+ \S+$/);
    const finalStage = all.slice(all.findLastIndex((line) => line.startsWith('FROM ')));
    const copy = finalStage.length - 1;
    for (const setting of ['ENV PORT=', 'EXPOSE ', 'USER ', 'CMD [']) expect(finalStage.findIndex((line) => line.startsWith(setting))).toBeLessThan(copy);
  });

  it('with a build after the source, runs it as root and switches the user after it', () => {
    const all = lines(generateDockerfile(decideScan(factsFromFiles({ 'package.json': pkg({ scripts: { build: 'tsc', start: 'node dist/server.js' } }), 'package-lock.json': '{}', 'src/server.ts': '' }))).text);
    expect(at(all, 'CMD [')).toBeLessThan(at(all, 'COPY . .'));
    expect(at(all, 'COPY . .')).toBeLessThan(at(all, 'RUN npm run build'));
    expect(at(all, 'RUN npm run build')).toBeLessThan(at(all, 'ENV NODE_ENV=production'));
    expect(all.at(-1)).toBe('USER node');
  });

  it('builds in a stage of their own where there is a build step (Go, static_build)', () => {
    const go = lines(generateDockerfile(scanOf('go')).text);
    expect(go.filter((line) => line.startsWith('FROM '))).toEqual(['FROM golang:1.22 AS build', 'FROM alpine:3']);
    expect(go).toContain('RUN CGO_ENABLED=0 go build -trimpath -o bin/server .');
    expect(go).toContain('COPY --from=build /src/bin/server ./bin/server');
    expect(go).toContain('CMD ["./bin/server"]');
    const vite = lines(generateDockerfile(scanOf('vite')).text);
    expect(vite.filter((line) => line.startsWith('FROM '))).toEqual(['FROM node:lts-slim AS build', 'FROM busybox:1.37']);
    expect(vite).toContain('RUN npm run build');
    expect(vite).toContain('COPY --from=build /app/dist /srv/www');
  });

  it('starts gunicorn bound to $PORT through a shell that execs it, and serves static files with httpd on $PORT', () => {
    expect(lines(generateDockerfile(scanOf('flask')).text)).toContain('CMD ["sh","-c","exec gunicorn --bind 0.0.0.0:$PORT app:app"]');
    const site = lines(generateDockerfile(scanOf('site')).text);
    expect(site.find((line) => line.startsWith('CMD ['))).toContain('busybox httpd -f -v -p 0.0.0.0:${PORT} -h /srv/www');
    expect(site).toContain('COPY . /srv/www');
    // The MIME config comes before the site, so a content change reuses that layer.
    expect(at(site, 'RUN printf')).toBeLessThan(at(site, 'COPY . /srv/www'));
  });

  it('base images: the runtime version picks the official tag; BERTH_BASE_IMAGE_* wins over it; a project setting wins over both', () => {
    expect(generateDockerfile(scanOf('express', { runtimeVersion: '20' })).text).toContain('\nFROM node:20-slim\n');
    const env = { BERTH_BASE_IMAGE_NODE: 'local/node:test', BERTH_BASE_IMAGE_GO: 'local/go:test', BERTH_BASE_IMAGE_GO_RUNTIME: 'local/run:test', BERTH_BASE_IMAGE_STATIC: 'local/static:test', BERTH_BASE_IMAGE_PYTHON: 'local/python:test' };
    const fromEnv = generateDockerfile(scanOf('express', { runtimeVersion: '20' }), { env });
    expect(fromEnv.text).toContain('\nFROM local/node:test\n');
    expect(fromEnv.baseImages).toEqual([{ role: 'node', image: 'local/node:test', source: 'env', evidence: "BERTH_BASE_IMAGE_NODE = `local/node:test` (the engine's environment) instead of `node:20-slim`" }]);
    expect(lines(generateDockerfile(scanOf('go'), { env }).text).filter((line) => line.startsWith('FROM '))).toEqual(['FROM local/go:test AS build', 'FROM local/run:test']);
    expect(lines(generateDockerfile(scanOf('vite'), { env }).text).filter((line) => line.startsWith('FROM '))).toEqual(['FROM local/node:test AS build', 'FROM local/static:test']);
    const setting = generateDockerfile(scanOf('flask'), { env, baseImages: { python: 'mine/python:3.12' } });
    expect(setting.text).toContain('\nFROM mine/python:3.12\n');
    expect(setting.baseImages[0]).toMatchObject({ source: 'override', evidence: 'project setting baseImages.python = `mine/python:3.12` instead of `python:3.13-slim`' });
    // The header says which image each stage uses and why.
    expect(setting.text).toContain('# python image: mine/python:3.12: project setting baseImages.python');
  });

  it('an install that needs the source runs after the copy', () => {
    const scan = decideScan(factsFromFiles({ 'requirements.txt': '-e .\nflask\ngunicorn\n', 'app.py': 'app = Flask(__name__)\n' }));
    const all = lines(generateDockerfile(scan).text);
    expect(at(all, 'COPY requirements.txt')).toBe(-1);
    expect(at(all, 'COPY . .')).toBeLessThan(at(all, 'RUN pip install'));
  });

  it('refuses a command, path or image with a line break (it would add instructions)', () => {
    expect(() => generateDockerfile({ ...scanOf('express'), startCommand: 'npm start\nRUN id' })).toThrow(/line break/);
    expect(() => generateDockerfile(scanOf('express'), { env: { BERTH_BASE_IMAGE_NODE: 'node:20\nRUN id' } })).toThrow(/line break/);
  });

  it('refuses to generate for scans that build no Dockerfile of Berth', () => {
    expect(() => generateDockerfile(decideScan(factsFromFiles({ Dockerfile: 'FROM x' })))).toThrow(/existing_docker/);
    expect(() => generateDockerfile(decideScan(factsFromFiles({ 'app.rb': '' })))).toThrow(/refused scan/);
  });
});

describe('cmdInstruction', () => {
  it('uses exec form for plain words and a shell for variables or operators', () => {
    expect(cmdInstruction('npm start')).toBe('CMD ["npm","start"]');
    expect(cmdInstruction('uvicorn main:app --host 0.0.0.0 --port $PORT')).toBe('CMD ["sh","-c","exec uvicorn main:app --host 0.0.0.0 --port $PORT"]');
    expect(cmdInstruction('python migrate.py && gunicorn app:app')).toBe('CMD ["sh","-c","python migrate.py && gunicorn app:app"]');
    expect(cmdInstruction("gunicorn --bind 0.0.0.0:$PORT 'app:create_app()'")).toBe('CMD ["sh","-c","exec gunicorn --bind 0.0.0.0:$PORT \'app:create_app()\'"]');
  });
});
