// A stack's images follow the retention rule (docs/product-rules.md, "Retention"): after a deploy, the release
// tags of releases beyond the last keepReleases go. An image no kept release uses goes with them; an unchanged
// service's image, shared by every release, only loses the dropped tags. The dropped release is no longer
// offered for rollback; `:live` tags stay.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docker, useStackTestEngine } from './compose-harness';

const COMPOSE = `services:
  web:
    build: ./web
    ports: ["8080"]
  worker:
    build: ./worker
    restart: unless-stopped
`;

async function exists(reference: string): Promise<boolean> {
  try {
    await docker.getImage(reference).inspect();
    return true;
  } catch {
    return false;
  }
}

describe('compose stack: image retention', () => {
  const stack = useStackTestEngine('berth-compose-retention-');

  it('keeps the last keepReleases releases\' images: a dropped web image goes, the shared worker image only loses its tag', async () => {
    const dir = join(stack.temp.dir, 'retained');
    mkdirSync(join(dir, 'web'), { recursive: true });
    mkdirSync(join(dir, 'worker'), { recursive: true });
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
    writeFileSync(join(dir, 'worker', 'Dockerfile'), 'FROM berth-test/busybox:1\nCMD ["sh", "-c", "echo working; exec sleep 3600"]\n');
    // No healthPath: a stack's public service is checked on / (it serves no /health).
    const project = stack.test.project('retained', { keepReleases: 2 }, dir);
    stack.slugs.push(project.slug);

    const releases: string[] = [];
    for (const version of ['v1', 'v2', 'v3']) {
      // Only web changes between deploys: a unique line makes its image new each time.
      writeFileSync(join(dir, 'web', 'Dockerfile'), `FROM berth-test/busybox:1\nRUN mkdir -p /www && echo ${version}-${Date.now()} > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`);
      const { run, deployment } = await stack.test.engine.controller.deploy(project);
      if (!stack.deployments.includes(deployment.id)) stack.deployments.push(deployment.id);
      const finished = await stack.test.waitForRun(run.id, undefined, 180_000);
      expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
      releases.push(finished.releaseId!);
    }

    const [first, second, third] = releases.map((id) => stack.test.engine.store.releases.get(id)!);
    const image = (release: typeof first, service: string) => release!.services!.find((candidate) => candidate.name === service)!;
    // The first release is beyond the last two: its tags are gone, its web image with them, and it is marked.
    expect(await exists(image(first, 'web').imageRef)).toBe(false);
    expect(await exists(image(first, 'web').imageId!)).toBe(false);
    expect(await exists(image(first, 'worker').imageRef)).toBe(false);
    expect(first!.imageRemoved).toBe(true);
    // The worker never changed: one image for every release, still there under the kept releases' tags.
    expect(image(first, 'worker').imageId).toBe(image(third, 'worker').imageId);
    expect(await exists(image(first, 'worker').imageId!)).toBe(true);
    for (const release of [second, third]) {
      expect(release!.imageRemoved ?? false).toBe(false);
      for (const service of ['web', 'worker']) expect(await exists(image(release, service).imageRef), `${release!.id} ${service}`).toBe(true);
    }
    for (const service of ['web', 'worker']) expect(await exists(`berth/${project.slug}-${service}:live`)).toBe(true);
    stack.test.engine.logs.flush();
    const lines = stack.test.engine.store.logLines.since(stack.deployments[0]!, 0, 10_000);
    expect(lines.some((line) => line.text.startsWith('[RETENTION] removed 2 image tags of releases beyond the last 2: '))).toBe(true);
  });
});
