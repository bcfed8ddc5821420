import { describe, expect, it } from 'vitest';
import { LOG_LEVELS, type LogLevel } from '../../../shared';
import { detectLevel, JSON_PREFIX_CHARS, levelCode, lineLevel, storedLevel, systemLineLevel } from '../../../electron/engine/logs/log-level';

type Corpus = readonly (readonly [line: string, level: LogLevel])[];

// Lines as the named tools print them (copied from their default layouts), one group per source in
// docs/product-rules.md "Log levels".
const JSON_LINES: Corpus = [
  ['{"level":30,"time":1733307072345,"pid":7,"hostname":"web","msg":"request completed"}', 'info'], // pino
  ['{"level":50,"time":1733307072345,"pid":7,"hostname":"web","err":{"type":"Error"},"msg":"boom"}', 'error'],
  ['{"name":"api","hostname":"web","pid":7,"level":40,"msg":"slow query","time":"2024-12-04T10:11:12.345Z","v":0}', 'warn'], // bunyan
  ['{"level":60,"msg":"out of memory"}', 'fatal'],
  ['{"level":10,"msg":"entering"}', 'trace'],
  ['{"level":"error","message":"connect ECONNREFUSED 127.0.0.1:5432","timestamp":"2024-12-04T10:11:12.345Z"}', 'error'], // winston json
  ['{"level":"info","ts":1733307072.345,"caller":"main.go:42","msg":"listening","addr":":8080"}', 'info'], // zap
  ['{"level":"warn","time":"2024-12-04T10:11:12Z","message":"retrying"}', 'warn'], // zerolog
  ['{"lvl":"dbug","msg":"cache miss","key":"x"}', 'debug'], // log15
  ['{"severity":"ERROR","message":"Request failed","logging.googleapis.com/trace":"t"}', 'error'], // GCP structured
  ['{"severity":"WARNING","message":"quota at 90%"}', 'warn'],
  ['{"severity":"CRITICAL","message":"disk gone"}', 'fatal'],
  ['{"@timestamp":"2024-12-04T10:11:12.345Z","log.level":"error","message":"boom","ecs.version":"1.6.0"}', 'error'], // ECS
  ['{"@t":"2024-12-04T10:11:12.3450000Z","@mt":"Payment {Id} failed","@l":"Error","Id":42}', 'error'], // Serilog CLEF
  ['{"@t":"2024-12-04T10:11:12.3450000Z","@mt":"Tick","@l":"Verbose"}', 'trace'],
  ['{"asctime": "2024-12-04 10:11:12,345", "levelname": "WARNING", "message": "disk almost full"}', 'warn'], // python-json-logger
  ['{"message":"Order placed","context":{},"level":200,"level_name":"INFO","channel":"app"}', 'info'], // monolog
  ['{"message":"DB down","level":500,"level_name":"CRITICAL","channel":"app"}', 'fatal'],
  ['{"version":"1.1","host":"web","short_message":"oops","level":3}', 'error'], // GELF (syslog severity)
  ['  {"level" : "debug", "msg": "spaces around the colon"}', 'debug'],
  ['{"msg":"user said \\"level\\": nothing","level":"info"}', 'info'],
  ['{"msg":"no level key here","status":500}', 'unknown'],
  ['{"msg":"ERROR in the message is not a level"}', 'unknown'],
  ['{"req":{"url":"/api/error-report","method":"GET"},"msg":"request"}', 'unknown'],
];

const LOGFMT_LINES: Corpus = [
  ['time=2024-12-04T10:11:12.345Z level=WARN msg="disk almost full" free=10%', 'warn'], // Go log/slog TextHandler
  ['time=2024-12-04T10:11:12.345Z level=ERROR msg="request failed" err="EOF"', 'error'],
  ['time=2024-12-04T10:11:12.345Z level=DEBUG+2 msg="custom level"', 'debug'],
  ['time="2024-12-04T10:11:12Z" level=info msg="Starting server" port=8080', 'info'], // logrus text
  ['ts=2024-12-04T10:11:12.345Z caller=main.go:42 level=error msg="scrape failed"', 'error'], // go-kit
  ['t=2024-12-04T10:11:12+0000 lvl=warn msg="slow query" logger=sqlstore', 'warn'], // grafana
  ['method=GET path=/search?level=error status=200', 'unknown'],
  ['errors=0 warnings=0 loglevel=debug', 'unknown'],
];

