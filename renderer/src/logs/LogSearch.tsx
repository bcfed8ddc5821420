import { useEffect, useRef, useState } from 'react';
import type { BerthApi, SearchHit } from '../../../shared';
import { CONTEXT_CHOICES, type FilterQuery } from './filtered-log-source';
import { filterCountText } from './filter-display';
import { formatTime } from './line-format';
import { safeServiceName, serviceColour } from './service-tag';
import { currentColorScheme } from '../theme/color-scheme';
import type { LogTerminal } from './log-terminal';
import type { FilterState } from './viewer-controller';

const HISTORY_LIMIT = 200;
/** Filter mode waits for typing to pause before asking the engine. */
const FILTER_DEBOUNCE_MS = 300;

interface LogSearchProps {
  readonly api: BerthApi;
  readonly deploymentId: string;
  readonly terminal: LogTerminal;
  readonly onClose: () => void;
  readonly onOpenHit: (hit: SearchHit) => void;
  /** Filter mode as the viewer holds it (null in highlight mode). */
  readonly filter: FilterState | null;
  /** Bumped when the viewer left filter mode by itself. */
  readonly filterExits: number;
  readonly onFilter: (query: FilterQuery | null) => void;
  readonly onCountMore: () => void;
  /** A Compose stack's services shown (the Services menu): the history search keeps to them; null: every line. */
  readonly services?: readonly string[] | null;
}

