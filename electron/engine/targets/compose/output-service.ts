// Which service a line of Compose's output is about, so each build and `up` line is stored with its
// service (docs/product-rules.md, "Compose stacks"). Pure and stateful per command: v1's `build` prints a
// `Building <service>` header before the classic builder's steps; v2 (BuildKit, plain progress) prefixes
// steps with `#n [<service> …]`; `up` names containers `<project>_<service>_1` (v1) or `<project>-<service>-1` (v2).

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class OutputServiceTagger {
  private current: string | null = null;
  private readonly known: ReadonlySet<string>;
  private readonly container: RegExp;

  constructor(services: readonly string[], composeProject: string) {
    this.known = new Set(services);
    // Longest first, so `web-api` wins over `web`.
    const names = [...services].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
    this.container = new RegExp(`${escapeRegExp(composeProject)}[_-](${names || '(?!)'})[_-]\\d+\\b`);
  }

  /** The service of `text`, or null for a line about the stack as a whole (the network, a volume). */
  serviceOf(text: string): string | null {
    const header = /^(?:Building|Pulling) (\S+)\s*$/.exec(text);
    if (header && this.known.has(header[1]!)) {
      this.current = header[1]!;
      return this.current;
    }
    const skipping = /^(\S+) uses an image, skipping$/.exec(text);
    if (skipping && this.known.has(skipping[1]!)) return skipping[1]!;
    const buildkit = /^#\d+ \[([^\s\]]+)[\s\]]/.exec(text);
    if (buildkit && this.known.has(buildkit[1]!)) return buildkit[1]!;
    const named = this.container.exec(text);
    if (named) return named[1]!;
    // v2's `<service> Built` / ` ✔ Container …` style lines name the service first.
    const leading = /^\s*(?:[✔✘⠿]\s+)?(\S+)\s+(?:Built|Pulled|Skipped|Error|Warning|Pulling|Building)\b/.exec(text);
    if (leading && this.known.has(leading[1]!)) return leading[1]!;
    // Inside a v1 build, every line belongs to the service whose header came last.
    return this.current;
  }

  /** A command that is not a build: lines outside a header are the stack's. */
  reset(): void {
    this.current = null;
  }
}
