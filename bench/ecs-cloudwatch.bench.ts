// BENCH ecs_cloudwatch_ingest: CloudWatch events/s from moto_server into the log store through the
// CloudWatch follower (ordering, dedupe, line splitting, batched SQLite commits) vs raw SDK
// FilterLogEvents paging over the same events with nothing stored (the cost of reading alone).
// BENCH ecs_cloudwatch_call_rate: API calls/s the follower makes while following, vs its 1 call/s cap.
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, FilterLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { CloudWatchLogFollower } from '../electron/engine/monitor/ecs/cloudwatch-log-follower';
import { Store } from '../electron/engine/store/store';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startMoto } from '../test/support/aws-emulator';
import { makeTempDir } from '../test/support/temp-dir';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 5000);
const GROUP = '/bench/ecs';
const STREAM = 'berth/bench/task-1';

const moto = await startMoto();
const temp = makeTempDir('bench-ecs-');
const logs = new CloudWatchLogsClient({ endpoint: moto.url, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
try {
  await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
  const base = Date.now() - 60 * 60_000;
  for (let from = 0; from < EVENTS; from += 1000) {
    const count = Math.min(1000, EVENTS - from);
    // Four events per millisecond: equal timestamps are the norm under load.
    const logEvents = Array.from({ length: count }, (_, offset) => ({ timestamp: base + Math.floor((from + offset) / 4), message: `GET /api/items/${from + offset} status=200 took ${(from + offset) % 300}ms` }));
    await logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, logEvents }));
  }

  // Baseline: read every event with the SDK, nothing else (once to warm up, then timed).
  const readAll = async (): Promise<number> => {
    let read = 0;
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: base - 1, ...(nextToken ? { nextToken } : {}) }));
      read += page.events?.length ?? 0;
      nextToken = page.nextToken;
    } while (nextToken);
    return read;
  };
  await readAll();
  let start = performance.now();
  const read = await readAll();
  const rawSeconds = (performance.now() - start) / 1000;
  if (read !== EVENTS) throw new Error(`raw read ${read} of ${EVENTS}`);

  // Berth: the follower, resuming from before the first event, into a real store.
  const store = Store.open(`${temp.dir}/berth.db`);
  const writer = new LogWriter(store);
  let delivered = 0;
  const follower = new CloudWatchLogFollower({
    logs,
    logGroupName: GROUP,
    logStreamNamePrefix: 'berth/bench/',
    cursor: { timestamp: base - 1, keys: [] },
    deliver: (events) => {
      for (const event of events) writer.append('bench', { stream: 'stdout', source: 'runtime', text: event.message, ts: event.timestamp });
      delivered += events.length;
    },
  });
  start = performance.now();
  await follower.poll();
  writer.flush();
  const followerSeconds = (performance.now() - start) / 1000;
  if (delivered !== EVENTS || store.logLines.lastLineNo('bench') !== EVENTS) throw new Error(`follower stored ${store.logLines.lastLineNo('bench')} of ${EVENTS}`);

  const rawRate = EVENTS / rawSeconds;
  const followerRate = EVENTS / followerSeconds;
  process.stdout.write(`BENCH ecs_cloudwatch_ingest ${followerRate.toFixed(0)} events/s ratio=${(followerRate / rawRate).toFixed(2)}\n`);

  // Following an idle group for a few seconds: calls are paced at one per second at most.
  const calls = follower.calls;
  follower.start();
  const windowMs = 5000;
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  await follower.stop();
  const rate = (follower.calls - calls) / (windowMs / 1000);
  process.stdout.write(`BENCH ecs_cloudwatch_call_rate ${rate.toFixed(2)} calls/s ratio=${(rate / 1).toFixed(2)}\n`);
  writer.close();
  store.close();
} finally {
  logs.destroy();
  await moto.stop();
  temp.cleanup();
}