const TOKEN_LINES: Corpus = [
  ['INFO server started on :3000', 'info'],
  ['WARN deprecated option --foo', 'warn'],
  ['WARNING: the requested image platform does not match', 'warn'],
  ['ERROR connection refused', 'error'],
  ['DEBUG cache hit key=x', 'debug'],
  ['TRACE entering handler', 'trace'],
  ['FATAL cannot bind :80', 'fatal'],
  ['CRITICAL database unreachable', 'fatal'],
  ['[ERROR] something broke', 'error'],
  ['[warn] falling back', 'warn'],
  ['[Warning] Aborted connection 12 to db', 'warn'],
  ['2024-12-04T10:11:12.345Z INFO request id=1 GET /api/items status=200', 'info'],
  ['2024-12-04 10:11:12 ERROR: failed to open file', 'error'],
  ['[10:11:12 INF] Now listening on: http://[::]:8080', 'info'], // Serilog console
  ['10:11PM WRN disk slow', 'warn'], // zerolog console
  ['2024-12-04T10:11:12.345Z\tERROR\tserver/handler.go:42\trequest failed', 'error'], // zap console (tabs)
  ['WARN[0000] The "FOO" variable is not set. Defaulting to a blank string.', 'warn'], // logrus TTY / docker compose
  ['ERRO[0003] error waiting for container: context canceled', 'error'],
  ['info: Microsoft.Hosting.Lifetime[14]', 'info'], // .NET console
  ['fail: Microsoft.AspNetCore.Server.Kestrel[13]', 'error'],
  ['crit: Program[0] Host terminated unexpectedly', 'fatal'],
  ['error: could not compile `app` due to previous error', 'error'], // rustc / winston simple
  ['warn: the "x" option is deprecated', 'warn'],
  ['Error: ENOENT: no such file or directory, open \'/app/config.json\'', 'error'], // Node's uncaught error header
  ['panic: runtime error: index out of range [3] with length 3', 'fatal'], // Go panic
  ['npm ERR! code ELIFECYCLE', 'error'],
  ['npm WARN deprecated request@2.88.2: request has been deprecated', 'warn'],
  ['[10:11:12.345] \u001b[32mINFO\u001b[39m (7): hello', 'info'], // pino-pretty colours
  ['\u001b[31mERROR\u001b[0m something broke', 'error'],
  ['\u001b[33m2024-12-04 10:11:12\u001b[0m \u001b[1;33mWARN\u001b[0m low disk', 'warn'],
  ['2024-12-04 10:11:12.345 UTC [1] ERROR:  relation "users" does not exist', 'error'], // PostgreSQL
  ['Dec  4 10:11:12 web app[7]: ERROR request failed', 'error'], // syslog file
  ['<3>kernel panic avoided', 'error'], // sd-daemon prefix
  ['<165>1 2024-12-04T10:11:12.345Z host app 7 ID47 - message', 'info'], // RFC 5424 PRI 165: severity 5
];

const PYTHON_LINES: Corpus = [
  ['ERROR:root:Something went wrong', 'error'], // logging.basicConfig default
  ['WARNING:app.db:Slow query took 2.3 s', 'warn'],
  ['INFO:werkzeug:127.0.0.1 - - [04/Dec/2024 10:11:12] "GET / HTTP/1.1" 200 -', 'info'],
  ['DEBUG:urllib3.connectionpool:Starting new HTTPS connection (1): example.com:443', 'debug'],
  ['CRITICAL:root:Out of memory', 'fatal'],
  ['2024-01-01 12:00:00,123 - app - ERROR - msg', 'error'],
  ['2024-01-01 12:00:00,123 - my.module.name - WARNING - retrying in 5 s', 'warn'],
  ['[2024-12-04 10:11:12,345] ERROR in app: Exception on /x [GET]', 'error'], // Flask
  ['INFO:     127.0.0.1:1234 - "GET / HTTP/1.1" 200', 'info'], // uvicorn
  ['ERROR:    Exception in ASGI application', 'error'],
  ['[2024-12-04 10:11:12 +0000] [7] [ERROR] Worker (pid:8) was sent SIGKILL! Perhaps out of memory?', 'error'], // gunicorn
  ['[2024-12-04 10:11:12 +0000] [7] [INFO] Booting worker with pid: 8', 'info'],
  ['Traceback (most recent call last):', 'unknown'],
  ['  File "/app/main.py", line 10, in <module>', 'unknown'],
  ['    raise ValueError("error: bad input")', 'unknown'],
];

