// The pure parts of Compose stacks (docs/product-rules.md, "Compose stacks"): the file Compose runs
// (loopback ports, env file, images, labels), the public service, which service a line of output is
// about, and the stack's status from its services.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectCreateSchema, projectPatchSchema, type StackService } from '../../../shared';
import { parseComposeVersion } from '../../../electron/engine/docker/compose';
import { stackTotals } from '../../../electron/engine/monitor/metrics-sampler';
import { stackStatus } from '../../../electron/engine/monitor/stack-status';
import {
  buildContextsOf,
  choosePublicService,
  composeServices,
  effectiveComposeFile,
  engineBuildOf,
  buildRouteOf,
  replaceTimeoutArgs,
  replicasOf,
  replicaCountProblem,
  activeProfilesOf,
  inactiveServices,
  profileServicesOmitted,
  parseComposeConfig,
  parsePort,
  referencedFiles,
  serviceLine,
  yamlSyntaxError,
  type EffectiveFileOptions,
} from '../../../electron/engine/targets/compose/compose-file';
import { OutputServiceTagger } from '../../../electron/engine/targets/compose/output-service';
import { configCacheKey, isCauseLine } from '../../../electron/engine/targets/compose/stack-steps';
import { makeTempDir } from '../../support/temp-dir';

// What docker-compose 1.29's `config` prints for a stack (long-form and short-form ports both occur).
const V1_CONFIG = `services:
  redis:
    build:
      context: /src/redis
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
    volumes:
    - redis-data:/var/lib/redis:rw
  web:
    build:
      context: /src/web
    environment:
      REDIS_HOST: redis
    ports:
    - published: 8080
      target: 80
    - target: 9000
    - 0.0.0.0:9443:443/tcp
  worker:
    image: berth-test/busybox:1
    restart: on-failure
version: '3.9'
volumes:
  redis-data: {}
`;

const options = (overrides: Partial<EffectiveFileOptions> = {}): EffectiveFileOptions => ({
  deploymentId: 'dep_abc',
  projectId: 'prj_x',
  publicChoice: { service: 'web', containerPort: 80, evidence: '', addPort: false },
  publishAllInterfaces: false,
  envFile: '/data/stacks/dep_abc/env',
  imageFor: new Map([['web', 'berth/app-web:live'], ['redis', 'berth/app-redis:live']]),
  noBuild: true,
  ...overrides,
});

describe('the file Compose runs', () => {
  const config = parseComposeConfig(V1_CONFIG);

  it('binds every published port to 127.0.0.1, keeping host ports and protocols', () => {
    const file = parse(effectiveComposeFile(config, options())) as { services: Record<string, Record<string, unknown>> };
    expect(file.services.web!.ports).toEqual(['127.0.0.1:8080:80/tcp', '127.0.0.1::9000/tcp', '127.0.0.1:9443:443/tcp']);
    expect(file.services.redis!.ports).toBeUndefined();
  });

  it('keeps the file\'s addresses when the project publishes on all interfaces', () => {
    const file = parse(effectiveComposeFile(config, options({ publishAllInterfaces: true }))) as { services: Record<string, Record<string, unknown>> };
    expect(file.services.web!.ports).toEqual(['8080:80/tcp', '9000/tcp', '0.0.0.0:9443:443/tcp']);
  });

  it("gives every service the env file, Berth labels and its live image (no build); restart policies stay the file's", () => {
    const file = parse(effectiveComposeFile(config, options())) as { services: Record<string, Record<string, unknown>>; volumes: unknown };
    for (const name of ['web', 'redis', 'worker']) {
      expect(file.services[name]!.env_file).toEqual(['/data/stacks/dep_abc/env']);
      expect(file.services[name]!.labels).toMatchObject({ 'berth.managed': 'true', 'berth.deployment': 'dep_abc', 'berth.project': 'prj_x', 'berth.service': name });
    }
    expect(file.services.web).toMatchObject({ image: 'berth/app-web:live', environment: { REDIS_HOST: 'redis' } });
    expect(file.services.web!.restart).toBeUndefined();
    expect(file.services.web!.build).toBeUndefined();
    expect(file.services.worker).toMatchObject({ image: 'berth-test/busybox:1', restart: 'on-failure' });
    expect(file.volumes).toEqual({ 'redis-data': {} });
  });

  it('keeps builds for the build file, and no env file when the project has no env', () => {
    const file = parse(effectiveComposeFile(config, options({ noBuild: false, envFile: null }))) as { services: Record<string, Record<string, unknown>> };
    expect(file.services.web).toMatchObject({ build: { context: '/src/web' }, image: 'berth/app-web:live' });
    expect(file.services.web!.env_file).toBeUndefined();
  });

  it('publishes the public service\'s port on loopback when it publishes none', () => {
    const file = parse(effectiveComposeFile(config, options({ publicChoice: { service: 'worker', containerPort: 3000, evidence: '', addPort: true } }))) as { services: Record<string, Record<string, unknown>> };
    expect(file.services.worker!.ports).toEqual(['127.0.0.1::3000/tcp']);
  });

  it('reads ports in both generations\' forms', () => {
    expect(parsePort({ mode: 'ingress', host_ip: '0.0.0.0', target: 80, published: '8080', protocol: 'tcp' })).toEqual({ target: 80, published: '8080', hostIp: '0.0.0.0', protocol: 'tcp' });
    expect(parsePort('127.0.0.1:5000:5000/udp')).toEqual({ target: 5000, published: '5000', hostIp: '127.0.0.1', protocol: 'udp' });
    expect(parsePort('3000')).toEqual({ target: 3000, published: null, hostIp: null, protocol: 'tcp' });
    expect(parsePort('8000:80')).toEqual({ target: 80, published: '8000', hostIp: null, protocol: 'tcp' });
  });
});

