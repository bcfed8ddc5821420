import { randomBytes } from 'node:crypto';
import Dockerode from 'dockerode';
import { berthLabels } from '../../../electron/engine/docker/labels';

export const BASE_IMAGE = 'berth-test/busybox:1';
/** This test process's mark: parallel runs (another checkout running the suite) never touch each other's containers. */
export const RUN_ID = randomBytes(4).toString('hex');

/**
 * A labelled container that writes `count` numbered lines to stdout and as many to stderr
 * (count = 0: forever), as fast as busybox sh can. Created, not started.
 */
export async function createFloodContainer(docker: Dockerode, name: string, deploymentId: string, count: number, options: { tty?: boolean; pauseEvery?: number } = {}): Promise<Dockerode.Container> {
  const loop = count > 0 ? `[ $i -lt ${count} ]` : 'true';
  // Optionally rests 10 ms every `pauseEvery` lines, so an endless flood does not fill the disk.
  const rest = options.pauseEvery ? `; [ $((i % ${options.pauseEvery})) -eq 0 ] && usleep 10000` : '';
  return docker.createContainer({
    name: `${name}-${RUN_ID}`,
    Image: BASE_IMAGE,
    Tty: options.tty ?? false,
    Labels: { ...berthLabels(deploymentId, 'logs-project'), 'berth.test': 'logs', 'berth.test.run': RUN_ID },
    Cmd: ['sh', '-c', `i=0; while ${loop}; do echo "out $i \u00e9"; echo "err $i" >&2; i=$((i+1))${rest}; done`],
    HostConfig: { LogConfig: { Type: 'json-file', Config: {} } },
  });
}

export async function removeTestContainers(docker: Dockerode): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: ['berth.test=logs', `berth.test.run=${RUN_ID}`] } });
  await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined)));
}