const KLOG_LINES: Corpus = [
  ['E1204 10:11:12.123456       1 reflector.go:138] failed to list *v1.Pod: connection refused', 'error'],
  ['I1204 10:11:12.123456       1 main.go:42] Starting controller', 'info'],
  ['W1204 10:11:12.123456       1 warnings.go:70] v1beta1 is deprecated', 'warn'],
  ['F1204 10:11:12.123456       1 main.go:50] cannot continue', 'fatal'],
  ['E1234 is the part number', 'unknown'],
];

const JAVA_LINES: Corpus = [
  ['2024-12-04 10:11:12.345 [main] ERROR com.x.Y - msg', 'error'], // logback default
  ['10:11:12.345 [http-nio-8080-exec-1] WARN  o.a.c.c.C.[Tomcat].[localhost] - Invalid cookie', 'warn'],
  ['2024-12-04T10:11:12.345Z  WARN 1 --- [main] o.s.b.App : msg', 'warn'], // Spring Boot 3
  ['2024-12-04 10:11:12.345  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started', 'info'], // Spring Boot 2
  ['2024-12-04 10:11:12,345 DEBUG [org.hibernate.SQL] (default task-1) select 1', 'debug'], // WildFly
  ['Dec 04, 2024 10:11:12 AM org.apache.catalina.core.StandardService startInternal', 'unknown'], // JUL header line
  ['SEVERE: Servlet.service() threw exception', 'error'], // JUL message line
  ['\tat com.x.Y.method(Y.java:42)', 'unknown'],
  ['Caused by: java.lang.IllegalStateException: error in state', 'unknown'],
];

const NGINX_LINES: Corpus = [
  ['2024/12/04 10:11:12 [error] 7#7: *1 open() "/usr/share/nginx/html/x" failed (2: No such file or directory)', 'error'],
  ['2024/12/04 10:11:12 [warn] 7#7: the "listen ... http2" directive is deprecated', 'warn'],
  ['2024/12/04 10:11:12 [notice] 1#1: start worker processes', 'info'],
  ['2024/12/04 10:11:12 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)', 'fatal'],
  ['2024/12/04 10:11:12 [crit] 7#7: *3 SSL_do_handshake() failed', 'fatal'],
  ['[Wed Dec 04 10:11:12.345678 2024] [core:error] [pid 7] AH00037: Symbolic link not allowed', 'error'], // Apache
  ['172.17.0.1 - - [04/Dec/2024:10:11:12 +0000] "GET /api/error-report HTTP/1.1" 200 512 "-" "curl/8.5.0"', 'unknown'], // nginx access log
];

const RUBY_LINES: Corpus = [
  ['E, [2024-12-04T10:11:12.123456 #7] ERROR -- : msg', 'error'],
  ['I, [2024-12-04T10:11:12.123456 #7]  INFO -- : Started GET "/" for 127.0.0.1', 'info'],
  ['W, [2024-12-04T10:11:12.123456 #7]  WARN -- app: slow', 'warn'],
  ['F, [2024-12-04T10:11:12.123456 #7] FATAL -- : boom', 'fatal'],
  ['Started GET "/errors" for 127.0.0.1 at 2024-12-04 10:11:12 +0000', 'unknown'],
];

// Lines that mention errors or warnings without being them, stack frames and build output.
const NOT_LEVELS: Corpus = [
  ['GET /api/error-report 200', 'unknown'],
  ['errors=0', 'unknown'],
  ['terror', 'unknown'],
  ['no error found', 'unknown'],
  ['0 errors, 0 warnings', 'unknown'],
  ['Compiled successfully with no errors', 'unknown'],
  ['request to /warn/info/debug took 12ms', 'unknown'],
  ['Listening on http://0.0.0.0:3000', 'unknown'],
  ['the error rate is 0.1%', 'unknown'],
  ['Successfully handled error in retry path', 'unknown'],
  ['INFORMATIONAL banner', 'unknown'],
  ['ERRORS: 0', 'unknown'],
  ['', 'unknown'],
  ['    ', 'unknown'],
  ['    at Object.<anonymous> (/app/index.js:10:5)', 'unknown'], // Node stack frame
  ['    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)', 'unknown'],
  ['    at Module._compile (node:internal/modules/cjs/loader:1256:14) error', 'unknown'],
  ['#5 [2/4] RUN npm ci', 'unknown'], // BuildKit output
  ['#5 0.532 added 120 packages in 3s', 'unknown'],
  ['Step 3/5 : RUN npm run build', 'unknown'], // classic builder
  [' ---> Running in 4f3a2b1c', 'unknown'],
  ['Successfully built 4f3a2b1c', 'unknown'],
  ['#8 0.532 npm WARN deprecated inflight@1.0.6', 'warn'], // a level token in build output still counts
  ['#9 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1', 'error'],
];