describe('the public service', () => {
  const services = composeServices(parseComposeConfig(V1_CONFIG));

  it('is the one service that publishes a port', () => {
    expect(choosePublicService(services, undefined, 8080, 'compose.yaml')).toMatchObject({ service: 'web', containerPort: 80, addPort: false });
  });

  it('is the one the settings name, even without a port of its own', () => {
    expect(choosePublicService(services, 'worker', 8080, 'compose.yaml')).toMatchObject({ service: 'worker', containerPort: 8080, addPort: true });
    expect(() => choosePublicService(services, 'nope', 8080, 'compose.yaml')).toThrow(/publicService names "nope", but compose.yaml has no such service/);
  });

  it('among several publishers is the one publishing the project\'s port; otherwise the setting is asked for', () => {
    const two = composeServices(parseComposeConfig('services:\n  a:\n    image: x\n    ports: ["3000"]\n  b:\n    image: y\n    ports: ["8080"]\n'));
    expect(choosePublicService(two, undefined, 8080, 'compose.yaml')).toMatchObject({ service: 'b', containerPort: 8080 });
    expect(() => choosePublicService(two, undefined, 5000, 'compose.yaml')).toThrow(/several services of compose.yaml publish ports \(a, b\).*settings.compose.publicService/);
    const none = composeServices(parseComposeConfig('services:\n  a:\n    image: x\n'));
    expect(() => choosePublicService(none, undefined, 8080, 'compose.yaml')).toThrow(/no service of compose.yaml publishes a port/);
  });
});

describe('where things are in the user\'s file', () => {
  const text = 'services:\n  web:\n    build: ./web\n  worker:\n    build:\n      context: ./worker\n  db:\n    image: postgres\n';
  it('finds a service\'s line and the build contexts as written', () => {
    expect(serviceLine(text, 'worker')).toBe(4);
    expect(serviceLine(text, 'missing')).toBeNull();
    expect(buildContextsOf(text)).toEqual([
      { service: 'web', context: './web' },
      { service: 'worker', context: './worker' },
    ]);
  });
  it('names the line of a YAML syntax error', () => {
    expect(yamlSyntaxError(text)).toBeNull();
    expect(yamlSyntaxError('services:\n  web:\n    ports: [8080\n  db:\n    image: x\n')?.line).toBeGreaterThanOrEqual(3);
  });
  it('reads the version both generations print', () => {
    expect(parseComposeVersion('docker-compose version 1.29.2, build unknown')).toBe('1.29.2');
    expect(parseComposeVersion('Docker Compose version v2.27.0')).toBe('2.27.0');
    expect(parseComposeVersion('docker: \'compose\' is not a docker command.')).toBeNull();
  });
});

