import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Command } from './command';

type CommandSource = () => readonly Command[];

/** Where mounted screens offer their commands; the palette asks every source when it opens, so commands are never stale. */
export class CommandRegistry {
  private readonly sources = new Set<{ readonly current: CommandSource }>();

  add(source: { readonly current: CommandSource }): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  all(): Command[] {
    return [...this.sources].flatMap((source) => source.current());
  }
}

const CommandsContext = createContext<CommandRegistry | null>(null);

export function CommandsProvider({ children }: { readonly children: ReactNode }) {
  const [registry] = useState(() => new CommandRegistry());
  return <CommandsContext.Provider value={registry}>{children}</CommandsContext.Provider>;
}

export function useCommandRegistry(): CommandRegistry | null {
  return useContext(CommandsContext);
}

/** Offers `commands` (read when the palette opens, with this render's state) while the calling component is mounted. */
export function useCommands(commands: CommandSource): void {
  const registry = useCommandRegistry();
  const latest = useRef(commands);
  latest.current = commands;
  useEffect(() => registry?.add(latest), [registry]);
}
