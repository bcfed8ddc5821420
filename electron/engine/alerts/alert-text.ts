// The words of an alert: one title and one body that every channel shows (the desktop, Slack, a webhook…).
// Pure, so each sentence is tested; the desktop's wording is the one Berth used before rules existed.
import type { Failure, RuleTrigger } from '../../../shared';
import type { AlertDraft } from './rule-decision';

/** What the text may mention, gathered by the engine from the signal that caused it. */
export interface AlertFacts {
  readonly projectName: string;
  /** A Compose stack's service the crash was of (not the public one, whose crash is the stack's). */
  readonly service?: string;
  readonly oom?: boolean;
  readonly runKind?: string;
  readonly releaseId?: string | null;
  readonly failure?: Failure;
  readonly automatic?: boolean;
  /** The metric sample's memory, for the memory rule's sentence. */
  readonly memory?: { readonly usedMb: number; readonly limitMb: number };
}

/** "10 minutes", "45 seconds", "1 hour 30 minutes". */
export function describeDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours} hour${hours === 1 ? '' : 's'}${rest ? ` ${rest} minute${rest === 1 ? '' : 's'}` : ''}`;
}

const exitText = (code: number | null | undefined): string => (code === null || code === undefined ? 'an unknown code' : String(code));

function heldNote(draft: AlertDraft, cooldownMs: number): string {
  return draft.held > 0 ? ` ${draft.held} more like this in the last ${describeDuration(cooldownMs)} were held back by the rule's cooldown.` : '';
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function alertText(draft: AlertDraft, trigger: RuleTrigger, cooldownMs: number, facts: AlertFacts): { title: string; body: string } {
  const name = facts.service ? `${facts.projectName}: service ${facts.service}` : facts.projectName;
  const degraded = facts.service ? ' The stack is degraded until it runs again.' : '';
  switch (draft.kind) {
    case 'crash':
      return { title: `${name} crashed`, body: `The container exited with ${exitText(draft.exitCode)}.${degraded}${heldNote(draft, cooldownMs)}` };
    case 'oom':
      return {
        title: `${name} was killed: out of memory`,
        body: `The container used its whole memory limit and was OOM-killed (exit ${exitText(draft.exitCode)}).${degraded}${heldNote(draft, cooldownMs)}`,
      };
    case 'crash_loop': {
      const window = trigger.type === 'events' ? describeDuration(trigger.crashLoop.windowMs) : '';
      if (draft.reminder) {
        return {
          title: `${name} is still crash-looping`,
          body: `It has crashed ${draft.count} times in ${describeDuration(draft.loopMs ?? 0)}. The next reminder comes after ${describeDuration(cooldownMs)}, or a recovery once it stays up for ${window}.`,
        };
      }
      return {
        title: `${name} is crash-looping`,
        body: `It crashed ${draft.count} times within ${window}. Further crashes will not be announced until it stays up${cooldownMs > 0 ? ` (a reminder after ${describeDuration(cooldownMs)} if it does not)` : ''}.`,
      };
    }
    case 'unhealthy':
      return { title: `${name} is not answering`, body: `The health probe failed ${draft.failures ?? 3} times in a row. The container is still running.${heldNote(draft, cooldownMs)}` };
    case 'recovered':
      return draft.recoveredFrom === 'crash_loop'
        ? {
            title: `${name} recovered`,
            body: `It has stayed up for ${trigger.type === 'events' ? describeDuration(trigger.crashLoop.windowMs) : 'a while'} after crashing ${draft.count} times in ${describeDuration(draft.loopMs ?? 0)}.`,
          }
        : { title: `${name} recovered`, body: 'The health probe answers again.' };
    case 'deploy_succeeded':
      return { title: `${name} is live`, body: `The ${facts.runKind ?? 'deploy'} run completed${facts.releaseId ? `; release ${facts.releaseId} serves` : ''}.` };
    case 'deploy_failed': {
      const failure = facts.failure;
      return {
        title: `${name}: ${facts.runKind ?? 'deploy'} failed`,
        body: failure ? `${failure.code} at ${failure.stage}. ${failure.likelyCause}` : 'The run failed.',
      };
    }
    case 'rollback':
      return facts.automatic
        ? { title: `${name} rolled back`, body: `Verify failed, so Berth restored release ${facts.releaseId ?? '?'} automatically; it serves again.` }
        : { title: `${name} rolled back`, body: `Release ${facts.releaseId ?? '?'} serves again.` };
    case 'log_pattern': {
      const pattern = trigger.type === 'log_pattern' ? trigger : null;
      return {
        title: `${name}: /${clip(pattern?.pattern ?? '', 60)}/ matched ${draft.count} times`,
        body: `The log pattern matched ${draft.count} times within ${describeDuration(pattern?.windowMs ?? 0)}. Last match: ${clip(draft.lastMatch ?? '', 300)}${heldNote(draft, cooldownMs)}`,
      };
    }
    case 'metric': {
      if (trigger.type !== 'metric') return { title: `${name}: metric threshold`, body: '' };
      const over = trigger.forMs > 0 ? ` for ${describeDuration(trigger.forMs)}` : '';
      if (trigger.metric === 'cpu') {
        return { title: `${name}: CPU above ${trigger.above}%${over}`, body: `CPU is at ${(draft.value ?? 0).toFixed(1)}% of one core (100% = one full core).${heldNote(draft, cooldownMs)}` };
      }
      const memory = facts.memory;
      return {
        title: `${name}: memory above ${trigger.above}% of its limit${over}`,
        body: `${memory ? `It uses ${memory.usedMb.toFixed(0)} MB of its ${memory.limitMb.toFixed(0)} MB limit` : 'It uses'} (${(draft.value ?? 0).toFixed(1)}%).${heldNote(draft, cooldownMs)}`,
      };
    }
    case 'test':
      return { title: 'Berth test alert', body: 'This channel works: Berth can reach it.' };
  }
}
