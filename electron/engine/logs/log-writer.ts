import type { LogLine, LogSource, LogStream, StepName } from '../../../shared';
import type { Store } from '../store/store';
import { fromStored } from './stored-line';
import type { SearchBlock, StoredLine } from '../store/log-lines';
import type { DemuxedLinesHandler } from './line-assembler';
import { blockOfLine, indexText, SEARCH_BLOCK_BYTES } from '../store/search-index';
import { createLogger } from '../logger';
import { lineLevel } from './log-level';

const log = createLogger('logs/writer');

/** One line as a source hands it over; the writer assigns lineNo. */
export interface LogEntry {
  readonly stream: LogStream;
  readonly source: LogSource;
  readonly text: string;
  readonly runId?: string | null;
  readonly step?: StepName | null;
  /** Milliseconds since the epoch; defaults to when the writer received it. */
  readonly ts?: number;
  readonly cut?: boolean;
  /** The exact bytes when `text` cannot hold them (the assembler sets this for invalid UTF-8). */
  readonly raw?: Uint8Array | null;
  /** The Compose stack service the line came from (docs/product-rules.md "Compose stacks"); null/absent: none. */
  readonly service?: string | null;
}

/** Where a source's lines belong: everything a LogEntry carries besides the line itself. */
export interface LogContext {
  readonly source: LogSource;
  readonly runId?: string | null;
  readonly step?: StepName | null;
  /** A stack service's container: every line of the sink is that service's. */
  readonly service?: string | null;
}

interface OpenBlock {
  readonly deploymentId: string;
  blockNo: number;
  bits: Uint8Array;
  /** Whether one of its lines holds a NUL character; null when not known (lines stored before migration 013). */
  hasNul: boolean | null;
}

export type CommitListener = (deploymentId: string, lines: readonly LogLine[]) => void;

export interface LogWriterOptions {
  /** Longest a line may wait before its transaction commits. */
  readonly maxDelayMs?: number;
  /** Most lines in one transaction. */
  readonly maxBatchLines?: number;
  /** While the disk is full: most lines held in memory for later; past it new lines are counted and dropped. */
  readonly maxHeldLines?: number;
  /** While the disk is full: how often a commit is tried again. */
  readonly diskRetryMs?: number;
}

/** The disk filled up: lines wait in memory and commits are retried until space returns. */
export interface DiskFull {
  readonly since: number;
  readonly heldLines: number;
  readonly droppedLines: number;
}

interface DiskFullState {
  readonly since: number;
  /** Lines per deployment that could not even be held. */
  readonly dropped: Map<string, number>;
  /** Deployments that logged while the disk was full: each gets a `[DISK]` line once space returns. */
  readonly touched: Set<string>;
  retry: NodeJS.Timeout | undefined;
}

/** SQLite answers SQLITE_FULL when a write finds no space (ENOSPC), rolling the transaction back. */
const isDiskFull = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_FULL';

/**
 * Gives each line the next lineNo of its deployment and commits lines in batches
 * (one transaction per ≤ maxDelayMs or ≤ maxBatchLines). Listeners hear about a batch only after
 * it is committed, so nobody ever sees a line that is not on disk.
 */
export class LogWriter {
  private readonly maxDelayMs: number;
  private readonly maxBatchLines: number;
  private readonly maxHeldLines: number;
  private readonly diskRetryMs: number;
  private pending: StoredLine[] = [];
  private disk: DiskFullState | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly nextLineNo = new Map<string, number>();
  private readonly listeners = new Set<CommitListener>();
  /** Each deployment's newest search block, kept in memory so a commit only rewrites one blob. */
  private readonly openBlocks = new Map<string, OpenBlock>();
  private closed = false;

  constructor(private readonly store: Store, options: LogWriterOptions = {}) {
    this.maxDelayMs = options.maxDelayMs ?? 20;
    this.maxBatchLines = options.maxBatchLines ?? 1000;
    this.maxHeldLines = options.maxHeldLines ?? 200_000;
    this.diskRetryMs = options.diskRetryMs ?? 2000;
  }

  /** Set while the disk is full (lines are held, commits retried); null otherwise. */
  get diskFull(): DiskFull | null {
    if (!this.disk) return null;
    let dropped = 0;
    for (const count of this.disk.dropped.values()) dropped += count;
    return { since: this.disk.since, heldLines: this.pending.length, droppedLines: dropped };
  }

