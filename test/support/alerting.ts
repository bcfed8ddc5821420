// The alert engine wired as host/engine.ts wires it, for tests that build services by hand.
import { AlertEngine } from '../../electron/engine/alerts/alert-engine';
import { ChannelSender } from '../../electron/engine/alerts/channel-sender';
import { DeliveryQueue } from '../../electron/engine/alerts/delivery-queue';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../electron/engine/alerts/retry-schedule';
import type { EventsPort } from '../../electron/engine/context';
import { Deployments } from '../../electron/engine/deployments';
import type { EventBus } from '../../electron/engine/event-bus';
import { headlessVault, type SecretVault } from '../../electron/engine/secrets/secret-vault';
import type { Store } from '../../electron/engine/store/store';

export interface TestAlerting {
  readonly alerts: AlertEngine;
  readonly delivery: DeliveryQueue;
}

export function createTestAlerting(
  store: Store,
  events: EventsPort & Pick<EventBus, 'emit'>,
  options: { vault?: SecretVault; env?: NodeJS.ProcessEnv; timeoutMs?: number; policy?: RetryPolicy; now?: () => number; tickMs?: number } = {},
): TestAlerting {
  const delivery = new DeliveryQueue({
    history: store.alertHistory,
    channels: store.alertChannels,
    sender: new ChannelSender({ events, vault: options.vault ?? headlessVault, env: options.env ?? {}, timeoutMs: options.timeoutMs ?? 2000 }),
    projects: store.projects,
    policy: options.policy ?? DEFAULT_RETRY_POLICY,
    ...(options.now ? { now: options.now } : {}),
  });
  const alerts = new AlertEngine({
    rules: store.alertRules,
    channels: store.alertChannels,
    state: store.alertState,
    history: store.alertHistory,
    projects: store.projects,
    deployments: new Deployments(store.deployments, events),
    delivery,
    tickMs: options.tickMs ?? 0,
    ...(options.now ? { now: options.now } : {}),
  });
  alerts.start();
  return { alerts, delivery };
}
