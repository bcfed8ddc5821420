import type { Handlers } from '../dispatcher';
import { notFound } from '../../engine-error';
import type { HandlerContext } from './handler-context';

type AnalysisHandlers = Pick<
  Handlers,
  | 'getAnalysisSettings'
  | 'setAnalysisSettings'
  | 'clearAnalysisSettings'
  | 'previewRunAnalysis'
  | 'analyzeRun'
  | 'listRunAnalyses'
  | 'previewCrashAnalysis'
  | 'analyzeCrash'
  | 'listCrashAnalyses'
  | 'getAnalysis'
>;

/** "Analyze failure" (docs/architecture.md, "Failure analysis"). */
export function analysisHandlers(engine: HandlerContext): AnalysisHandlers {
  const { analysis, store } = engine;
  const requireRun = (id: string) => {
    const run = store.runs.get(id);
    if (!run) throw notFound('run', id);
    return run;
  };
  const requireDeployment = (id: string) => {
    const deployment = store.deployments.get(id);
    if (!deployment) throw notFound('deployment', id);
    return deployment;
  };
  return {
    getAnalysisSettings: () => analysis.settings(),
    setAnalysisSettings: (input) => analysis.setSettings(input),
    clearAnalysisSettings: () => analysis.clearSettings(),
    previewRunAnalysis: ({ id }) => analysis.previewRun(id),
    analyzeRun: ({ id }) => analysis.analyzeRun(id),
    listRunAnalyses: ({ id }) => store.analyses.forRun(requireRun(id).id),
    previewCrashAnalysis: ({ id }) => analysis.previewCrash(id),
    analyzeCrash: ({ id }) => analysis.analyzeCrash(id),
    listCrashAnalyses: ({ id }) => store.analyses.forDeployment(requireDeployment(id).id),
    getAnalysis: ({ id }) => {
      const detail = store.analyses.detail(id);
      if (!detail) throw notFound('analysis', id);
      return detail;
    },
  };
}
