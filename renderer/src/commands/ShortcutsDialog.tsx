import { useId, useRef, type KeyboardEvent } from 'react';
import { modifierKeyLabel } from './modifier-key';
import { useDialogFocus } from './use-dialog-focus';
import './palette.css';

interface Shortcut {
  readonly keys: readonly string[];
  readonly does: string;
}

function sections(modifier: string): readonly { readonly title: string; readonly shortcuts: readonly Shortcut[] }[] {
  return [
    {
      title: 'Anywhere',
      shortcuts: [
        { keys: [`${modifier}+K`], does: 'Command palette: open a project, deploy, show logs, metrics or history' },
        { keys: ['?'], does: 'This list of shortcuts' },
        { keys: ['Esc'], does: 'Close a dialog' },
      ],
    },
    {
      title: 'Project tabs',
      shortcuts: [
        { keys: ['←', '→'], does: 'Previous or next tab (Logs, Metrics, History)' },
        { keys: ['Home', 'End'], does: 'First or last tab' },
      ],
    },
    {
      title: 'Logs',
      shortcuts: [
        { keys: [`${modifier}+F`], does: 'Search the logs' },
        { keys: ['Enter', 'Shift+Enter'], does: 'Next or previous match' },
        { keys: ['Alt+Enter'], does: 'Search the whole stored history' },
        { keys: ['Esc'], does: 'Close the search' },
      ],
    },
    {
      title: 'Charts (when one has focus)',
      shortcuts: [
        { keys: ['←', '→'], does: 'Previous or next sample' },
        { keys: ['PageUp', 'PageDown'], does: 'A tenth of the range back or forward' },
        { keys: ['Home', 'End'], does: 'First or latest sample' },
        { keys: ['Enter', 'Space'], does: 'Show the logs at that moment' },
        { keys: ['Esc'], does: 'Hide the tooltip' },
      ],
    },
  ];
}

/** '?': every keyboard shortcut, in a modal dialog that gives focus back when it closes. */
export function ShortcutsDialog({ onClose }: { readonly onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  useDialogFocus(closeRef);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'Tab') {
      // Modal: the close button is the only stop.
      event.preventDefault();
    }
  };
  return (
    <div className="palette-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div className="palette shortcuts" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <div className="shortcuts-heading">
          <h2 id={titleId}>Keyboard shortcuts</h2>
          <button ref={closeRef} type="button" className="button subtle small" onClick={onClose}>
            Close
          </button>
        </div>
        {sections(modifierKeyLabel()).map((section) => (
          <section key={section.title} aria-label={section.title}>
            <h3>{section.title}</h3>
            <dl className="shortcuts-list">
              {section.shortcuts.map((shortcut) => (
                <div key={shortcut.does} className="shortcuts-row">
                  <dt>
                    {shortcut.keys.map((key, index) => (
                      <span key={key}>
                        {index > 0 ? ' / ' : null}
                        <kbd>{key}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{shortcut.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </div>
  );
}
