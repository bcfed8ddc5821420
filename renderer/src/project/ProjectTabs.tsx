import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export const TAB_NAMES = ['logs', 'metrics', 'history', 'build'] as const;
export type TabName = (typeof TAB_NAMES)[number];

const LABELS: Readonly<Record<TabName, string>> = { logs: 'Logs', metrics: 'Metrics', history: 'History', build: 'Build' };

/** WAI-ARIA tabs: arrow keys, Home and End move between tabs; only the chosen panel is mounted. */
export function ProjectTabs({ selected, onSelect, children }: { selected: TabName; onSelect: (tab: TabName) => void; children: ReactNode }) {
  const buttons = useRef(new Map<TabName, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent) => {
    const index = TAB_NAMES.indexOf(selected);
    const next =
      event.key === 'ArrowRight' ? TAB_NAMES[(index + 1) % TAB_NAMES.length] : event.key === 'ArrowLeft' ? TAB_NAMES[(index + TAB_NAMES.length - 1) % TAB_NAMES.length] : event.key === 'Home' ? TAB_NAMES[0] : event.key === 'End' ? TAB_NAMES[TAB_NAMES.length - 1] : undefined;
    if (!next) return;
    event.preventDefault();
    onSelect(next);
    buttons.current.get(next)?.focus();
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label="Project views" onKeyDown={onKeyDown}>
        {TAB_NAMES.map((tab) => (
          <button
            key={tab}
            ref={(element) => {
              if (element) buttons.current.set(tab, element);
              else buttons.current.delete(tab);
            }}
            type="button"
            role="tab"
            id={`tab-${tab}`}
            aria-selected={tab === selected}
            aria-controls={`panel-${tab}`}
            tabIndex={tab === selected ? 0 : -1}
            onClick={() => onSelect(tab)}
          >
            {LABELS[tab]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${selected}`} aria-labelledby={`tab-${selected}`} className="tab-panel">
        {children}
      </div>
    </div>
  );
}