describe('which service a line of Compose output is about', () => {
  it('follows v1 build headers, names containers of up, and leaves stack lines untagged', () => {
    const tagger = new OutputServiceTagger(['web', 'web-api', 'redis'], 'berth-dep_1');
    expect(tagger.serviceOf('Creating network "berth-dep_1_default" with the default driver')).toBeNull();
    expect(tagger.serviceOf('Building web')).toBe('web');
    expect(tagger.serviceOf('Step 1/3 : FROM berth-test/busybox:1')).toBe('web');
    expect(tagger.serviceOf(' ---> Using cache')).toBe('web');
    expect(tagger.serviceOf('Building web-api')).toBe('web-api');
    expect(tagger.serviceOf('Successfully tagged berth/app-web-api:r1')).toBe('web-api');
    expect(tagger.serviceOf('redis uses an image, skipping')).toBe('redis');
    expect(tagger.serviceOf('Creating berth-dep_1_web-api_1 ... done')).toBe('web-api');
    expect(tagger.serviceOf('Recreating berth-dep_1_web_1 ... ')).toBe('web');
  });

  it('reads v2 (BuildKit plain progress and container names)', () => {
    const tagger = new OutputServiceTagger(['web', 'worker'], 'berth-dep_1');
    expect(tagger.serviceOf('#5 [worker 2/3] COPY tick.sh /tick.sh')).toBe('worker');
    expect(tagger.serviceOf('#7 [web internal] load build context')).toBe('web');
    expect(tagger.serviceOf(' Container berth-dep_1-worker-1  Started')).toBe('worker');
    expect(tagger.serviceOf(' web Built')).toBe('web');
  });
});

describe("a stack's status", () => {
  const service = (name: string, state: StackService['state'], extra: Partial<StackService> = {}): StackService => ({
    name,
    public: name === 'web',
    state,
    health: null,
    containerId: 'c',
    image: null,
    imageId: null,
    hostPort: null,
    containerPort: null,
    restarts: 0,
    exitCode: null,
    ...extra,
  });

  it('is running when all are up, degraded while another service is down or unhealthy, crashed when the public one is down', () => {
    expect(stackStatus([service('web', 'running'), service('worker', 'running')], 'running')).toBe('running');
    expect(stackStatus([service('web', 'running'), service('worker', 'exited')], 'running')).toBe('degraded');
    expect(stackStatus([service('web', 'running'), service('worker', 'missing')], 'running')).toBe('degraded');
    expect(stackStatus([service('web', 'running'), service('db', 'running', { health: 'unhealthy' })], 'running')).toBe('degraded');
    expect(stackStatus([service('web', 'exited'), service('worker', 'running')], 'degraded')).toBe('crashed');
    expect(stackStatus([service('web', 'running'), service('worker', 'running')], 'degraded')).toBe('running');
    // The health poller's verdict stays while nothing is down.
    expect(stackStatus([service('web', 'running'), service('worker', 'running')], 'unreachable')).toBe('unreachable');
    // A one-shot service that finished (exit 0) is not down; one that failed is; the public one must run.
    expect(stackStatus([service('web', 'running'), service('migrate', 'exited', { exitCode: 0 })], 'running')).toBe('running');
    expect(stackStatus([service('web', 'running'), service('migrate', 'exited', { exitCode: 1 })], 'running')).toBe('degraded');
    expect(stackStatus([service('web', 'exited', { exitCode: 0 }), service('worker', 'running')], 'running')).toBe('crashed');
  });

  it('sums the services\' samples into the stack\'s total', () => {
    const totals = stackTotals([
      { deploymentId: 'd', sampledAt: 10, cpuPct: 1.5, memUsedMb: 10, memLimitMb: 100, service: 'web' },
      { deploymentId: 'd', sampledAt: 12, cpuPct: 2, memUsedMb: 5, memLimitMb: 100, service: 'worker' },
      { deploymentId: 'e', sampledAt: 11, cpuPct: 9, memUsedMb: 9, memLimitMb: 9 },
    ]);
    expect(totals).toEqual([{ deploymentId: 'd', sampledAt: 12, cpuPct: 3.5, memUsedMb: 15, memLimitMb: 200 }]);
  });
});

