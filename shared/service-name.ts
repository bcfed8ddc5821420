// A Compose stack service's name as a screen shows it (the log viewer's tags, the Services panel, the charts'
// legend, `berth ls`/`status`/`logs`): the name comes from a compose file, so a control character in it is shown
// escaped and never reaches a terminal (docs/product-rules.md "Compose stacks: services in logs and metrics").

/** Characters of a name shown at most (the stored name is kept whole for filtering). */
export const SERVICE_NAME_SHOWN_MAX = 24;

// C0, DEL, C1, and the line/paragraph separators and bidi controls that would reorder or break a row.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text from a compose file with its control characters escaped (`\x1b`, `\u202e`), whole. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The name as shown: control characters escaped, cut to SERVICE_NAME_SHOWN_MAX characters with `…`. */
export function safeServiceName(name: string): string {
  const escaped = escapeControls(name);
  return escaped.length > SERVICE_NAME_SHOWN_MAX ? `${escaped.slice(0, SERVICE_NAME_SHOWN_MAX - 1)}…` : escaped;
}
