import { describe, expect, it, vi } from 'vitest';
import type { BerthBridge } from '../../../shared';
import { IpcApi } from '../../../renderer/src/api/ipc-api';

describe('IpcApi (renderer adapter over window.berth)', () => {
  it('calls the bridge function named by the request', async () => {
    const getProject = vi.fn(async () => ({ ok: false as const, error: { code: 'NOT_FOUND' as const, message: 'No project' } }));
    const api = new IpcApi({ getProject } as unknown as BerthBridge);
    expect(api.transport).toBe('ipc');
    expect(await api.request('getProject', { id: 'prj_1' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No project' } });
    expect(getProject).toHaveBeenCalledWith({ id: 'prj_1' });
  });

  it('answers UNSUPPORTED for a request the preload does not offer, and never throws', async () => {
    const api = new IpcApi({ listProjects: () => Promise.reject(new Error('boom')) } as unknown as BerthBridge);
    expect(await api.request('getStatus', {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNSUPPORTED' }) });
    expect(await api.request('listProjects', {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
  });

  it('passes on and subscribeLogs through', () => {
    const off = vi.fn();
    const bridge = { on: vi.fn(() => off), subscribeLogs: vi.fn(() => off) } as unknown as BerthBridge;
    const api = new IpcApi(bridge);
    const listener = vi.fn();
    expect(api.on('notification', listener)).toBe(off);
    expect(bridge.on).toHaveBeenCalledWith('notification', listener);
    const handlers = { onSnapshot: vi.fn(), onBatch: vi.fn() };
    expect(api.subscribeLogs({ deploymentId: 'dep_1' }, handlers)).toBe(off);
    expect(bridge.subscribeLogs).toHaveBeenCalledWith({ deploymentId: 'dep_1' }, handlers);
  });
});
