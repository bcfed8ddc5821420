export function toIso(ms: number): string;
export function toIso(ms: number | null): string | null;
export function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function durationMs(start: number | null, end: number | null): number | null {
  return start !== null && end !== null ? Math.max(0, end - start) : null;
}