describe('detectLevel', () => {
  const groups: Record<string, Corpus> = {
    JSON: JSON_LINES,
    logfmt: LOGFMT_LINES,
    'leading tokens': TOKEN_LINES,
    'Python logging, uvicorn, gunicorn': PYTHON_LINES,
    'klog/glog': KLOG_LINES,
    'Java (logback, log4j, Spring Boot, JUL)': JAVA_LINES,
    'nginx and Apache': NGINX_LINES,
    'Ruby Logger (Rails)': RUBY_LINES,
    'lines that only mention a level, stack frames, build output': NOT_LEVELS,
  };
  for (const [name, corpus] of Object.entries(groups)) {
    it(`reads ${name}`, () => {
      const wrong = corpus.map(([line, level]) => ({ line, expected: level, got: detectLevel(line) })).filter((result) => result.got !== result.expected);
      expect(wrong).toEqual([]);
    });
  }

  it('reads only a bounded prefix of a huge JSON line: the key past JSON_PREFIX_CHARS is not found, and a 1 MB line costs no more than the prefix', () => {
    const padding = 'x'.repeat(1024 * 1024);
    expect(detectLevel(`{"level":"error","msg":"${padding}"}`)).toBe('error');
    expect(detectLevel(`{"msg":"${'y'.repeat(JSON_PREFIX_CHARS)}","level":"error"}`)).toBe('unknown');
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const huge = [`{"msg":"${padding}"}`, deep, `INFO ${padding}`, `${padding} ERROR`, `${'['.repeat(1024 * 1024)}`];
    expect(huge.map(detectLevel)).toEqual(['unknown', 'unknown', 'info', 'unknown', 'unknown']);
    const timeOf = (line: string): number => {
      detectLevel(line); // the first call may flatten a concatenated test string: not what ingest pays
      const start = performance.now();
      for (let round = 0; round < 200; round++) detectLevel(line);
      return performance.now() - start;
    };
    // 200 reads of a bounded prefix take a few milliseconds; parsing or matching a regex over a whole megabyte
    // 200 times takes several hundred.
    expect(huge.map(timeOf).filter((ms) => ms > 100)).toEqual([]);
  });
});

describe('lineLevel', () => {
  it("gives Berth's own lines their tag's level, else a level token in them, else info", () => {
    expect(systemLineLevel('[CRASH] exit=137 oom=true')).toBe('error');
    expect(systemLineLevel('[FAILED] run run_1 failed at build: BUILD_FAILED.')).toBe('error');
    expect(systemLineLevel('[UNHEALTHY] health probe failed 3 times (last: timeout)')).toBe('error');
    expect(systemLineLevel('[INTERRUPTED] Berth stopped while run run_1 was in_progress')).toBe('error');
    expect(systemLineLevel('[ROLLBACK] restoring release rel_1 (berth/app:run_1)')).toBe('warn');
    expect(systemLineLevel('[DISK] the disk was full from a to b: no line was lost')).toBe('warn');
    expect(systemLineLevel('[STOP] no container is recorded for this deployment')).toBe('info');
    expect(systemLineLevel('[HEALTHY] health probe answers again; status running')).toBe('info');
    expect(systemLineLevel('ECS diagnostics:')).toBe('info');
    expect(systemLineLevel('ERROR from a tool Berth ran')).toBe('error');
    expect(systemLineLevel('[CRASHED] not a tag Berth writes')).toBe('info');
  });

  it('leaves stderr without a level token unknown, not error', () => {
    expect(lineLevel('stderr', 'Listening on :3000')).toBe('unknown');
    expect(lineLevel('stderr', 'WARN low disk')).toBe('warn');
    expect(lineLevel('stdout', 'ERROR boom')).toBe('error');
    expect(lineLevel('system', '[CRASH] exit=1 oom=false')).toBe('error');
  });

  it('stores a level as its index in LOG_LEVELS and reads a line stored before levels (NULL) by detecting it', () => {
    expect(LOG_LEVELS.map(levelCode)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(storedLevel(levelCode('warn'), 'stdout', 'ERROR but stored as warn')).toBe('warn');
    expect(storedLevel(null, 'stdout', 'ERROR detected on read')).toBe('error');
    expect(storedLevel(null, 'system', '[CRASH] exit=1 oom=false')).toBe('error');
    expect(storedLevel(99, 'stdout', 'a code from a newer Berth')).toBe('unknown');
  });
});
