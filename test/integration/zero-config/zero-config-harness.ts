// Builds a fixture the zero-config way (scan → generated Dockerfile → tar context with it injected) with
// the real Docker engine, FROM the runtime images scripts/provision.js builds from Debian packages, and
// runs the result on a loopback port. Everything it creates is labelled and removed by `cleanup`.
import { randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import type { ScanRecord } from '../../../shared/scan';
import { createBuildContext } from '../../../electron/engine/scan/build-context';
import { generateDockerfile } from '../../../electron/engine/scan/dockerfile-template';
import { scanProject } from '../../../electron/engine/scan/scan-project';
import { makeTempDir } from '../../support/temp-dir';

export const docker = new Dockerode();
const FIXTURES = fileURLToPath(new URL('../../fixtures/zero-config/', import.meta.url));
export const fixtureDir = (name: string): string => join(FIXTURES, name);
const LABEL = 'berth.test.zero-config';

interface Provisioning {
  ensureRuntimeImages: () => Record<string, string>;
  runtimeImageEnv: (tags: Record<string, string>) => Record<string, string>;
}

/** BERTH_BASE_IMAGE_* pointing at the provisioned runtime images (built on first use, cached by recipe). */
export async function runtimeImageEnv(): Promise<Record<string, string>> {
  // @ts-expect-error plain JS module without types
  const provisioning = (await import('../../../scripts/provision.js')) as Provisioning;
  return provisioning.runtimeImageEnv(provisioning.ensureRuntimeImages());
}

export interface BuildOutcome {
  readonly scan: ScanRecord;
  readonly dockerfile: string;
  readonly tag: string;
  readonly output: string;
  readonly seconds: number;
}

/** The classic builder's steps: `Step 3/9 : RUN npm ci` → the lines under it (` ---> Using cache`, …). */
export function builderSteps(output: string): Array<{ instruction: string; body: string }> {
  return output
    .split(/^Step \d+\/\d+ : /m)
    .slice(1)
    .map((chunk) => {
      const newline = chunk.indexOf('\n');
      return { instruction: chunk.slice(0, newline).trim(), body: chunk.slice(newline + 1) };
    });
}

export class ZeroConfigHarness {
  private readonly tags: string[] = [];
  private readonly temps: Array<() => void> = [];

  /** `env`: BERTH_BASE_IMAGE_* for the runtime images, which only these tests build FROM. */
  constructor(private readonly env: Record<string, string>) {}

  /** A private copy of a fixture, so a test may change its source. */
  copyFixture(name: string): string {
    const temp = makeTempDir(`berth-zero-config-${name}-`);
    this.temps.push(temp.cleanup);
    const dir = join(temp.dir, name);
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    return dir;
  }

  async build(dir: string): Promise<BuildOutcome> {
    const scan = await scanProject(dir);
    if (scan.refusal !== null) throw new Error(`scan refused ${dir}: ${scan.refusal.message}`);
    const dockerfile = generateDockerfile(scan, { env: this.env }).text;
    const context = await createBuildContext(scan, dockerfile);
    const tag = `berth-test/zero-config-${scan.runtime?.name ?? scan.shape}:${randomBytes(4).toString('hex')}`;
    this.tags.push(tag);
    const started = performance.now();
    const stream = await docker.buildImage(context.stream, { t: tag, dockerfile: context.dockerfile, rm: true, forcerm: true, labels: { [LABEL]: '1' } });
    const output = await new Promise<string>((resolve, reject) => {
      let text = '';
      docker.modem.followProgress(
        stream,
        (error) => (error ? reject(error) : resolve(text)),
        (event: { stream?: string; error?: string }) => {
          if (event.stream) text += event.stream;
          if (event.error) text += `ERROR: ${event.error}\n`;
        },
      );
    });
    if (output.includes('ERROR: ')) throw new Error(`build of ${dir} failed:\n${output.slice(-4000)}\n--- Dockerfile ---\n${dockerfile}`);
    return { scan, dockerfile, tag, output, seconds: (performance.now() - started) / 1000 };
  }

  /** Runs the image with PORT set, published on 127.0.0.1; resolves with the base URL once it answers HTTP. */
  async run(tag: string, port: number): Promise<{ url: string; logs: () => Promise<string> }> {
    const container = await docker.createContainer({
      Image: tag,
      Env: [`PORT=${port}`],
      Labels: { [LABEL]: '1' },
      ExposedPorts: { [`${port}/tcp`]: {} },
      HostConfig: { PortBindings: { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    await container.start();
    const inspected = await container.inspect();
    const hostPort = inspected.NetworkSettings.Ports[`${port}/tcp`]?.[0]?.HostPort;
    if (!hostPort) throw new Error(`no host port for ${tag}`);
    const url = `http://127.0.0.1:${hostPort}`;
    const logs = async (): Promise<string> => (await container.logs({ stdout: true, stderr: true, tail: 50 })).toString('utf8');
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const state = (await container.inspect()).State;
      if (!state.Running) throw new Error(`${tag} exited (${state.ExitCode}) before answering:\n${await logs()}`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        await response.body?.cancel();
        return { url, logs };
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw new Error(`${tag} did not answer HTTP on ${url} within 60 s:\n${await logs()}`);
  }

  async cleanup(): Promise<void> {
    const containers = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
    for (const info of containers) await docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined);
    for (const tag of this.tags.splice(0)) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    await this.removeBuildStages();
    for (const cleanup of this.temps.splice(0)) cleanup();
  }

  /**
   * A multi-stage build leaves its build stage's layers as untagged images. Those that descend from the
   * runtime images are ours (nothing else builds FROM them): remove them, leaves first, so the next run
   * installs and compiles for real again.
   */
  private async removeBuildStages(): Promise<void> {
    const roots = new Set<string>();
    for (const image of Object.values(this.env)) roots.add((await docker.getImage(image).inspect().catch(() => null))?.Id ?? '');
    for (let pass = 0; pass < 50; pass += 1) {
      const all = await docker.listImages({ all: true });
      const parentOf = new Map(all.map((image) => [image.Id, image.ParentId]));
      const descends = (id: string): boolean => {
        for (let parent = parentOf.get(id), hops = 0; parent && hops < 200; parent = parentOf.get(parent), hops += 1) if (roots.has(parent)) return true;
        return false;
      };
      const untagged = all.filter((image) => (image.RepoTags ?? []).every((tag) => tag === '<none>:<none>') && descends(image.Id));
      const parents = new Set(all.map((image) => image.ParentId));
      const leaves = untagged.filter((image) => !parents.has(image.Id));
      if (leaves.length === 0) return;
      for (const leaf of leaves) await docker.getImage(leaf.Id).remove().catch(() => undefined);
    }
  }
}
