// Multi-line events (shared/log-events.ts): each runtime's stack trace, as it prints it, is one event with
// the line that began it; the lines around it stay events of their own.
import { describe, expect, it } from 'vitest';
import { continuesEvent, eventHeads, NO_EVENT, type EventGrouping } from '../../../shared/log-events';

/** The events of `text`'s lines, each as its lines joined by newlines. */
function events(text: string): string[] {
  const lines = text.split('\n');
  const heads = eventHeads(lines);
  const grouped: string[][] = [];
  heads.forEach((head, index) => {
    if (head === index) grouped.push([]);
    grouped.at(-1)!.push(lines[index]!);
  });
  return grouped.map((group) => group.join('\n'));
}

const PYTHON = `Traceback (most recent call last):
  File "/app/app.py", line 12, in <module>
    main()
  File "/app/app.py", line 8, in main
    return 1 / 0
           ~~^~~
ZeroDivisionError: division by zero`;

const PYTHON_CHAINED = `Traceback (most recent call last):
  File "/app/app.py", line 3, in load
    return open(path).read()
FileNotFoundError: [Errno 2] No such file or directory: 'config.yml'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/app.py", line 9, in <module>
    load('config.yml')
RuntimeError: no configuration`;

const JAVA = `Exception in thread "main" java.lang.IllegalStateException: boom
\tat com.example.App.run(App.java:42)
\tat com.example.App.main(App.java:10)
Caused by: java.io.IOException: disk gone
\tat com.example.Store.read(Store.java:7)
\t... 2 more`;

const LOGBACK = `2024-12-04 10:11:12.345 ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed
org.springframework.beans.factory.BeanCreationException: Error creating bean
\tat org.springframework.beans.factory.support.AbstractBeanFactory.getBean(AbstractBeanFactory.java:208)
\t... 5 common frames omitted`;

const NODE = `Error: connect ECONNREFUSED 127.0.0.1:5432
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;

const GO = `panic: runtime error: index out of range [5] with length 3

goroutine 1 [running]:
main.handler(...)
\t/app/main.go:14 +0x1d
main.main()
\t/app/main.go:20 +0x25
exit status 2`;

const DOTNET = `Unhandled exception. System.InvalidOperationException: Sequence contains no elements
   at System.Linq.ThrowHelper.ThrowNoElementsException()
   at Program.<Main>$(String[] args) in /src/Program.cs:line 4`;

describe('multi-line events', () => {
  it.each([
    ['Python', PYTHON],
    ['a chained Python traceback', PYTHON_CHAINED],
    ['Java with a cause', JAVA],
    ['Spring Boot / logback', LOGBACK.split('\n').slice(1).join('\n')],
    ['Node', NODE],
    ['Go panic', GO],
    ['.NET', DOTNET],
  ])('a %s trace is one event', (_name, trace) => {
    expect(events(`server listening on :8080\n${trace}\nGET /health 200`)).toEqual(['server listening on :8080', trace, 'GET /health 200']);
  });

  it('lines that are not traces stay one event each, indented or not', () => {
    const lines = ['INFO starting', '  config: /etc/app.yml', 'WARN slow query', 'at the end of the day, done', 'panic mode off', ''];
    expect(events(lines.join('\n'))).toEqual(['INFO starting', '  config: /etc/app.yml', 'WARN slow query', 'at the end of the day, done', 'panic mode off', '']);
  });

  it('a Python trace ends at its exception line: the next log line is a new event', () => {
    expect(events(`${PYTHON}\nINFO:     Shutting down`)).toEqual([PYTHON, 'INFO:     Shutting down']);
  });

  it('a Go panic ends at the first line that is not part of the goroutine dump', () => {
    expect(events(`${GO}\n2024/12/04 10:11:12 restarting`)).toEqual([GO, '2024/12/04 10:11:12 restarting']);
  });

  it('colour codes around a frame do not break the event', () => {
    expect(events(`\x1b[31mError: boom\x1b[0m\n\x1b[90m    at main (/app/index.js:1:1)\x1b[0m`)).toHaveLength(1);
  });

  it('the grouping carries from one page to the next', () => {
    const lines = PYTHON.split('\n');
    let grouping: EventGrouping = NO_EVENT;
    for (const line of lines.slice(0, 3)) grouping = continuesEvent(grouping, line).next;
    // The next page starts mid-trace: its lines continue the event the previous page began.
    expect(eventHeads(lines.slice(3), grouping).every((head) => head === 0)).toBe(true);
    expect(continuesEvent(grouping, lines[3]!).continues).toBe(true);
  });
});