describe('settings.compose', () => {
  it('takes publicService, publishAllInterfaces and removeVolumesOnStop, and refuses unknown keys on input', () => {
    const base = { name: 'stack', sourceDir: '/srv/stack' };
    expect(projectCreateSchema.parse({ ...base, settings: { compose: { publicService: 'web', publishAllInterfaces: true, removeVolumesOnStop: true } } }).settings.compose).toEqual({
      publicService: 'web',
      publishAllInterfaces: true,
      removeVolumesOnStop: true,
    });
    const refused = projectCreateSchema.safeParse({ ...base, settings: { compose: { publicServce: 'web' } } });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toContain('publicServce');
    expect(projectPatchSchema.safeParse({ settings: { compose: { removeVolumes: true } } }).success).toBe(false);
    expect(projectPatchSchema.safeParse({ settings: { compose: null } }).success).toBe(true);
  });
});

describe("Compose's config is reused only for identical inputs", () => {
  it('changes with the file, the .env, an env file it names and the variables it refers to', () => {
    const temp = makeTempDir('berth-config-key-');
    try {
      const text = 'services:\n  web:\n    image: ${WEB_IMAGE:-x}\n    env_file: [web.env]\n';
      writeFileSync(join(temp.dir, '.env'), 'WEB_IMAGE=a\n');
      writeFileSync(join(temp.dir, 'web.env'), 'A=1\n');
      const command = { label: 'docker-compose', version: '1.29.2' };
      const key = () => configCacheKey({ command, composeText: text, sourceDir: temp.dir, project: null });
      const first = key();
      expect(key()).toBe(first);
      writeFileSync(join(temp.dir, 'web.env'), 'A=2\n');
      const second = key();
      expect(second).not.toBe(first);
      writeFileSync(join(temp.dir, '.env'), 'WEB_IMAGE=b\n');
      const third = key();
      expect(third).not.toBe(second);
      process.env.WEB_IMAGE = 'from-the-engine';
      try {
        expect(key()).not.toBe(third);
      } finally {
        delete process.env.WEB_IMAGE;
      }
      expect(key()).toBe(third);
      expect(configCacheKey({ command, composeText: `${text}# a comment\n`, sourceDir: temp.dir, project: null })).not.toBe(third);
      expect(configCacheKey({ command: { ...command, version: '1.29.3' }, composeText: text, sourceDir: temp.dir, project: null })).not.toBe(third);
      expect(referencedFiles('services:\n  a:\n    image: x\n    env_file: one.env\n    extends: { file: base.yaml, service: b }\n  b:\n    image: y\n    env_file: [one.env, two.env]\n')).toEqual(['base.yaml', 'one.env', 'two.env']);
    } finally {
      temp.cleanup();
    }
  });
});

