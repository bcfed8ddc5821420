// What the command palette lists: one thing a user can do from the keyboard.

export interface Command {
  /** Stable across renders (the palette keeps its selection by it). */
  readonly id: string;
  readonly title: string;
  /** The list's section: the open project's actions first, then projects, then the app. */
  readonly group: CommandGroup;
  /** More words the search matches, e.g. a project's slug or 'redeploy'. */
  readonly keywords?: string;
  /** A reason the command cannot run now (shown, and Enter does nothing). */
  readonly disabledReason?: string;
  readonly run: () => void;
}

export const COMMAND_GROUPS = ['This project', 'Projects', 'Berth'] as const;
export type CommandGroup = (typeof COMMAND_GROUPS)[number];
