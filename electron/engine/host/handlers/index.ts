import type { Handlers } from '../dispatcher';
import type { HandlerContext } from './handler-context';
import { alertHandlers } from './alerts';
import { analysisHandlers } from './analysis';
import { deploymentHandlers } from './deployments';
import { diskHandlers } from './disk';
import { logHandlers } from './logs';
import { projectHandlers } from './projects';
import { runHandlers } from './runs';
import { scanHandlers } from './scan';
import { settingsHandlers } from './settings';
import { statusHandlers } from './status';

export function createHandlers(engine: HandlerContext): Handlers {
  return {
    ...statusHandlers(engine),
    ...projectHandlers(engine),
    ...runHandlers(engine),
    ...scanHandlers(engine),
    ...deploymentHandlers(engine),
    ...logHandlers(engine),
    ...settingsHandlers(engine),
    ...alertHandlers(engine),
    ...analysisHandlers(engine),
    ...diskHandlers(engine),
  };
}