describe('which builds go to the engine API and which to Compose', () => {
  it('sends context, dockerfile, args (map or list), target, labels and network as Compose v1 sends them', () => {
    expect(engineBuildOf({ build: '/src/web' })).toEqual({ contextDir: '/src/web', dockerfile: 'Dockerfile', buildArgs: {}, target: null, labels: {}, network: null });
    expect(
      engineBuildOf({ build: { context: '/src/web', dockerfile: './docker/web.Dockerfile', args: { GREETING: 'hi', EMPTY: '', UNSET: null, PORT: 8080 }, target: 'final', labels: ['team=pay', 'note=a=b'], network: 'host' } }),
    ).toEqual({ contextDir: '/src/web', dockerfile: 'docker/web.Dockerfile', buildArgs: { GREETING: 'hi', EMPTY: '', PORT: '8080' }, target: 'final', labels: { team: 'pay', note: 'a=b' }, network: 'host' });
    // List-form args; a name with no value is left out, as Compose leaves it out.
    expect(engineBuildOf({ build: { context: '/src/web', args: ['A=1', 'B'] } })).toMatchObject({ buildArgs: { A: '1' } });
    // An absolute Dockerfile inside the context is made relative to it.
    expect(engineBuildOf({ build: { context: '/src/web/', dockerfile: '/src/web/build/Dockerfile' } })).toMatchObject({ contextDir: '/src/web/', dockerfile: 'build/Dockerfile' });
  });

  it('sends builds to the engine when Compose would use the classic builder (v1; v2 and later without buildx), to Compose when it builds with BuildKit', () => {
    expect(buildRouteOf({ build: '/src/web' }, { buildkit: false })).toMatchObject({ contextDir: '/src/web' });
    expect(buildRouteOf({ build: '/src/web' }, { buildkit: true })).toEqual({ compose: 'Compose builds with BuildKit (buildx)' });
  });

  it('leaves to Compose what the engine call would not do the same way, saying why', () => {
    expect(engineBuildOf({ build: { context: '/src/web', ssh: ['default'], cache_from: ['x'] } })).toEqual({ compose: 'its build uses cache_from, ssh' });
    expect(engineBuildOf({ build: { context: '/src/web', shm_size: '64m' } })).toEqual({ compose: 'its build uses shm_size' });
    expect(engineBuildOf({ build: { context: 'https://github.com/org/repo.git' } })).toEqual({ compose: 'its build context is not a local folder' });
    expect(engineBuildOf({ build: { context: '/src/web', dockerfile: '../Dockerfile' } })).toEqual({ compose: 'its Dockerfile is outside its build context' });
    expect(engineBuildOf({ build: { context: '/src/web', dockerfile: '/elsewhere/Dockerfile' } })).toEqual({ compose: 'its Dockerfile is outside its build context' });
    expect(engineBuildOf({ build: { context: '/src/web' }, platform: 'linux/arm64' })).toEqual({ compose: 'it sets a platform' });
    expect(engineBuildOf({ build: { context: '/src/web', args: 'A=1' } })).toEqual({ compose: 'its build args or labels are not a map or a list' });
  });
});

describe('services behind profiles', () => {
  const config = parseComposeConfig('services:\n  web:\n    image: x\n  debug:\n    image: y\n    profiles: [debug]\n  admin:\n    image: z\n    profiles: [ops, admin]\n');

  it('leaves out services none of whose profiles is active, as up does', () => {
    expect(composeServices(config).map((service) => service.name)).toEqual(['web']);
    expect(inactiveServices(config)).toEqual([
      { name: 'admin', reason: 'its profiles (ops, admin) are not in COMPOSE_PROFILES' },
      { name: 'debug', reason: 'its profiles (debug) are not in COMPOSE_PROFILES' },
    ]);
    expect(composeServices(config, ['admin']).map((service) => service.name)).toEqual(['admin', 'web']);
    expect(composeServices(config, ['*']).map((service) => service.name)).toEqual(['admin', 'debug', 'web']);
  });

  it("finds the ones Compose v2 and later leave out of their config, from the project's own file", () => {
    const file = 'services:\n  web:\n    image: x\n  debug:\n    image: y\n    profiles: ["debug"]\n';
    // What v2+ print for it without COMPOSE_PROFILES: web only.
    const printed = parseComposeConfig('services:\n  web:\n    image: x\n');
    expect(profileServicesOmitted(file, printed, [])).toEqual([{ name: 'debug', reason: 'its profiles (debug) are not in COMPOSE_PROFILES' }]);
    // v1 prints every service: nothing is omitted (inactiveServices finds debug in the config itself).
    expect(profileServicesOmitted(file, parseComposeConfig(file), [])).toEqual([]);
    expect(profileServicesOmitted('not: [yaml', printed, [])).toEqual([]);
  });

  it('reads COMPOSE_PROFILES from the environment first, else from the .env', () => {
    expect(activeProfilesOf(undefined, null)).toEqual([]);
    expect(activeProfilesOf(undefined, 'A=1\nCOMPOSE_PROFILES="debug, ops"\n')).toEqual(['debug', 'ops']);
    expect(activeProfilesOf('admin', 'COMPOSE_PROFILES=debug\n')).toEqual(['admin']);
    expect(activeProfilesOf('', 'COMPOSE_PROFILES=debug\n')).toEqual([]);
  });
});

