// Which runtime version a project asks for, reduced to what an image tag names: a Node major (or `lts`),
// a Python minor, a Go minor. Ranges are read as intervals of versions; the answer is the newest line the
// range allows, because that is what a user who wrote `>=18` gets from the official image too.

/** The tag word for "the current Node LTS"; used when a range has no upper bound. */
export const NODE_LTS = 'lts';
/** The newest Node LTS line Berth knows by number; a range whose floor is above it names its floor. */
const NEWEST_KNOWN_NODE_LTS = 24;
const NODE_LTS_CODENAMES: Readonly<Record<string, number>> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

export const DEFAULT_PYTHON_VERSION = '3.13';
const KNOWN_PYTHON_MINORS = [8, 9, 10, 11, 12, 13, 14];
export const DEFAULT_GO_VERSION = '1';

// Versions as one number, so intervals compare simply: major.minor.patch with minor and patch < 1000.
const at = (major: number, minor = 0, patch = 0): number => major * 1_000_000 + minor * 1_000 + patch;
interface Interval {
  readonly low: number; // inclusive
  readonly high: number; // exclusive
}
const EVERYTHING: Interval = { low: 0, high: Number.POSITIVE_INFINITY };

interface PartialVersion {
  readonly parts: readonly number[]; // 1 to 3 numbers; a wildcard ends the list
}

function parsePartial(text: string): PartialVersion | null {
  const cleaned = text.trim().replace(/^v/i, '');
  if (cleaned === '' || cleaned === '*' || /^x$/i.test(cleaned)) return { parts: [] };
  const match = /^(\d+)(?:\.(\d+|[x*]))?(?:\.(\d+|[x*]))?(?:[-+.]?[0-9A-Za-z.-]*)?$/i.exec(cleaned);
  if (!match) return null;
  const parts: number[] = [];
  for (const part of [match[1], match[2], match[3]]) {
    if (part === undefined || /^[x*]$/i.test(part)) break;
    parts.push(Number(part));
  }
  return { parts };
}

/** The versions a partial version covers: `20` → [20.0.0, 21.0.0). */
function covered(version: PartialVersion): Interval {
  const [major, minor, patch] = version.parts;
  if (major === undefined) return EVERYTHING;
  if (minor === undefined) return { low: at(major), high: at(major + 1) };
  if (patch === undefined) return { low: at(major, minor), high: at(major, minor + 1) };
  return { low: at(major, minor, patch), high: at(major, minor, patch) + 1 };
}

function intersect(a: Interval, b: Interval): Interval {
  return { low: Math.max(a.low, b.low), high: Math.min(a.high, b.high) };
}

const isEmpty = (interval: Interval): boolean => interval.low >= interval.high;

/** One comparator (`>=18`, `^20.1`, `~3.11`, `==3.11.*`, `20.x`) as an interval, or null when unreadable. */
function comparatorInterval(comparator: string): Interval | null {
  const match = /^(\^|~=|~|>=|<=|>|<|===|==|=)?\s*(.*)$/.exec(comparator.trim());
  if (!match) return null;
  const operator = match[1] ?? '';
  const version = parsePartial(match[2]!.replace(/\.\*$/, ''));
  if (!version) return null;
  const range = covered(version);
  const [major = 0, minor = 0] = version.parts;
  switch (operator) {
    case '':
    case '=':
    case '==':
    case '===':
      return range;
    case '>=':
      return { low: range.low, high: Number.POSITIVE_INFINITY };
    case '>':
      return { low: range.high, high: Number.POSITIVE_INFINITY };
    case '<':
      return { low: 0, high: range.low };
    case '<=':
      return { low: 0, high: range.high };
    case '^':
      return { low: range.low, high: major === 0 ? at(0, minor + 1) : at(major + 1) };
    case '~':
      return version.parts.length <= 1 ? range : { low: range.low, high: at(major, minor + 1) };
    case '~=':
      // PEP 440: ~=3.11 allows >=3.11,<4; ~=3.11.2 allows >=3.11.2,<3.12.
      return version.parts.length <= 2 ? { low: range.low, high: at(major + 1) } : { low: range.low, high: at(major, minor + 1) };
    default:
      return null;
  }
}

interface Range {
  readonly intervals: readonly Interval[];
  /** `!=3.13.*` (PEP 440): versions the range leaves out. */
  readonly excluded: readonly Interval[];
}