  append(deploymentId: string, entry: LogEntry): number {
    return this.enqueue(deploymentId, entry, entry.source, entry.runId ?? null, entry.step ?? null, entry.service || null);
  }

  /**
   * A handler for DockerLogDemuxer / pumpDockerLogs that appends every line with this context
   * (the line's own Docker timestamp, when it has one, becomes its ts).
   */
  sink(deploymentId: string, context: LogContext): DemuxedLinesHandler {
    const { source, runId = null, step = null } = context;
    const service = context.service || null;
    return (lines) => {
      for (const line of lines) this.enqueue(deploymentId, line, source, runId, step, service);
    };
  }

  /** Gives a line its lineNo and queues it (the sink passes demuxed lines straight in: no copy per line). */
  private enqueue(
    deploymentId: string,
    line: Pick<LogEntry, 'stream' | 'text' | 'cut' | 'raw' | 'ts'>,
    source: LogSource,
    runId: string | null,
    step: StepName | null,
    service: string | null,
  ): number {
    if (this.closed) throw new Error('The log writer is closed.');
    if (this.disk) {
      this.disk.touched.add(deploymentId);
      if (this.pending.length >= this.maxHeldLines) {
        // No number is given out: the lines after the disk frees up continue the numbering without a hole.
        this.disk.dropped.set(deploymentId, (this.disk.dropped.get(deploymentId) ?? 0) + 1);
        return this.lastAllocated(deploymentId);
      }
    }
    const lineNo = this.allocate(deploymentId);
    this.pending.push({
      deploymentId,
      lineNo,
      ts: line.ts !== undefined && Number.isFinite(line.ts) ? line.ts : Date.now(),
      stream: line.stream,
      source,
      runId,
      step,
      text: line.text,
      cut: line.cut ?? false,
      raw: line.raw ?? null,
      // Detected once, here: stored with the line and sent to subscribers (docs/product-rules.md "Log levels").
      level: lineLevel(line.stream, line.text),
      service,
    });
    // While the disk is full only the retry timer commits.
    if (this.disk) return lineNo;
    if (this.pending.length >= this.maxBatchLines) this.flush();
    else this.timer ??= setTimeout(() => this.flushFromTimer(), this.maxDelayMs);
    return lineNo;
  }

  /** Writes a Berth event line such as `[CRASH] exit=137 oom=true`, committed at once (its level: `systemLineLevel`). */
  system(deploymentId: string, text: string, context: { runId?: string | null; step?: StepName | null; source?: LogSource; service?: string | null } = {}): number {
    const lineNo = this.append(deploymentId, { stream: 'system', source: context.source ?? 'runtime', text, runId: context.runId, step: context.step, service: context.service });
    this.flush();
    return lineNo;
  }

