// Builds the search index's line slices (store/search-index.ts, migration 014) for full blocks, after the
// lines are stored rather than while they are: the log writer's path stays as fast as before (BENCH
// ingest_store), and a flood of lines is stored first and indexed once it eases. Until a block has its
// slices, filter mode reads it line by line (logs/log-filter.ts), so a block waiting here is only slower.
import type { Store } from '../store/store';
import { blockOfLine, firstLineOfBlock, LINE_SIGNATURE_WORDS, SEARCH_BLOCK_LINES, signLine, sliceMajor } from '../store/search-index';
import type { LogLine } from '../../../shared';
import type { LogWriter } from './log-writer';
import { createLogger } from '../logger';

const log = createLogger('logs/slices');

export interface LineSliceIndexerOptions {
  /** How often queued blocks are indexed. */
  readonly tickMs?: number;
  /** Longest a tick indexes before it yields (a block takes a few ms). */
  readonly tickBudgetMs?: number;
  /** A tick after more lines than this were committed since the last one is skipped: the writer comes first. */
  readonly floodLines?: number;
  /** How often the store is searched for full blocks without slices (older databases, blocks whose slices were dropped). */
  readonly rescanMs?: number;
}

interface QueuedBlock {
  readonly deploymentId: string;
  readonly blockNo: number;
}

/** Text signed per block at most (4,096 lines of 1 KB): about 12 ms of the engine's thread. */
const MAX_BLOCK_TEXT = 4 * 1024 * 1024;

/** Full blocks taken from one search of the store. */
const RESCAN_BLOCKS = 1000;

export class LineSliceIndexer {
  private readonly tickMs: number;
  private readonly tickBudgetMs: number;
  private readonly floodLines: number;
  private readonly rescanMs: number;
  private readonly queue: QueuedBlock[] = [];
  private readonly queued = new Set<string>();
  private linesSinceTick = 0;
  private lastRescan = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly detach: () => void;

  constructor(
    private readonly store: Store,
    writer: LogWriter,
    options: LineSliceIndexerOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 200;
    this.tickBudgetMs = options.tickBudgetMs ?? 10;
    this.floodLines = options.floodLines ?? 20_000;
    this.rescanMs = options.rescanMs ?? 60_000;
    this.detach = writer.onCommit((deploymentId, lines) => this.committed(deploymentId, lines));
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.detach();
  }

  /** Blocks waiting for their slices. */
  get pending(): number {
    return this.queue.length;
  }

  /** Indexes every full block without slices, the store searched first; for tests, benches and tools. Returns the blocks indexed. */
  indexAll(): number {
    let indexed = 0;
    for (;;) {
      this.rescan();
      if (this.queue.length === 0) return indexed;
      for (; this.queue.length > 0; indexed++) this.indexNext();
    }
  }

  /** One turn: unless the writer is flooded, index queued blocks for up to tickBudgetMs. */
  tick(now = Date.now()): void {
    const flooded = this.linesSinceTick > this.floodLines;
    this.linesSinceTick = 0;
    if (flooded) return;
    try {
      if (now - this.lastRescan >= this.rescanMs) this.rescan(now);
      const until = performance.now() + this.tickBudgetMs;
      while (this.queue.length > 0 && performance.now() < until) this.indexNext();
    } catch (error) {
      // The store may be closing or the disk full: the blocks stay without slices, filters read them line by line.
      log.warn('Building line slices failed; the next turn tries again.', error);
    }
  }

  /** A commit that starts a block makes the block before it full. */
  private committed(deploymentId: string, lines: readonly LogLine[]): void {
    this.linesSinceTick += lines.length;
    const first = lines[0];
    const last = lines[lines.length - 1];
    if (!first || !last) return;
    const firstFull = first.lineNo === firstLineOfBlock(blockOfLine(first.lineNo)) ? blockOfLine(first.lineNo) - 1 : blockOfLine(first.lineNo);
    for (let blockNo = Math.max(0, firstFull); blockNo < blockOfLine(last.lineNo); blockNo++) this.enqueue({ deploymentId, blockNo });
  }

  private rescan(now = Date.now()): void {
    this.lastRescan = now;
    for (const block of this.store.logLines.blocksWithoutSlices(RESCAN_BLOCKS)) this.enqueue(block);
  }

  private enqueue(block: QueuedBlock): void {
    const key = `${block.deploymentId}\u0000${block.blockNo}`;
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(block);
  }

  /**
   * Builds and stores the next queued block's slices from its stored lines (a block whose lines are all gone
   * gets empty ones). A block with more than MAX_BLOCK_TEXT characters of text gets slices that rule nothing out:
   * it is read line by line, and signing it would hold the engine's thread too long.
   */
  private indexNext(): void {
    const block = this.queue.shift()!;
    this.queued.delete(`${block.deploymentId}\u0000${block.blockNo}`);
    const signatures = new Int32Array(SEARCH_BLOCK_LINES * LINE_SIGNATURE_WORDS);
    let characters = 0;
    for (const [lineNo, text] of this.store.logLines.blockTexts(block.deploymentId, block.blockNo)) {
      characters += text.length;
      if (characters > MAX_BLOCK_TEXT) {
        signatures.fill(-1);
        break;
      }
      signLine(signatures, ((lineNo - 1) % SEARCH_BLOCK_LINES) * LINE_SIGNATURE_WORDS, text);
    }
    this.store.logLines.insertSlices(block.deploymentId, block.blockNo, sliceMajor(signatures));
  }
}
