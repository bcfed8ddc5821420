// Loggers per subsystem. Secrets registered with `redact` never reach the output.

const secrets = new Set<string>();

/** Registers a value (an env secret, a token) that must never be written to any log. */
export function redact(secret: string): void {
  if (secret.length >= 4) secrets.add(secret);
}

/** Every value registered so far (failure analysis redacts them from what it sends). */
export function registeredSecrets(): string[] {
  return [...secrets];
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('••••••');
  return out;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = (): number => ORDER[(process.env['BERTH_LOG_LEVEL'] as Level | undefined) ?? 'info'] ?? ORDER.info;

/** Where else log lines go (the engine's log file): info and up always, whatever stderr shows. */
const sinks = new Set<(line: string) => void>();

/** Adds a destination for every log line (already redacted); returns its removal. */
export function addLogSink(sink: (line: string) => void): () => void {
  sinks.add(sink);
  return () => void sinks.delete(sink);
}

export interface Logger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export function createLogger(subsystem: string): Logger {
  const write = (level: Level, message: string, detail?: unknown): void => {
    const toStderr = ORDER[level] >= threshold();
    const toSinks = sinks.size > 0 && ORDER[level] >= Math.min(threshold(), ORDER.info);
    if (!toStderr && !toSinks) return;
    const suffix = detail === undefined ? '' : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`;
    const line = `${new Date().toISOString()} ${level.padEnd(5)} [${subsystem}] ${redactText(message + suffix)}\n`;
    if (toStderr) process.stderr.write(line);
    if (toSinks) for (const sink of sinks) sink(line);
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}
