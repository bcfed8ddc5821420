// Zero-config builds against the real Docker engine: the generated Dockerfile of the Express and Flask
// fixtures builds FROM the provisioned runtime images with a real `npm ci` / `pip install`, the container
// answers on the PORT it is given, and after a source-only change the dependency layer comes from cache.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builderSteps, runtimeImageEnv, ZeroConfigHarness } from './zero-config-harness';

// Not the scan's 8080: the app must listen where PORT says.
const PORT = 9090;

let harness: ZeroConfigHarness;
beforeAll(async () => {
  harness = new ZeroConfigHarness(await runtimeImageEnv());
}, 900_000);
afterAll(() => harness?.cleanup());

async function text(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}

function step(output: string, instruction: string): { instruction: string; body: string } {
  const found = builderSteps(output).find((candidate) => candidate.instruction === instruction);
  if (!found) throw new Error(`no step "${instruction}" in:\n${output}`);
  return found;
}

describe.each([
  { fixture: 'express', install: 'RUN npm ci --omit=dev', manifest: 'COPY package.json package-lock.json ./', health: '/health', source: 'server.js', before: 'hello from express', after: 'hello again from express' },
  { fixture: 'flask-gunicorn', install: 'RUN pip install --no-cache-dir -r requirements.txt', manifest: 'COPY requirements.txt ./', health: '/healthz', source: 'app.py', before: 'hello from flask', after: 'hello again from flask' },
])('zero-config build of $fixture', ({ fixture, install, manifest, health, source, before, after }) => {
  it('installs its dependencies in the build, answers on PORT, and reuses the dependency layer after a source-only change', async () => {
    const dir = harness.copyFixture(fixture);
    const first = await harness.build(dir);
    expect(first.dockerfile).toContain(manifest);
    // The real install ran in this build (or in an earlier one of the same manifest, from cache).
    expect(step(first.output, install).body).toMatch(/Using cache|added \d+ packages|Successfully installed/);
    const firstRun = await harness.run(first.tag, PORT);
    expect(await text(`${firstRun.url}${health}`)).toMatchObject({ status: 200 });
    expect((await text(`${firstRun.url}/`)).body).toBe(before);

    writeFileSync(join(dir, source), readFileSync(join(dir, source), 'utf8').replace(before, after));
    const second = await harness.build(dir);
    expect(step(second.output, manifest).body).toContain('Using cache');
    expect(step(second.output, install).body).toContain('Using cache');
    expect(step(second.output, 'COPY . .').body).not.toContain('Using cache');
    const secondRun = await harness.run(second.tag, PORT);
    expect((await text(`${secondRun.url}/`)).body).toBe(after);
    process.stdout.write(`# zero-config ${fixture}: first build ${first.seconds.toFixed(1)} s, source-only rebuild ${second.seconds.toFixed(1)} s\n`);
  });
});