describe("up's stop timeout for replaced containers", () => {
  it("is Berth's stop grace, unless the file sets a service's stop_grace_period", () => {
    expect(replaceTimeoutArgs(parseComposeConfig('services:\n  web:\n    image: x\n'), 2_000)).toEqual(['--timeout', '2']);
    expect(replaceTimeoutArgs(parseComposeConfig('services:\n  web:\n    image: x\n'), 10_500)).toEqual(['--timeout', '11']);
    expect(replaceTimeoutArgs(parseComposeConfig('services:\n  web:\n    image: x\n  db:\n    image: y\n    stop_grace_period: 1m\n'), 2_000)).toEqual([]);
  });
});

describe('services that run more than one container', () => {
  // As docker-compose 1.29's `config` prints them: `scale` as a number, `deploy` kept as written.
  const config = parseComposeConfig('services:\n  web:\n    image: x\n    scale: 3\n  worker:\n    image: y\n    deploy:\n      replicas: 2\n  one:\n    image: z\n    scale: 1\n');

  it('says at detect that Berth follows one of them, from scale under any Compose and deploy.replicas from v2 on', () => {
    expect(replicasOf(config.services['web']!, 1)).toEqual({ count: 3, note: expect.stringMatching(/^3 containers \(scale\): Berth follows one of them/) });
    expect(replicasOf(config.services['worker']!, 2)).toEqual({ count: 2, note: expect.stringMatching(/^2 containers \(deploy\.replicas\)/) });
    expect(replicasOf(config.services['one']!, 2)).toEqual({ count: 1, note: null });
  });

  it('leaves out a service scaled to 0 as up does: scale under any Compose, deploy.replicas from v2 on', () => {
    const zero = parseComposeConfig('services:\n  web:\n    image: x\n  idle:\n    image: y\n    scale: 0\n  spare:\n    image: z\n    deploy:\n      replicas: 0\n');
    expect(composeServices(zero, [], 1).map((service) => service.name)).toEqual(['spare', 'web']);
    expect(inactiveServices(zero, [], 1)).toEqual([{ name: 'idle', reason: 'scale: 0' }]);
    expect(composeServices(zero, [], 2).map((service) => service.name)).toEqual(['web']);
    expect(inactiveServices(zero, [], 2)).toEqual([{ name: 'idle', reason: 'scale: 0' }, { name: 'spare', reason: 'deploy.replicas: 0' }]);
    expect(replicasOf(zero.services['spare']!, 1).note).toBe('deploy.replicas 0 is ignored by docker-compose v1: one container runs');
  });

  it('says that docker-compose v1 runs one container where only deploy.replicas asks for more', () => {
    expect(replicasOf(config.services['worker']!, 1)).toEqual({ count: 1, note: 'deploy.replicas 2 is ignored by docker-compose v1: one container runs' });
  });

  it('refuses a scale or deploy.replicas that is not a whole number, 0 or more', () => {
    const config = parseComposeConfig('services:\n  a:\n    image: x\n    scale: -1\n  b:\n    image: y\n    deploy:\n      replicas: 1.5\n  c:\n    image: z\n    scale: 0\n    deploy:\n      replicas: 2\n');
    expect(replicaCountProblem(config.services['a']!)).toBe('scale is -1: it must be a whole number, 0 or more');
    expect(replicaCountProblem(config.services['b']!)).toBe('deploy.replicas is 1.5: it must be a whole number, 0 or more');
    expect(replicaCountProblem(config.services['c']!)).toBeNull();
  });
});

describe("a failed Compose command's cause", () => {
  it("is its first error-like line, not a warning that reads like one", () => {
    expect(isCauseLine("The command '/bin/sh -c exit 3' returned a non-zero code: 3")).toBe(true);
    expect(isCauseLine('ERROR: for web  Cannot start service web: port is already allocated')).toBe(true);
    expect(isCauseLine('time="2026-12-05T02:37:36Z" level=warning msg="buildx Docker CLI plugin not found: falling back to the classic builder."')).toBe(false);
    expect(isCauseLine('WARNING: Some services (web) use the \'deploy\' key, which will be ignored.')).toBe(false);
    expect(isCauseLine('Step 2/4 : RUN echo building web')).toBe(false);
  });
});
