import { startHost, type HostOptions, type RunningHost } from '../../electron/engine/host/serve';
import { makeTempDir } from './temp-dir';

export interface TestHost extends RunningHost {
  readonly dataDir: string;
  /** fetch against the API with the bearer token set. */
  api(path: string, init?: RequestInit): Promise<Response>;
  json<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** Starts a real engine + HTTP API on a fresh data dir. */
export async function startTestHost(options: HostOptions = {}): Promise<TestHost> {
  const temp = makeTempDir('berth-host-');
  const host = await startHost({ ...options, config: { dataDir: temp.dir, ...options.config } });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${host.http.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${host.http.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) },
    });
  return {
    ...host,
    dataDir: temp.dir,
    api,
    json: async <T>(path: string, init?: RequestInit) => {
      const response = await api(path, init);
      return { status: response.status, body: (await response.json()) as T };
    },
    stop: async () => {
      await host.close();
      temp.cleanup();
    },
  };
}
