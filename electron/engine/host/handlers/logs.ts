import type { Handlers } from '../dispatcher';
import type { HandlerContext } from './handler-context';
import { requireDeployment } from './deployments';
import { logFilterFor } from '../../logs/log-filter';
import { EngineError } from '../../engine-error';

type LogHandlers = Pick<Handlers, 'getLogs' | 'countLogs' | 'getLogsAround' | 'getLogLevels'>;

export function logHandlers(engine: HandlerContext): LogHandlers {
  return {
    getLogs: ({ id, since, limit, filter, regex, caseSensitive, exclude, context, stream, level, before, service }) => {
      const deployment = requireDeployment(engine, id);
      // Restricted to services without filter terms: a page of filter mode that keeps every line of those services.
      if (filter === undefined && service === undefined) {
        return { lines: engine.store.logLines.since(deployment.id, since, limit), lastLineNo: engine.store.logLines.lastLineNo(deployment.id) };
      }
      const page = logFilterFor(engine.store.db).page(deployment.id, {
        query: filter,
        regex,
        caseSensitive,
        exclude: filter === undefined ? false : exclude,
        context,
        streams: stream,
        levels: level,
        services: service,
        since,
        before,
        limit,
      });
      // lastLineNo as for an unfiltered page: the numbering floor counts lines retention deleted.
      return { ...page, lastLineNo: Math.max(page.lastLineNo, engine.store.logLines.lastLineNo(deployment.id)) };
    },
    countLogs: ({ id, filter, regex, caseSensitive, exclude, stream, level, service, since }) => {
      const deployment = requireDeployment(engine, id);
      const count = logFilterFor(engine.store.db).count(deployment.id, { query: filter, regex, caseSensitive, exclude, streams: stream, levels: level, services: service, since });
      return { ...count, lastLineNo: Math.max(count.lastLineNo, engine.store.logLines.lastLineNo(deployment.id)) };
    },
    getLogsAround: ({ id, at, lineNo, before, after }) => {
      const deployment = requireDeployment(engine, id);
      const lines = engine.store.logLines;
      const lastLineNo = lines.lastLineNo(deployment.id);
      let anchor: number | undefined;
      // The contract's rule: lineNo is exact and wins over at; with neither, the newest line.
      if (lineNo !== undefined) anchor = Math.min(lineNo, lastLineNo);
      else if (at !== undefined) {
        const moment = Date.parse(at);
        anchor = lines.lineNoAt(deployment.id, moment) ?? lines.lineNoBefore(deployment.id, moment);
      } else anchor = lastLineNo;
      if (anchor === undefined || anchor < 1) return { anchorLineNo: null, lines: [], lastLineNo };
      // Counted in stored lines, not lineNo arithmetic: a trimmed or expired range in between is stepped over.
      return { anchorLineNo: anchor, lines: [...lines.before(deployment.id, anchor, before), ...lines.since(deployment.id, anchor - 1, after + 1)], lastLineNo };
    },
    getLogLevels: ({ id, runId, service }) => {
      const deployment = requireDeployment(engine, id);
      let run: string | null = null;
      if (runId !== undefined) {
        // A run of another deployment is not this deployment's run: the same answer as a run that does not exist.
        if (engine.store.runs.get(runId)?.deploymentId !== deployment.id) {
          throw new EngineError(
            'NOT_FOUND',
            `Deployment ${deployment.id} has no run "${runId}". Its project's runs are listed by GET /api/projects/${deployment.projectId}/runs; leave runId out to count the latest run.`,
          );
        }
        run = runId;
      } else run = engine.store.runs.latestForDeployment(deployment.id)?.id ?? null;
      const lines = engine.store.logLines;
      return {
        runId: run,
        run: run === null ? null : lines.levelCounts(deployment.id, 'deploy', run, service),
        runtime: lines.levelCounts(deployment.id, 'runtime', undefined, service),
      };
    },
  };
}
