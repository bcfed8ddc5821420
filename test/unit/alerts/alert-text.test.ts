// The words of an alert (electron/engine/alerts/alert-text.ts): a Compose stack's service other than the public
// one is named in its crash and OOM alerts, with what its death means for the stack.
import { describe, expect, it } from 'vitest';
import type { RuleTrigger } from '../../../shared';
import { alertText } from '../../../electron/engine/alerts/alert-text';

const trigger: RuleTrigger = { type: 'events', events: ['crash', 'oom'], crashLoop: { crashes: 3, windowMs: 600_000 } };

describe('alert text', () => {
  it("names a stack's service in its crash and OOM alerts, and says the stack is degraded", () => {
    expect(alertText({ kind: 'crash', count: 1, held: 0, exitCode: 137 }, trigger, 60_000, { projectName: 'shop', service: 'worker' })).toEqual({
      title: 'shop: service worker crashed',
      body: 'The container exited with 137. The stack is degraded until it runs again.',
    });
    expect(alertText({ kind: 'oom', count: 1, held: 2, exitCode: 137 }, trigger, 60_000, { projectName: 'shop', service: 'worker' })).toEqual({
      title: 'shop: service worker was killed: out of memory',
      body: 'The container used its whole memory limit and was OOM-killed (exit 137). The stack is degraded until it runs again. 2 more like this in the last 1 minute were held back by the rule\'s cooldown.',
    });
  });

  it('keeps the project alone for a single container (or the public service)', () => {
    expect(alertText({ kind: 'crash', count: 1, held: 0, exitCode: null }, trigger, 0, { projectName: 'shop' })).toEqual({ title: 'shop crashed', body: 'The container exited with an unknown code.' });
  });
});