/** Ctrl/Cmd+F search: in the terminal (every match highlighted) and over the full stored history. */
export function LogSearch({ api, deploymentId, terminal, onClose, onOpenHit, filter, filterExits, onFilter, onCountMore, services = null }: LogSearchProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [wholeWord, setWholeWord] = useState(false);
  const [count, setCount] = useState<{ index: number; total: number } | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [history, setHistory] = useState<{ hits: SearchHit[]; truncated: boolean; query: string } | null>(null);
  const [historyBusy, setHistoryBusy] = useState(false);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [mode, setMode] = useState<'highlight' | 'filter'>('highlight');
  const [exclude, setExclude] = useState(false);
  const [context, setContext] = useState(0);
  const filtering = mode === 'filter';

  // Filter mode follows the box and its toggles (after typing pauses); highlight mode or an empty box
  // shows the normal viewer.
  useEffect(() => {
    if (!filtering || query === '') {
      onFilter(null);
      return;
    }
    const timer = setTimeout(() => onFilter({ text: query, regex, caseSensitive, exclude, context }), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [filtering, query, regex, caseSensitive, exclude, context]);

  // The viewer left filter mode to show a line the filter hides.
  useEffect(() => {
    if (filterExits > 0) setMode('highlight');
  }, [filterExits]);

  // Leaving the search leaves filter mode.
  useEffect(() => () => onFilter(null), []);

  useEffect(() => {
    inputRef.current?.focus();
    const subscription = terminal.search.onDidChangeResults(({ resultIndex, resultCount }) => setCount({ index: resultIndex, total: resultCount }));
    return () => {
      subscription.dispose();
      terminal.search.clearDecorations();
    };
  }, [terminal]);

  // The current theme's match colours (terminal-palette.ts).
  const options = { regex, caseSensitive, wholeWord, decorations: terminal.palette.search };

  const find = (direction: 1 | -1, incremental = false) => {
    if (query === '') {
      terminal.search.clearDecorations();
      setCount(null);
      return;
    }
    if (regex) {
      try {
        new RegExp(query);
      } catch (error) {
        setInvalid(`Not a valid regular expression: ${(error as Error).message}`);
        terminal.search.clearDecorations();
        setCount(null);
        return;
      }
    }
    setInvalid(null);
    terminal.showRuler();
    const found = direction === 1 ? terminal.search.findNext(query, { ...options, incremental }) : terminal.search.findPrevious(query, options);
    if (!found) setCount({ index: -1, total: 0 });
  };

  // Re-run as the query or a toggle changes, keeping the current match where it can.
  useEffect(() => {
    // Filter mode marks matches in the kept lines itself (line-format.ts).
    if (filtering) terminal.search.clearDecorations();
    else find(1, true);
  }, [query, regex, caseSensitive, wholeWord, filtering]);

  const searchHistory = async () => {
    if (query === '') return;
    setHistoryBusy(true);
    setHistoryError(null);
    const result = await api.request('searchLogs', {
      id: deploymentId,
      q: query,
      regex: regex ? 'true' : 'false',
      caseSensitive: caseSensitive ? 'true' : 'false',
      limit: HISTORY_LIMIT,
      ...(services && services.length > 0 ? { service: services.join(',') } : {}),
    });
    setHistoryBusy(false);
    if (!result.ok) {
      setHistoryError(result.error.message);
      setHistory(null);
      return;
    }
    // Whole-word is a viewer option; the engine matches substrings, so filter here.
    const word = wholeWord ? new RegExp(`\\b(?:${regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})\\b`, caseSensitive ? '' : 'i') : null;
    setHistory({ hits: word ? result.value.hits.filter((hit) => word.test(hit.text)) : result.value.hits, truncated: result.value.truncated, query });
  };

  const countText = filter
    ? filterCountText(filter)
    : filtering
      ? ''
      : (invalid ?? (count === null ? '' : count.total === 0 ? 'No matches' : count.index >= 0 ? `${count.index + 1} of ${count.total}` : `${count.total} matches`));

  return (
    <div className="log-search" role="search" aria-label="Search logs">
      <div className="log-search-row">
        <div className="log-search-mode" role="group" aria-label="Search mode">
          <button type="button" aria-pressed={!filtering} title="Highlight matches among all lines" onClick={() => setMode('highlight')}>
            Highlight
          </button>
          <button type="button" aria-pressed={filtering} title="Show only matching lines, over the whole stored history and live lines" onClick={() => setMode('filter')}>
            Filter
          </button>
        </div>
        <input
          ref={inputRef}
          type="search"
          aria-label="Search in logs"
          placeholder={filtering ? 'Filter: text, "a phrase", status>=500, user.id=42, msg~"timeout"' : 'Search (Enter: next, Shift+Enter: previous)'}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && filtering) {
              event.preventDefault();
              if (query !== '') onFilter({ text: query, regex, caseSensitive, exclude, context });
            } else if (event.key === 'Enter') {
              event.preventDefault();
              if (event.altKey) void searchHistory();
              else find(event.shiftKey ? -1 : 1);
            } else if (event.key === 'Escape') {
              event.preventDefault();
              onClose();
            }
          }}
        />
        <button type="button" aria-pressed={regex} title="Regular expression" onClick={() => setRegex(!regex)}>
          .*<span className="visually-hidden"> Regex</span>
        </button>
        <button type="button" aria-pressed={caseSensitive} title="Match case" onClick={() => setCaseSensitive(!caseSensitive)}>
          Aa<span className="visually-hidden"> Match case</span>
        </button>
        {!filtering && (
          <button type="button" aria-pressed={wholeWord} title="Whole word" onClick={() => setWholeWord(!wholeWord)}>
            ab<span className="visually-hidden"> Whole word</span>
          </button>
        )}
        {filtering && (
          <>
            <button type="button" aria-pressed={exclude} title="Show the lines the filter does not match" onClick={() => setExclude(!exclude)}>
              Exclude
            </button>
            <label className="log-search-context">
              Context{' '}
              <select value={context} onChange={(event) => setContext(Number(event.target.value))}>
                {CONTEXT_CHOICES.map((choice) => (
                  <option key={choice} value={choice}>
                    {choice === 0 ? 'none' : `${choice} ${choice === 1 ? 'line' : 'lines'}`}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <span className="log-search-count" role="status" aria-label="Match count" data-invalid={invalid || filter?.error ? 'true' : undefined}>
          {countText}
        </span>
        {filter?.count?.truncated && !filter.error && (
          <button type="button" onClick={onCountMore} disabled={filter.counting}>
            {filter.counting ? 'Counting…' : 'Count more'}
          </button>
        )}
        {!filtering && (
          <>
            <button type="button" aria-label="Previous match" onClick={() => find(-1)}>
              ↑
            </button>
            <button type="button" aria-label="Next match" onClick={() => find(1)}>
              ↓
            </button>
            <button type="button" onClick={() => void searchHistory()} disabled={query === '' || historyBusy}>
              {historyBusy ? 'Searching…' : 'Search all history'}
            </button>
          </>
        )}
        <button type="button" aria-label="Close search" onClick={onClose}>
          ✕
        </button>
      </div>
      {historyError && (
        <p className="log-search-error" role="alert">
          {historyError}
        </p>
      )}
      {history && (
        <div className="log-history" aria-label="History search results">
          <p className="log-history-summary">
            {history.hits.length === 0
              ? `No stored line matches “${history.query}”.`
              : `${history.hits.length}${history.truncated ? '+' : ''} stored line${history.hits.length === 1 ? '' : 's'} match “${history.query}”${history.truncated ? ` (first ${HISTORY_LIMIT} shown; refine the search)` : ''}. Click one to open it.`}
          </p>
          <ol className="log-history-hits">
            {history.hits.map((hit) => (
              <li key={hit.lineNo}>
                <button type="button" className={`log-hit log-hit-${hit.stream}`} onClick={() => onOpenHit(hit)}>
                  <span className="log-hit-line">#{hit.lineNo}</span>
                  {hit.service !== undefined && (
                    <span className="log-hit-service" style={{ color: serviceColour(hit.service, currentColorScheme()) }}>
                      {safeServiceName(hit.service)}
                    </span>
                  )}
                  <time dateTime={hit.ts}>{formatTime(hit.ts)}</time>
                  <span className="log-hit-step">{hit.step ?? 'runtime'}</span>
                  <span className="log-hit-text">{hit.text.length > 300 ? `${hit.text.slice(0, 300)}…` : hit.text}</span>
                  {hit.event && (
                    <span className="log-hit-event">
                      in the trace from #{hit.event.lineNo}: {hit.event.text.length > 120 ? `${hit.event.text.slice(0, 120)}…` : hit.event.text}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
