import type { Deployment } from '../../../shared';
import { LogHub } from '../../../electron/engine/logs/log-hub';
import { LogWriter, type LogWriterOptions } from '../../../electron/engine/logs/log-writer';
import { Store } from '../../../electron/engine/store/store';

export function fakeDeployment(id: string): Deployment {
  return {
    id,
    projectId: 'p',
    projectName: 'p',
    slug: 'p',
    target: 'docker',
    status: 'running',
    health: 'unknown',
    containerId: null,
    taskArn: null,
    hostPort: null,
    publicUrl: null,
    imageRef: null,
    currentReleaseId: null,
    lastExitCode: null,
    healthCheck: null,
    createdAt: new Date(0).toISOString(),
    startedAt: null,
    updatedAt: new Date(0).toISOString(),
    lastLineNo: 0,
  };
}

/** A real SQLite store (in memory unless a file is given) with a writer and a hub on it. */
export function logFixture(options: LogWriterOptions = {}, file = ':memory:') {
  const store = Store.open(file);
  const writer = new LogWriter(store, options);
  const hub = new LogHub(store, writer, () => null);
  return {
    store,
    writer,
    hub,
    close: () => {
      hub.close();
      writer.close();
      store.close();
    },
  };
}
