// A stack's builds take the compose file's `build` keys (docs/product-rules.md, "Compose stacks"): a service
// with dockerfile, target, args and labels is built through the engine API as Compose would build it; a
// service with a key only Compose sends (shm_size here) is built by Compose. Both are tagged per release,
// and every build line carries its service.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeCommand } from '../../../electron/engine/docker/compose';
import { docker, useStackTestEngine } from './compose-harness';

// The stage after `final` fails: built only when the target is ignored.
const WEB_DOCKERFILE = `FROM berth-test/busybox:1 AS base
ARG GREETING=unset
RUN mkdir -p /www && echo "$GREETING" > /www/index.html
FROM base AS final
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
FROM base AS broken
RUN echo "the target was not applied" && exit 7
`;

const COMPOSE = `services:
  web:
    build:
      context: ./web
      dockerfile: docker/web.Dockerfile
      target: final
      args:
        GREETING: hello-from-args
      labels:
        org.example.team: payments
    ports: ["8080"]
  tool:
    build:
      context: ./tool
      shm_size: 64m
    command: ["sh", "-c", "echo tool up; exec sleep 3600"]
    restart: unless-stopped
`;

describe('compose stack: build keys', () => {
  const stack = useStackTestEngine('berth-compose-build-keys-');

  it('builds dockerfile/target/args/labels through the engine and a shm_size service through Compose, each line tagged', async () => {
    const dir = join(stack.temp.dir, 'keys');
    mkdirSync(join(dir, 'web', 'docker'), { recursive: true });
    mkdirSync(join(dir, 'tool'), { recursive: true });
    writeFileSync(join(dir, 'web', 'docker', 'web.Dockerfile'), WEB_DOCKERFILE);
    writeFileSync(join(dir, 'tool', 'Dockerfile'), 'FROM berth-test/busybox:1\nRUN echo built-by-compose > /tool.txt\n');
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
    const { finished, deploymentId } = await stack.deploy(stack.project('build-keys', {}, dir));
    expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');

    // The args reached the build, and the target stopped it before the failing stage.
    const current = stack.test.engine.store.deployments.get(deploymentId)!;
    const response = await fetch(`http://127.0.0.1:${current.hostPort}/`);
    expect((await response.text()).trim()).toBe('hello-from-args');
    const release = stack.test.engine.store.releases.get(finished.releaseId!)!;
    const web = release.services!.find((service) => service.name === 'web')!;
    const tool = release.services!.find((service) => service.name === 'tool')!;
    expect((await docker.getImage(web.imageRef).inspect()).Config.Labels).toMatchObject({ 'org.example.team': 'payments' });
    expect(tool.imageRef).toMatch(/^berth\/.*-tool:/);
    await docker.getImage(tool.imageRef).inspect();

    stack.test.engine.logs.flush();
    const build = stack.test.engine.store.logLines.since(deploymentId, 0, 10_000).filter((line) => line.step === 'build');
    const texts = build.map((line) => line.text);
    expect(texts).toContain('service tool: Compose builds it (its build uses shm_size)');
    expect(texts.some((text) => text.startsWith('service web: building ') && text.endsWith('(docker/web.Dockerfile)'))).toBe(true);
    expect(texts.some((text) => text.includes('the target was not applied'))).toBe(false);
    for (const service of ['web', 'tool']) expect(build.some((line) => line.service === service && /^Step 1\/\d+ : FROM/.test(line.text)), service).toBe(true);
    // Compose's own build lines are tagged by v1's header, or (v2 and later, classic builder) by the one service
    // its command builds; the engine's by the service being built.
    const header = (await composeCommand()).generation === 1 ? /^Building tool$/ : /Image berth\/\S+-tool:\S+ Building/;
    expect(build.some((line) => line.service === 'tool' && header.test(line.text))).toBe(true);
  });
});
