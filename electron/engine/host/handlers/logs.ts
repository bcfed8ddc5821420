import type { Handlers } from '../dispatcher';
import type { HandlerContext } from './handler-context';
import { requireDeployment } from './deployments';

type LogHandlers = Pick<Handlers, 'getLogsAround'>;

export function logHandlers(engine: HandlerContext): LogHandlers {
  return {
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
  };
}
