import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Project } from '../../../shared';
import { useApi } from '../api/api-context';
import { useGo } from '../routing/RouteLink';
import type { Command } from './command';
import { useCommandRegistry } from './commands-context';
import { matchCommands } from './match-commands';
import { useDialogFocus } from './use-dialog-focus';
import './palette.css';

/**
 * Ctrl/Cmd+K: a search over projects and actions (WAI-ARIA combobox with a listbox). Arrow keys move
 * the selection, Enter runs it, Escape closes; the selected option is announced through
 * aria-activedescendant, and the number of matches through a status line.
 */
export function CommandPalette({ onClose }: { readonly onClose: () => void }) {
  const api = useApi();
  const go = useGo();
  const registry = useCommandRegistry();
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const optionId = useId();
  const [query, setQuery] = useState('');
  const [activeId, setActiveId] = useState<string | null>(null);
  const [projects, setProjects] = useState<readonly Project[] | null>(null);
  useDialogFocus(inputRef);

  useEffect(() => {
    let cancelled = false;
    void api.request('listProjects', {}).then((result) => {
      if (!cancelled) setProjects(result.ok ? result.value : []);
    });
    return () => {
      cancelled = true;
    };
  }, [api]);

  // Read once per opening (and when the projects arrive): the screens' commands as they are now.
  const commands = useMemo<Command[]>(
    () => [
      ...(registry?.all() ?? []),
      ...(projects ?? []).map((project) => ({
        id: `project:${project.id}`,
        group: 'Projects' as const,
        title: `Open ${project.name}`,
        keywords: `project ${project.slug} ${project.target}`,
        run: () => go({ name: 'project', projectId: project.id }),
      })),
    ],
    [registry, projects, go],
  );
  const matches = useMemo(() => matchCommands(commands, query), [commands, query]);
  // The selection follows the user's choice while it still matches, else the best match.
  const active = matches.find((command) => command.id === activeId) ?? matches[0] ?? null;
  const domId = (command: Command) => `${optionId}-${matches.indexOf(command)}`;

  useEffect(() => {
    if (active) document.getElementById(domId(active))?.scrollIntoView({ block: 'nearest' });
  });

  const run = (command: Command) => {
    if (command.disabledReason) return;
    onClose();
    command.run();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const index = active ? matches.indexOf(active) : -1;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault();
        if (matches.length === 0) return;
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActiveId(matches[(index + step + matches.length) % matches.length]!.id);
        return;
      }
      case 'Enter':
        event.preventDefault();
        if (active) run(active);
        return;
      case 'Escape':
        event.preventDefault();
        onClose();
        return;
      case 'Tab':
        // Modal: the input is the only stop; the options are reached with the arrows.
        event.preventDefault();
        return;
      default:
    }
  };

  return (
    <div className="palette-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          ref={inputRef}
          className="palette-input"
          type="text"
          role="combobox"
          aria-label="Search projects and actions"
          aria-expanded="true"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={active ? domId(active) : undefined}
          placeholder="Open a project, deploy, show logs…"
          value={query}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <ul className="palette-list" role="listbox" id={listId} aria-label="Projects and actions">
          {matches.map((command) => (
            <li
              key={command.id}
              id={domId(command)}
              role="option"
              className="palette-option"
              aria-selected={command === active}
              aria-disabled={command.disabledReason ? true : undefined}
              onMouseMove={() => command !== active && setActiveId(command.id)}
              onClick={() => run(command)}
            >
              <span className="palette-title">{command.title}</span>
              {command.disabledReason ? <span className="palette-note"> — {command.disabledReason}</span> : null}
              <span className="palette-group">
                <span className="visually-hidden">, </span>
                {command.group}
              </span>
            </li>
          ))}
        </ul>
        <p className="palette-status" role="status">
          {projects === null ? 'Loading projects…' : matches.length === 0 ? 'Nothing matches.' : <span className="visually-hidden">{`${matches.length} ${matches.length === 1 ? 'match' : 'matches'}`}</span>}
        </p>
      </div>
    </div>
  );
}
