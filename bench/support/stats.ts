// Statistics shared by the benches.

/** The median; for an even count, the mean of the two middle values (not the upper one). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A baseline against Berth in the same run: each side warmed once (round -1), then `rounds` rounds that alternate
 * which side goes first, so neither always runs on a warmer machine. Times in ms, round by round.
 */
export async function alternatingRounds(rounds: number, baseline: (round: number) => Promise<number>, berth: (round: number) => Promise<number>): Promise<{ baseline: number[]; berth: number[] }> {
  await baseline(-1);
  await berth(-1);
  const times = { baseline: [] as number[], berth: [] as number[] };
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      times.baseline.push(await baseline(round));
      times.berth.push(await berth(round));
    } else {
      times.berth.push(await berth(round));
      times.baseline.push(await baseline(round));
    }
  }
  return times;
}
