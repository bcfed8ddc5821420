// Small display helpers shared by every view. Pure functions, so unit tests can cover them.
import { inBinaryUnits } from '../../../shared/log-trim';

/** "850 ms", "12.3 s", "4 m 05 s", "1 h 02 m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const totalSeconds = Math.round(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} m ${String(totalSeconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} m`;
}

/** A local date and time (the year only when it is not this year), or a dash when there is none. */
export function formatTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const year = date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' as const };
  return date.toLocaleString(undefined, { ...year, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// CSI and OSC sequences: log lines quoted outside the terminal show as plain text.
/** Milliseconds from `startedAt` to `finishedAt`, or to `now` while still open. */
export function elapsedMs(startedAt: string | null, finishedAt: string | null, now: number): number | null {
  if (!startedAt) return null;
  const start = Date.parse(startedAt);
  const end = finishedAt ? Date.parse(finishedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, end - start);
}

/** "in_progress" → "In progress". */
export function humanize(word: string): string {
  const spaced = word.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The short form of a container id or image digest, as `docker ps` shows it. */
export function shortId(id: string | null | undefined): string {
  if (!id) return '—';
  const bare = id.replace(/^sha256:/, '');
  return bare.length > 12 ? bare.slice(0, 12) : bare;
}

/** "0 bytes", "812 KB", "1.4 GB": binary units, as the log budget counts (shared/log-trim.ts). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const { value, unit } = inBinaryUnits(bytes);
  return unit === 'bytes' ? `${value} bytes` : `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${unit}`;
}
