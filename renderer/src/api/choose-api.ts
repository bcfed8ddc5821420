import type { BerthApi, BerthBridge } from '../../../shared';
import { HttpApi, tokenFromLocation } from './http-api';
import { IpcApi } from './ipc-api';

declare global {
  interface Window {
    /** Set by the preload in the desktop app (electron/preload/index.ts). */
    readonly berth?: BerthBridge;
  }
}

/** The preload's API in the desktop app; otherwise HTTP against the engine that served this page. */
export function chooseApi(): BerthApi | { error: string } {
  if (window.berth) return new IpcApi(window.berth);
  const token = tokenFromLocation(window.location, window.sessionStorage, window.history);
  if (!token) {
    return { error: 'This page needs the engine token. Open the address that `berth serve` printed (it ends with #token=…).' };
  }
  return new HttpApi(window.location.origin, token);
}
