// The other zero-config templates against the real Docker engine: FastAPI on uvicorn, a Go net/http app
// (multi-stage, static binary on the small runtime image), a plain static site and a Vite static_build,
// each built FROM the provisioned images and answering HTTP on the PORT it is given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDir, runtimeImageEnv, ZeroConfigHarness } from './zero-config-harness';

const PORT = 9090;

let harness: ZeroConfigHarness;
beforeAll(async () => {
  harness = new ZeroConfigHarness(await runtimeImageEnv());
}, 900_000);
afterAll(() => harness?.cleanup());

describe.each([
  { fixture: 'fastapi-uvicorn', path: '/ping', status: 200, body: '{"ok":true}' },
  { fixture: 'go-http', path: '/up', status: 200, body: 'ok\n' },
  { fixture: 'static-site', path: '/', status: 200, body: '<h1>hello from a static site</h1>' },
  { fixture: 'static-build', path: '/', status: 200, body: '<script type="module" crossorigin src="/assets/' },
])('zero-config build of $fixture', ({ fixture, path, status, body }) => {
  it('builds FROM the provisioned images and answers on PORT', async () => {
    const built = await harness.build(fixtureDir(fixture));
    const { url } = await harness.run(built.tag, PORT);
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(body);
    if (fixture === 'static-build') {
      // The built bundle is served as JavaScript, or browsers refuse the module script.
      const html = await (await fetch(`${url}/`)).text();
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
      const asset = await fetch(`${url}${script}`);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(await asset.text()).toContain('hello from a vite build');
    }
    process.stdout.write(`# zero-config ${fixture}: build ${built.seconds.toFixed(1)} s\n`);
  });
});