  /**
   * Commits everything pending in one transaction, then tells listeners. While the disk is full this
   * does nothing: the lines wait for the retry timer.
   */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disk || this.pending.length === 0) return;
    this.commit();
  }

  private commit(): void {
    const batch = this.pending;
    this.pending = [];
    try {
      this.store.logLines.insertMany(batch, this.indexBatch(batch));
    } catch (error) {
      if (isDiskFull(error)) {
        // Nothing was committed and nobody was told: keep the lines, in order, and try again later.
        this.pending = batch;
        this.waitForSpace();
        return;
      }
      // Nothing was committed: forget the allocated numbers so the next batch reuses them gap-free.
      for (const deploymentId of new Set(batch.map((line) => line.deploymentId))) this.nextLineNo.delete(deploymentId);
      throw error;
    }
    const byDeployment = new Map<string, LogLine[]>();
    for (const line of batch) {
      let lines = byDeployment.get(line.deploymentId);
      if (!lines) byDeployment.set(line.deploymentId, (lines = []));
      lines.push(fromStored(line));
    }
    for (const [deploymentId, lines] of byDeployment) {
      for (const listener of this.listeners) listener(deploymentId, lines);
    }
    if (this.disk) this.spaceReturned();
  }

  private waitForSpace(): void {
    if (!this.disk) {
      this.disk = { since: Date.now(), dropped: new Map(), touched: new Set(this.pending.map((line) => line.deploymentId)), retry: undefined };
      log.error(`The disk is full: ${this.pending.length} log lines wait in memory (up to ${this.maxHeldLines}); committing again every ${this.diskRetryMs / 1000} s.`);
    }
    const disk = this.disk;
    disk.retry = setTimeout(() => {
      disk.retry = undefined;
      if (this.closed || this.disk !== disk) return;
      try {
        this.commit();
      } catch (error) {
        log.error('A batch of log lines could not be committed after the disk filled up and was dropped.', error);
        this.waitForSpace();
      }
    }, this.diskRetryMs);
    disk.retry.unref();
  }

  /** The held lines are committed: say what happened in every deployment that logged meanwhile. */
  private spaceReturned(): void {
    const disk = this.disk!;
    this.disk = null;
    const from = new Date(disk.since).toISOString();
    const to = new Date().toISOString();
    log.warn(`The disk has space again (full from ${from} to ${to}); held log lines are committed.`);
    for (const deploymentId of disk.touched) {
      const dropped = disk.dropped.get(deploymentId) ?? 0;
      const lost = dropped > 0 ? `${dropped} lines could not be kept (more than ${this.maxHeldLines} were waiting); everything before and after them is stored` : 'no line was lost';
      this.system(deploymentId, `[DISK] the disk was full from ${from} to ${to}: ${lost}`);
    }
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The highest lineNo handed out so far (committed or pending). */
  lastAllocated(deploymentId: string): number {
    return (this.nextLineNo.get(deploymentId) ?? this.store.logLines.lastLineNo(deploymentId) + 1) - 1;
  }

  close(): void {
    if (this.disk) {
      clearTimeout(this.disk.retry);
      // One last try: the lines still held are lost if the disk is still full.
      this.disk = null;
      try {
        this.commit();
      } catch (error) {
        log.error(`${this.pending.length} held log lines could not be committed before closing.`, error);
      }
      const stillFull = this.disk as DiskFullState | null;
      if (stillFull) {
        clearTimeout(stillFull.retry);
        log.error(`The disk is still full: ${this.pending.length} held log lines were not stored.`);
      }
    } else this.flush();
    this.closed = true;
  }

  private flushFromTimer(): void {
    try {
      this.flush();
    } catch (error) {
      // Nobody awaits a timer: say what was lost instead of crashing the engine.
      log.error('A batch of log lines could not be committed and was dropped.', error);
    }
  }

  /** Adds the batch's text to the search index; returns the blocks to write with it. */
  private indexBatch(batch: readonly StoredLine[]): SearchBlock[] {
    // Each open block once (a batch interleaves deployments); a line of the same block as the one before adds nothing.
    const touched = new Set<OpenBlock>();
    let block: OpenBlock | undefined;
    for (const line of batch) {
      const blockNo = blockOfLine(line.lineNo);
      if (!block || block.deploymentId !== line.deploymentId || block.blockNo !== blockNo) {
        block = this.openBlocks.get(line.deploymentId);
        if (!block || block.blockNo !== blockNo) {
          const stored = this.store.logLines.searchBlock(line.deploymentId, blockNo);
          block = stored
            ? { deploymentId: line.deploymentId, blockNo, bits: Uint8Array.from(stored.bits), hasNul: stored.hasNul }
            : { deploymentId: line.deploymentId, blockNo, bits: new Uint8Array(SEARCH_BLOCK_BYTES), hasNul: false };
          this.openBlocks.set(line.deploymentId, block);
        }
        touched.add(block);
      }
      indexText(block.bits, line.text);
      // For filter mode's prefilter (store/migrations/013-search-block-nul.ts); V8 finds one character fast.
      if (block.hasNul === false && line.text.includes('\u0000')) block.hasNul = true;
    }
    return [...touched].map(({ deploymentId, blockNo, bits, hasNul }) => ({ deploymentId, blockNo, bits, hasNul }));
  }

  private allocate(deploymentId: string): number {
    const next = this.nextLineNo.get(deploymentId) ?? this.store.logLines.lastLineNo(deploymentId) + 1;
    this.nextLineNo.set(deploymentId, next + 1);
    return next;
  }
}
