// CloudWatch's service metrics (AWS/ECS CPUUtilization, MemoryUtilization) as Berth metric samples.
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { NewMetricSample } from '../../store/metrics';

export interface ServiceMetricsQuery {
  readonly cluster: string;
  readonly service: string;
  /** Task CPU units (1024 = one vCPU) and memory: CloudWatch reports % of these reservations. */
  readonly cpuUnits: number;
  readonly memoryMb: number;
  readonly from: number;
  readonly to: number;
  readonly periodSeconds?: number;
}

/**
 * One GetMetricData call for both metrics. CPUUtilization is % of the task's reserved CPU units;
 * Berth's cpuPct is % of one CPU (100 = one core), so it is scaled by cpuUnits / 1024. Memory is %
 * of the reservation, turned into MB used of the reservation.
 */
export async function readServiceMetrics(cloudwatch: Pick<CloudWatchClient, 'send'>, deploymentId: string, query: ServiceMetricsQuery): Promise<NewMetricSample[]> {
  const dimensions = [
    { Name: 'ClusterName', Value: query.cluster },
    { Name: 'ServiceName', Value: query.service },
  ];
  const stat = (id: string, metricName: string) => ({
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/ECS', MetricName: metricName, Dimensions: dimensions }, Period: query.periodSeconds ?? 60, Stat: 'Average' },
    ReturnData: true,
  });
  // Align the window to the period: CloudWatch buckets from StartTime, so whole minutes stay whole.
  const periodMs = (query.periodSeconds ?? 60) * 1000;
  const from = Math.floor(query.from / periodMs) * periodMs;
  const to = Math.ceil(query.to / periodMs) * periodMs;
  const results: MetricDataResult[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(from),
        EndTime: new Date(to),
        MetricDataQueries: [stat('cpu', 'CPUUtilization'), stat('memory', 'MemoryUtilization')],
        ScanBy: 'TimestampAscending',
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    results.push(...(page.MetricDataResults ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return toSamples(deploymentId, results, query.cpuUnits, query.memoryMb);
}

export function toSamples(deploymentId: string, results: readonly MetricDataResult[], cpuUnits: number, memoryMb: number): NewMetricSample[] {
  const series = (id: string): Map<number, number> => {
    const values = new Map<number, number>();
    for (const result of results.filter((candidate) => candidate.Id === id)) {
      (result.Timestamps ?? []).forEach((timestamp, index) => {
        const value = result.Values?.[index];
        if (value !== undefined) values.set(timestamp.getTime(), value);
      });
    }
    return values;
  };
  const cpu = series('cpu');
  const memory = series('memory');
  const times = [...new Set([...cpu.keys(), ...memory.keys()])].sort((a, b) => a - b);
  // A minute where only one metric arrived still charts: the missing one is carried from the previous minute.
  let lastCpu: number | null = null;
  let lastMemory: number | null = null;
  const samples: NewMetricSample[] = [];
  for (const at of times) {
    const cpuValue: number | null = cpu.get(at) ?? lastCpu;
    const memoryValue: number | null = memory.get(at) ?? lastMemory;
    lastCpu = cpuValue;
    lastMemory = memoryValue;
    samples.push({
      deploymentId,
      sampledAt: at,
      cpuPct: round(((cpuValue ?? 0) * cpuUnits) / 1024),
      memUsedMb: round(((memoryValue ?? 0) / 100) * memoryMb),
      memLimitMb: memoryMb,
    });
  }
  return samples;
}

const round = (value: number): number => Math.round(value * 100) / 100;
