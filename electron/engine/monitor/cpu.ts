/** The part of a one-shot `docker stats` answer the sampler reads. */
export interface ContainerStats {
  readonly read?: string;
  readonly cpu_stats?: {
    readonly cpu_usage?: { readonly total_usage?: number };
    readonly system_cpu_usage?: number;
    readonly online_cpus?: number;
  };
  readonly memory_stats?: {
    readonly usage?: number;
    readonly limit?: number;
    readonly stats?: Readonly<Record<string, number | undefined>>;
  };
}

/** What the sampler remembers between two samples of one container (one-shot stats have no precpu). */
export interface CpuReading {
  readonly containerNs: number;
  /** Host CPU time over all cores, when Docker reports it. */
  readonly systemNs: number | null;
  readonly onlineCpus: number;
  readonly atMs: number;
}

const MB = 1024 * 1024;

export function cpuReading(stats: ContainerStats, atMs: number): CpuReading | null {
  const containerNs = stats.cpu_stats?.cpu_usage?.total_usage;
  if (typeof containerNs !== 'number') return null;
  const systemNs = stats.cpu_stats?.system_cpu_usage;
  return {
    containerNs,
    systemNs: typeof systemNs === 'number' && systemNs > 0 ? systemNs : null,
    onlineCpus: Math.max(1, stats.cpu_stats?.online_cpus ?? 1),
    atMs,
  };
}

/**
 * CPU% of one core between two readings (100 = one full core). Uses Docker's own formula when
 * both readings carry host CPU time, else container CPU time over wall time.
 */
export function cpuPercent(previous: CpuReading, next: CpuReading): number {
  const containerDelta = next.containerNs - previous.containerNs;
  if (containerDelta <= 0) return 0;
  if (previous.systemNs !== null && next.systemNs !== null && next.systemNs > previous.systemNs) {
    return round((containerDelta / (next.systemNs - previous.systemNs)) * next.onlineCpus * 100);
  }
  const wallNs = (next.atMs - previous.atMs) * 1e6;
  return wallNs > 0 ? round((containerDelta / wallNs) * 100) : 0;
}

/** Memory in use the way `docker stats` shows it: page cache that can be reclaimed does not count. */
export function memoryMb(stats: ContainerStats): { usedMb: number; limitMb: number } | null {
  const memory = stats.memory_stats;
  if (!memory || typeof memory.usage !== 'number') return null;
  const inactive = memory.stats?.['inactive_file'] ?? memory.stats?.['total_inactive_file'] ?? 0;
  const used = inactive < memory.usage ? memory.usage - inactive : memory.usage;
  return { usedMb: round(used / MB), limitMb: round((memory.limit ?? 0) / MB) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
