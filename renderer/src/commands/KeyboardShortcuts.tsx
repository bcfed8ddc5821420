import { useEffect, useState } from 'react';
import { CommandPalette } from './CommandPalette';
import { useCommands } from './commands-context';
import { globalShortcut } from './global-shortcut';
import { ShortcutsDialog } from './ShortcutsDialog';
import { isTextField } from './text-field';
import { useGo } from '../routing/RouteLink';

type Open = 'palette' | 'shortcuts' | null;

/** The app-wide keys: Ctrl/Cmd+K opens (or closes) the command palette, '?' the list of shortcuts. */
export function KeyboardShortcuts() {
  const [open, setOpen] = useState<Open>(null);
  const go = useGo();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const shortcut = globalShortcut({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, inTextField: isTextField(event.target) });
      if (!shortcut) return;
      event.preventDefault();
      setOpen((current) => (current === shortcut ? null : shortcut));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useCommands(() => [
    { id: 'app:projects', group: 'Berth', title: 'Go to the projects list', keywords: 'home all projects', run: () => go({ name: 'projects' }) },
    { id: 'app:new-project', group: 'Berth', title: 'New project', keywords: 'add create', run: () => go({ name: 'new-project' }) },
    { id: 'app:settings', group: 'Berth', title: 'Settings: disk usage and log budget', keywords: 'disk size database images logs budget storage', run: () => go({ name: 'settings' }) },
    { id: 'app:shortcuts', group: 'Berth', title: 'Show keyboard shortcuts', keywords: 'help keys ?', run: () => setOpen('shortcuts') },
  ]);

  if (open === 'palette') return <CommandPalette onClose={() => setOpen(null)} />;
  if (open === 'shortcuts') return <ShortcutsDialog onClose={() => setOpen(null)} />;
  return null;
}
