// Just enough TOML for pyproject.toml and Pipfile: top-level tables with their keys' raw values (arrays
// may span lines), strings and string arrays. Anything fancier is left as raw text and not relied on.

/** Table name (`project`, `tool.poetry.dependencies`; `` for the root) → key → raw value text. */
export type TomlTables = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function readTomlTables(text: string): TomlTables {
  const tables = new Map<string, Map<string, string>>([['', new Map()]]);
  let current = tables.get('')!;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = stripComment(lines[index]!).trim();
    if (line === '') continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      const name = header[1]!.replace(/\s*\.\s*/g, '.').replace(/"/g, '');
      current = tables.get(name) ?? new Map();
      tables.set(name, current);
      continue;
    }
    const pair = /^("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!pair) continue;
    let value = pair[2]!;
    // A multi-line array or inline table: gather lines until the brackets balance.
    while (bracketDepth(value) > 0 && index + 1 < lines.length) {
      index += 1;
      value += `\n${stripComment(lines[index]!)}`;
    }
    current.set(pair[1]!.replace(/^["']|["']$/g, ''), value.trim());
  }
  return tables;
}

/** A TOML basic or literal string's value, or null. */
export function tomlString(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const match = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/.exec(raw.trim());
  if (!match) return null;
  return match[1] !== undefined ? match[1].replace(/\\(["\\])/g, '$1') : match[2]!;
}

/** The strings of a TOML array (`["flask>=3", 'gunicorn']`), or null when the value is not an array. */
export function tomlStringArray(raw: string | undefined): string[] | null {
  if (raw === undefined || !raw.trim().startsWith('[')) return null;
  const strings: string[] = [];
  for (const match of raw.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)) strings.push(match[1] !== undefined ? match[1].replace(/\\(["\\])/g, '$1') : match[2]!);
  return strings;
}

function stripComment(line: string): string {
  // A `#` outside quotes starts a comment.
  let quote: string | null = null;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote) {
      if (char === '\\' && quote === '"') index += 1;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#') return line.slice(0, index);
  }
  return line;
}

function bracketDepth(text: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quote) {
      if (char === '\\' && quote === '"') index += 1;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') depth += 1;
    else if (char === ']' || char === '}') depth -= 1;
  }
  return depth;
}
