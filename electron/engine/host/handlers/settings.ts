import type { Handlers } from '../dispatcher';
import type { HandlerContext } from './handler-context';
import { loadRetentionSettings, saveRetentionSettings } from '../retention-job';

type SettingsHandlers = Pick<Handlers, 'getEngineSettings' | 'updateEngineSettings'>;

/** Engine-wide settings (today: retention). Per-project settings live on the project. */
export function settingsHandlers(engine: HandlerContext): SettingsHandlers {
  return {
    getEngineSettings: () => ({ retention: loadRetentionSettings(engine.store) }),
    updateEngineSettings: ({ retention }) => ({ retention: retention ? saveRetentionSettings(engine.store, retention) : loadRetentionSettings(engine.store) }),
  };
}
