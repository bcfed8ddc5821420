import { InvalidArgumentError, type Command } from 'commander';
import type { Channel, Delivery, Rule, RuleTrigger } from '../../../shared';
import { clientFor } from '../client';
import { CliError, printJson, printTable } from '../output';

const duration = (ms: number): string => (ms % 3_600_000 === 0 && ms > 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

function describeTrigger(trigger: RuleTrigger): string {
  switch (trigger.type) {
    case 'events':
      return `${trigger.events.join(',')}${trigger.events.includes('crash_loop') ? ` (loop: ${trigger.crashLoop.crashes} in ${duration(trigger.crashLoop.windowMs)})` : ''}`;
    case 'log_pattern':
      return `log /${trigger.pattern}/${trigger.caseSensitive ? '' : 'i'} ×${trigger.minMatches} in ${duration(trigger.windowMs)}`;
    case 'metric':
      return `${trigger.metric} > ${trigger.above}% for ${duration(trigger.forMs)}`;
  }
}

/** "delivered after 3 tries: 500, 500, 200". */
export function describeDelivery(delivery: Delivery): string {
  const tries = delivery.attempts.map((attempt) => (attempt.statusCode !== null ? String(attempt.statusCode) : attempt.outcome)).join(', ');
  return `${delivery.status}${delivery.attempts.length ? ` after ${delivery.attempts.length} ${delivery.attempts.length === 1 ? 'try' : 'tries'}: ${tries}` : ''}`;
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InvalidArgumentError(`must be a whole number from 1 to 500 (got "${value}").`);
  return limit;
}

/** `berth alerts ls|test|history` (docs/how-to.md, "Add an alert channel"). */
export function registerAlertCommands(program: Command): void {
  const alerts = program.command('alerts').description('alert channels, rules and delivery history');

  alerts
    .command('ls')
    .description('list the channels (secrets shown only as hints) and the rules')
    .action(async (_options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const [channels, rules]: [Channel[], Rule[]] = await Promise.all([client.call('listAlertChannels', {}), client.call('listAlertRules', {})]);
      if (options.json) return printJson({ channels, rules });
      process.stdout.write('Channels\n');
      printTable(
        ['CHANNEL', 'KIND', 'NAME', 'WHERE'],
        channels.map((channel) => [channel.id, channel.kind, channel.name, `${channel.url?.hint ?? 'this computer'}${channel.signingSecret ? ` (signed, ${channel.signingSecret.hint})` : ''}`]),
      );
      const names = new Map(channels.map((channel) => [channel.id, channel.name]));
      process.stdout.write('\nRules\n');
      printTable(
        ['RULE', 'ON', 'NAME', 'SCOPE', 'WHEN', 'COOLDOWN', 'SENDS TO'],
        rules.map((rule) => [
          rule.id,
          rule.enabled ? 'yes' : 'no',
          rule.name,
          rule.projectId ?? 'all projects',
          describeTrigger(rule.trigger),
          `${duration(rule.cooldownMs)}/${rule.groupBy}`,
          rule.channelIds.map((id) => names.get(id) ?? id).join(', ') || '-',
        ]),
      );
      return undefined;
    });

  alerts
    .command('test <channel>')
    .description('send a test alert to a channel now (one try) and say how it went; exits non-zero when it was not delivered')
    .action(async (channel: string, _options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const delivery = await client.call('testAlertChannel', { id: channel });
      if (options.json) printJson(delivery);
      else {
        const last = delivery.attempts.at(-1);
        process.stdout.write(`Test to ${delivery.channel.name} (${delivery.channel.kind}): ${describeDelivery(delivery)}${last?.durationMs !== undefined ? ` in ${last.durationMs} ms` : ''}\n`);
        if (last?.error) process.stdout.write(`  ${last.error}\n`);
      }
      if (delivery.status !== 'delivered') throw new CliError(`The test alert was not delivered to "${delivery.channel.name}". Check the channel's URL, or its environment variable.`, 1, 'NOT_DELIVERED');
    });

  alerts
    .command('history')
    .description('alert deliveries, newest first, with each try (time, outcome, HTTP status)')
    .option('--limit <n>', 'how many (1-500)', parseLimit, 50)
    .option('--channel <id>', 'only this channel')
    .option('--project <id>', 'only this project')
    .action(async (options: { limit: number; channel?: string; project?: string }, command: Command) => {
      const { client, options: global } = clientFor(command);
      const deliveries = await client.call('listAlertHistory', { limit: options.limit, ...(options.channel ? { channelId: options.channel } : {}), ...(options.project ? { projectId: options.project } : {}) });
      if (global.json) return printJson(deliveries);
      printTable(
        ['TIME', 'RULE', 'CHANNEL', 'ALERT', 'OUTCOME'],
        deliveries.map((delivery) => [delivery.at, delivery.rule?.name ?? '(test)', delivery.channel.name, delivery.title, describeDelivery(delivery)]),
      );
      return undefined;
    });
}
