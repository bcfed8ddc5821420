// The palette's search: pure, so the unit tests can type every query.
import { COMMAND_GROUPS, type Command } from './command';

/**
 * The commands matching `query`, best first: every word of the query must start a word of the title or
 * the keywords, or else appear anywhere in them. Titles whose start matches come first; within a rank,
 * the groups keep their order (this project, projects, Berth) and commands keep theirs.
 */
export function matchCommands(commands: readonly Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const ranked: { command: Command; rank: number; order: number }[] = [];
  commands.forEach((command, order) => {
    const rank = rankOf(command, words);
    if (rank !== null) ranked.push({ command, rank, order });
  });
  const groupOrder = (command: Command) => COMMAND_GROUPS.indexOf(command.group);
  return ranked.sort((a, b) => a.rank - b.rank || groupOrder(a.command) - groupOrder(b.command) || a.order - b.order).map((entry) => entry.command);
}

/** 0: the title starts with the query; 1: every word starts a word; 2: every word is somewhere; null: no match. */
function rankOf(command: Command, words: readonly string[]): number | null {
  if (words.length === 0) return 1;
  const title = command.title.toLowerCase();
  const text = `${title} ${command.keywords?.toLowerCase() ?? ''}`;
  if (!words.every((word) => text.includes(word))) return null;
  if (title.startsWith(words.join(' '))) return 0;
  const starts = text.split(/[\s\-_/:·]+/);
  return words.every((word) => starts.some((start) => start.startsWith(word))) ? 1 : 2;
}
