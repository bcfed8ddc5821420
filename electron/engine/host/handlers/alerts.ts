import type { ChannelCreate, RuleTrigger } from '../../../../shared';
import { compileLogPattern } from '../../alerts/log-pattern';
import { EngineError } from '../../engine-error';
import { SecretUnavailableError, secretHint, storeSecret, urlHint } from '../../secrets/secret-ref';
import { toChannelView, type NewChannel } from '../../store/alert-channels';
import { toRuleView } from '../../store/alert-rules';
import type { StoredSecret } from '../../store/stored-secret';
import type { Handlers } from '../dispatcher';
import type { HandlerContext } from './handler-context';
import { requireProject } from './projects';

type AlertHandlers = Pick<
  Handlers,
  'listAlertChannels' | 'createAlertChannel' | 'deleteAlertChannel' | 'testAlertChannel' | 'listAlertRules' | 'createAlertRule' | 'updateAlertRule' | 'deleteAlertRule' | 'listAlertHistory'
>;

/** Alert channels, rules and history (docs/architecture.md, "Alerts"). */
export function alertHandlers(engine: HandlerContext): AlertHandlers {
  const { store } = engine;
  const requireChannel = (id: string) => {
    const channel = store.alertChannels.get(id);
    if (!channel) throw new EngineError('NOT_FOUND', `No alert channel "${id}". List them with \`berth alerts ls\` or GET /api/alerts/channels.`);
    return channel;
  };
  const requireRule = (id: string) => {
    const rule = store.alertRules.get(id);
    if (!rule) throw new EngineError('NOT_FOUND', `No alert rule "${id}". List them with \`berth alerts ls\` or GET /api/alerts/rules.`);
    return rule;
  };
  /** A headless refusal is this engine's (403); an unset environment variable is the machine's state (409). */
  const sealed = (input: Parameters<typeof storeSecret>[0], field: string, hint: (value: string) => string): StoredSecret => {
    try {
      return storeSecret(input, field, engine.vault, engine.env, hint);
    } catch (error) {
      if (error instanceof SecretUnavailableError) throw new EngineError('env' in input ? 'CONFLICT' : 'SECRETS_UNAVAILABLE', error.message, field);
      throw error;
    }
  };
  /** An event named twice is the same event: it is kept once. */
  const unique = (trigger: RuleTrigger): RuleTrigger => (trigger.type === 'events' ? { ...trigger, events: [...new Set(trigger.events)] } : trigger);
  const checkRule = (trigger: RuleTrigger | undefined, channelIds: readonly string[] | undefined, projectId: string | null | undefined): void => {
    if (trigger?.type === 'log_pattern') compileLogPattern(trigger.pattern, trigger.caseSensitive);
    for (const id of channelIds ?? []) {
      if (!store.alertChannels.get(id)) throw new EngineError('CONFLICT', `channelIds: there is no alert channel "${id}". Add it first (POST /api/alerts/channels), or list them.`, 'channelIds');
    }
    if (projectId) requireProject(engine, projectId);
  };
  return {
    listAlertChannels: () => store.alertChannels.list().map(toChannelView),
    createAlertChannel: (input: ChannelCreate) => {
      const channel: NewChannel = {
        name: input.name,
        kind: input.kind,
        url: input.kind === 'desktop' ? null : sealed(input.url, 'url', urlHint),
        signingSecret: input.kind === 'webhook' ? sealed(input.signingSecret, 'signingSecret', secretHint) : null,
      };
      return toChannelView(store.alertChannels.create(channel));
    },
    deleteAlertChannel: ({ id }) => {
      const deleted = store.alertChannels.delete(requireChannel(id).id);
      engine.alerts.rulesChanged();
      return { deleted };
    },
    testAlertChannel: ({ id }) => engine.alerts.testChannel(requireChannel(id)),
    listAlertRules: () => store.alertRules.list().map(toRuleView),
    createAlertRule: (input) => {
      checkRule(input.trigger, input.channelIds, input.projectId);
      const rule = store.alertRules.create({
        name: input.name,
        projectId: input.projectId ? requireProject(engine, input.projectId).id : null,
        enabled: input.enabled,
        trigger: unique(input.trigger),
        cooldownMs: input.cooldownMs,
        groupBy: input.groupBy,
        channelIds: [...new Set(input.channelIds)],
      });
      engine.alerts.rulesChanged();
      return toRuleView(rule);
    },
    updateAlertRule: ({ id, ...patch }) => {
      const current = requireRule(id);
      checkRule(patch.trigger, patch.channelIds, patch.projectId);
      const updated = store.alertRules.update(current.id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.projectId !== undefined ? { projectId: patch.projectId ? requireProject(engine, patch.projectId).id : null } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.trigger !== undefined ? { trigger: unique(patch.trigger) } : {}),
        ...(patch.cooldownMs !== undefined ? { cooldownMs: patch.cooldownMs } : {}),
        ...(patch.groupBy !== undefined ? { groupBy: patch.groupBy } : {}),
        ...(patch.channelIds !== undefined ? { channelIds: [...new Set(patch.channelIds)] } : {}),
      })!;
      // A new trigger, scope or grouping counts differently: its counting starts over.
      const recount = patch.trigger !== undefined || patch.groupBy !== undefined || patch.projectId !== undefined;
      engine.alerts.rulesChanged(recount ? updated.id : undefined);
      return toRuleView(updated);
    },
    deleteAlertRule: ({ id }) => {
      const deleted = store.alertRules.delete(requireRule(id).id);
      engine.alerts.rulesChanged(id);
      return { deleted };
    },
    listAlertHistory: ({ limit, channelId, projectId }) => store.alertHistory.history({ limit, channelId, projectId }),
  };
}

