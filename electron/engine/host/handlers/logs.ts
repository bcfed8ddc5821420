import type { Handlers } from '../dispatcher';
import type { HandlerContext } from './handler-context';
import { EngineError } from '../../engine-error';
import { requireDeployment } from './deployments';

type LogHandlers = Pick<Handlers, 'getLogsAround'>;

export function logHandlers(engine: HandlerContext): LogHandlers {
  return {
    getLogsAround: ({ id, at, lineNo, before, after }) => {
      const deployment = requireDeployment(engine, id);
      if ((at === undefined) === (lineNo === undefined)) {
        throw new EngineError('VALIDATION_FAILED', 'Give exactly one of `at` (an ISO time) or `lineNo`.', at === undefined ? 'at' : 'lineNo');
      }
      const lines = engine.store.logLines;
      const lastLineNo = lines.lastLineNo(deployment.id);
      let anchor: number | undefined;
      if (lineNo !== undefined) anchor = Math.min(lineNo, lastLineNo);
      else {
        const moment = Date.parse(at!);
        anchor = lines.lineNoAt(deployment.id, moment) ?? lines.lineNoBefore(deployment.id, moment);
      }
      if (anchor === undefined || anchor < 1) return { anchorLineNo: null, lines: [], lastLineNo };
      const from = Math.max(0, anchor - before - 1);
      return { anchorLineNo: anchor, lines: lines.since(deployment.id, from, anchor - from + after), lastLineNo };
    },
  };
}
