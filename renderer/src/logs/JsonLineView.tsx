// The marked JSON line, pretty-printed under the terminal with its keys and values coloured. A line past
// the caps (json-line.ts) is not parsed: the panel says so and the terminal keeps showing it as stored.
import { useMemo } from 'react';
import type { LogLine } from '../../../shared';
import { JSON_PRETTY_CAP, jsonTokens, prettyJson } from './json-line';

export interface JsonLineViewProps {
  readonly line: LogLine;
  readonly onClose: () => void;
}

/** True when the line looks like a JSON object, so a click on it opens this view. */
export function opensAsJson(text: string): boolean {
  return text.trimStart().startsWith('{') && text.trimEnd().endsWith('}');
}

export function JsonLineView({ line, onClose }: JsonLineViewProps) {
  const pretty = useMemo(() => prettyJson(line.text), [line.text]);
  const tokens = useMemo(() => (pretty === null ? [] : jsonTokens(pretty)), [pretty]);
  return (
    <section className="log-json-view" aria-label={`JSON of line ${line.lineNo}`} data-testid="log-json-view">
      <header>
        <strong>Line {line.lineNo.toLocaleString()}</strong> as JSON
        <button type="button" onClick={onClose} aria-label="Close the JSON view">
          Close
        </button>
      </header>
      {pretty === null ? (
        <p>
          {line.text.length > JSON_PRETTY_CAP
            ? `This line is ${Math.round(line.text.length / 1024).toLocaleString()} KB, more than the ${JSON_PRETTY_CAP / 1024} KB the JSON view opens: it is shown as stored. Copy or download it to read it elsewhere.`
            : 'This line is not valid JSON, or is nested too deeply to show: it is shown as stored.'}
        </p>
      ) : (
        <pre>
          {tokens.map((token, index) => (token.kind === 'plain' ? token.text : <span key={index} className={`json-${token.kind}`}>{token.text}</span>))}
        </pre>
      )}
    </section>
  );
}