/** A range as a union of intervals: `||` between alternatives, spaces or commas between comparators, `a - b`. */
function parseRange(range: string): Range | null {
  const intervals: Interval[] = [];
  const excluded: Interval[] = [];
  for (const alternative of range.split('||')) {
    let interval = EVERYTHING;
    const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(alternative);
    const comparators = hyphen ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`] : alternative.replace(/(>=|<=|!=|>|<|\^|~=|~|==|=)\s+/g, '$1').split(/[\s,]+/).filter((part) => part !== '');
    for (const comparator of comparators) {
      if (comparator.startsWith('!=')) {
        const version = parsePartial(comparator.slice(2).replace(/\.\*$/, ''));
        if (version === null) return null;
        excluded.push(covered(version));
        continue;
      }
      const next = comparatorInterval(comparator);
      if (next === null) return null;
      interval = intersect(interval, next);
    }
    if (!isEmpty(interval)) intervals.push(interval);
  }
  return { intervals, excluded };
}

/** Whether some version of a release line is in the range (a line wholly excluded is not). */
const allows = (range: Range, line: Interval): boolean =>
  range.intervals.some((interval) => !isEmpty(intersect(interval, line))) && !range.excluded.some((out) => out.low <= line.low && out.high >= line.high);

/** `.nvmrc` / `.node-version`: `v20.11.1` → `20`, `lts/iron` → `20`, `lts/*` → `lts`; null when unreadable. */
export function nodeVersionFromFile(text: string): string | null {
  const word = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (word === '') return null;
  if (['lts', 'lts/*', 'node', 'stable', 'latest'].includes(word)) return NODE_LTS;
  const codename = /^lts\/(\w+)$/.exec(word);
  if (codename) {
    const major = NODE_LTS_CODENAMES[codename[1]!];
    return major === undefined ? NODE_LTS : String(major);
  }
  const version = parsePartial(word);
  return version && version.parts.length > 0 ? String(version.parts[0]) : null;
}

/** `engines.node` → the Node major to build with: the newest LTS (even) line the range allows, `lts` when unbounded. */
export function nodeVersionForRange(range: string): string | null {
  const parsed = parseRange(range);
  if (parsed === null || parsed.intervals.length === 0) return null;
  const { intervals } = parsed;
  if (intervals.some((interval) => interval.high === Number.POSITIVE_INFINITY)) {
    const floor = Math.min(...intervals.map((interval) => Math.floor(interval.low / 1_000_000)));
    return floor > NEWEST_KNOWN_NODE_LTS ? String(floor) : NODE_LTS;
  }
  const highest = Math.floor((Math.max(...intervals.map((interval) => interval.high)) - 1) / 1_000_000);
  let oddFallback: number | null = null;
  for (let major = highest; major >= 0; major -= 1) {
    if (!allows(parsed, { low: at(major), high: at(major + 1) })) continue;
    if (major % 2 === 0) return String(major);
    oddFallback ??= major;
  }
  return oddFallback === null ? null : String(oddFallback);
}

/** `.python-version` (`3.11.4`), runtime.txt (`python-3.11.4`), Pipfile's `python_version`: → `3.11`; null when unreadable. */
export function pythonVersionFromText(text: string): string | null {
  const match = /^(?:python-?)?(3)\.(\d+)(?:\.\d+)?\S*$/i.exec(text.trim().split(/\s+/)[0] ?? '');
  return match ? `${match[1]}.${match[2]}` : null;
}

/** `requires-python` → the Python minor to build with: Berth's default when allowed, else the newest allowed below it, else the oldest above. */
export function pythonVersionForRange(range: string): string | null {
  const parsed = parseRange(range);
  if (parsed === null || parsed.intervals.length === 0) return null;
  const allowed = KNOWN_PYTHON_MINORS.filter((minor) => allows(parsed, { low: at(3, minor), high: at(3, minor + 1) }));
  const defaultMinor = Number(DEFAULT_PYTHON_VERSION.split('.')[1]);
  const below = allowed.filter((minor) => minor <= defaultMinor);
  const chosen = below.length > 0 ? below.at(-1) : allowed[0];
  return chosen === undefined ? null : `3.${chosen}`;
}

/** go.mod's `go 1.22.3` → `1.22`. */
export function goVersionFromDirective(version: string): string | null {
  const match = /^(1)\.(\d+)/.exec(version.trim());
  return match ? `${match[1]}.${match[2]}` : null;
}
