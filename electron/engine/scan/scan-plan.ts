// What one runtime's detector concludes: a plan Berth can build, or a refusal saying what to add.
// Also the decisions every runtime shares: overrides, the port and the health route.
import type { ScanDecision, ScanOverrides, ScanRuntime, ScanRuntimeName, ScanTopic } from '../../../shared/scan';
import type { ProjectFacts } from './project-facts';
import { code, defaulted, detected, overridden } from './scan-decision';
import { DEFAULT_PORT, findHealthRoute, findPortHint, HEALTH_ROUTES, isSourceOf } from './source-hints';

export interface ScanPlan {
  readonly shape: 'server' | 'static_build' | 'static';
  readonly runtime: ScanRuntime | null;
  readonly dependencyFiles: readonly string[];
  readonly installCommand: string | null;
  readonly buildCommand: string | null;
  readonly startCommand: string | null;
  readonly outputDir: string | null;
  readonly port: number;
  readonly healthPath: string | null;
  readonly decisions: readonly ScanDecision[];
}

export interface RefusalDraft {
  readonly message: string;
  readonly found: readonly string[];
  readonly add: string;
  readonly decisions: readonly ScanDecision[];
}

export type RuntimeVerdict = { readonly kind: 'plan'; readonly plan: ScanPlan } | { readonly kind: 'refusal'; readonly refusal: RefusalDraft };

export const plan = (value: ScanPlan): RuntimeVerdict => ({ kind: 'plan', plan: value });
export const refuse = (value: RefusalDraft): RuntimeVerdict => ({ kind: 'refusal', refusal: value });

export interface Detected {
  readonly value: string | null;
  readonly evidence: string;
  /** Berth's default rather than something the folder says. */
  readonly isDefault?: boolean;
}

const SETTING_NAMES: Partial<Record<ScanTopic, keyof ScanOverrides>> = {
  build: 'buildCommand',
  start: 'startCommand',
  outputDir: 'outputDir',
  version: 'runtimeVersion',
};

/** The detected value unless the project's settings name one; the decisions show both. */
export function withOverride(topic: ScanTopic, found: Detected | null, override: string | undefined): { value: string | null; decisions: ScanDecision[] } {
  const decisions: ScanDecision[] = [];
  if (found !== null) decisions.push((found.isDefault ? defaulted : detected)(topic, found.value, found.evidence));
  if (override === undefined) return { value: found?.value ?? null, decisions };
  const setting = SETTING_NAMES[topic] ?? topic;
  const instead = found?.value ? ` instead of the detected ${code(found.value)}` : '';
  decisions.push(overridden(topic, override, `project setting ${setting} = ${code(override)}${instead}`));
  return { value: override, decisions };
}

const where = (file: string, line: number): string => code(`${file}:${line}`);

/**
 * The port the app listens on. When the start command binds `$PORT` itself, that decides; otherwise the
 * source does (reading PORT, or a literal port); otherwise Berth's default, passed as PORT.
 */
export function decidePort(runtime: ScanRuntimeName, facts: ProjectFacts, startBindsPort: string | null): { port: number; decision: ScanDecision } {
  if (startBindsPort !== null) {
    return { port: DEFAULT_PORT, decision: detected('port', String(DEFAULT_PORT), `${startBindsPort} binds ${code('$PORT')} → Berth passes PORT=${DEFAULT_PORT}`) };
  }
  const hint = findPortHint(runtime, facts.texts);
  switch (hint.kind) {
    case 'reads_env':
      return { port: DEFAULT_PORT, decision: detected('port', String(DEFAULT_PORT), `${where(hint.at.file, hint.at.line)} reads PORT (${code(hint.at.text)}) → Berth passes PORT=${DEFAULT_PORT}`) };
    case 'fixed':
      return {
        port: hint.port,
        decision: detected('port', String(hint.port), `${where(hint.at.file, hint.at.line)} listens on ${hint.port} (${code(hint.at.text)}) and does not read PORT → port ${hint.port}`),
      };
    case 'none': {
      const read = [...facts.texts.keys()].filter((file) => isSourceOf(runtime, file)).length;
      return { port: DEFAULT_PORT, decision: defaulted('port', String(DEFAULT_PORT), `none of the ${read} source files read names a port → ${DEFAULT_PORT}, passed as PORT`) };
    }
  }
}

/** A health route the source defines; static sites have none to find. */
export function decideHealthPath(facts: ProjectFacts): { healthPath: string | null; decision: ScanDecision } {
  const found = findHealthRoute(facts.texts);
  if (found !== null) return { healthPath: found.route, decision: detected('healthPath', found.route, `${where(found.file, found.line)} defines ${code(found.route)} (${code(found.text)})`) };
  const read = [...facts.texts.keys()].filter((file) => /\.(?:[cm]?[jt]sx?|py|go)$/.test(file)).length;
  const routes = HEALTH_ROUTES.map(code).join(', ');
  return { healthPath: null, decision: defaulted('healthPath', null, `no ${routes} route in the ${read} source files read → verify checks only that the app answers HTTP`) };
}

/** A Procfile's `web:` command (Heroku's convention), or null. */
export function procfileWeb(facts: ProjectFacts): Detected | null {
  const procfile = facts.texts.get('Procfile');
  const web = procfile === undefined ? null : /^web:\s*(.+)$/m.exec(procfile);
  return web ? { value: web[1]!.trim(), evidence: `${code('Procfile')} web: ${code(web[1]!.trim())}` } : null;
}

/** Whether a start command binds `$PORT` itself (then the source's port does not matter). */
export function bindsPortVariable(command: string | null): boolean {
  return command !== null && /\$\{?PORT\b/.test(command);
}

/** Port and health of a site served by Berth's static file server. */
export function staticServingDecisions(): ScanDecision[] {
  return [
    defaulted('port', String(DEFAULT_PORT), `the static file server listens on PORT=${DEFAULT_PORT}`),
    defaulted('healthPath', null, 'a static site has no health route → verify checks that the server answers HTTP'),
  ];
}
