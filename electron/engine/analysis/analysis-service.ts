// "Analyze failure" (docs/architecture.md, "Failure analysis"): gathers what Berth knows about a failed run or
// a crash, redacts every secret it knows of and everything shaped like one, and streams the model's answer from
// the configured OpenAI-compatible endpoint into the stored analysis. Nothing is sent unless an endpoint is set;
// the request body is stored exactly as sent, so the user can see it.
import type { Analysis, AnalysisPreview, AnalysisSettings, AnalysisSettingsInput, Deployment, RunDetail } from '../../../shared';
import type { EventsPort } from '../context';
import { EngineError, errorText, notFound } from '../engine-error';
import { createLogger, redactText, registeredSecrets } from '../logger';
import { storedCredentials } from '../secrets/aws-credentials';
import { resolveSecret, SecretUnavailableError, secretHint, storeSecret } from '../secrets/secret-ref';
import type { SecretVault } from '../secrets/secret-vault';
import type { Store } from '../store/store';
import type { ProjectRecord } from '../store/projects';
import { secretView } from '../store/stored-secret';
import { scanOverridesFor } from '../scan/project-overrides';
import { scanProject } from '../scan/scan-project';
import { chatCompletionsUrl, chatRequestBody, crashPrompt, runPrompt, type ChatMessage, type ProjectFacts, type QuotedLine, type ShapeFacts } from './analysis-prompt';
import { streamChatCompletion } from './chat-stream';
import { redactSecrets, type KnownSecret } from './redact-secrets';

const log = createLogger('analysis');

export interface AnalysisServiceOptions {
  readonly store: Pick<Store, 'analyses' | 'runs' | 'projects' | 'deployments' | 'logLines' | 'secrets' | 'alertChannels'>;
  readonly events: EventsPort;
  readonly vault: SecretVault;
  readonly env: NodeJS.ProcessEnv;
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** How often a growing answer is announced and saved while it streams. */
  readonly flushMs?: number;
}

const NOT_CONFIGURED =
  'No analysis endpoint is configured, so nothing was sent. Set an OpenAI-compatible chat endpoint under Alerts & analysis → Analysis ' +
  '(base URL, model, optional API key), with `berth analysis set http://127.0.0.1:11434/v1 llama3.1` (Ollama), or with PUT /api/analysis/settings.';

/** How long the scan of the project's folder may take before the shape is left out. */
const SHAPE_TIMEOUT_MS = 3000;
/** Runtime lines looked at before a crash. */
const LINES_BEFORE_CRASH = 300;

export class AnalysisService {
  private readonly streaming = new Map<string, AbortController>();
  private closed = false;

  constructor(private readonly options: AnalysisServiceOptions) {}

  /** Answers that were streaming when the engine stopped will not finish: they say so. */
  start(): void {
    const interrupted = this.options.store.analyses.failInterrupted();
    if (interrupted > 0) log.info(`${interrupted} analyses were interrupted by the last shutdown.`);
  }

  close(): void {
    this.closed = true;
    for (const abort of this.streaming.values()) abort.abort();
  }

  settings(): AnalysisSettings {
    const endpoint = this.options.store.analyses.endpoint();
    return endpoint
      ? { configured: true, baseUrl: endpoint.baseUrl, model: endpoint.model, apiKey: secretView(endpoint.apiKey) }
      : { configured: false, baseUrl: null, model: null, apiKey: null };
  }

  setSettings(input: AnalysisSettingsInput): AnalysisSettings {
    const current = this.options.store.analyses.endpoint();
    let apiKey = input.apiKey === undefined ? (current?.apiKey ?? null) : null;
    if (input.apiKey) {
      try {
        apiKey = storeSecret(input.apiKey, 'apiKey', this.options.vault, this.options.env, secretHint);
      } catch (error) {
        if (error instanceof SecretUnavailableError) throw new EngineError(this.options.vault.available || 'env' in input.apiKey ? 'CONFLICT' : 'SECRETS_UNAVAILABLE', error.message, 'apiKey');
        throw error;
      }
    }
    this.options.store.analyses.setEndpoint({ baseUrl: input.baseUrl, model: input.model, apiKey });
    return this.settings();
  }

  clearSettings(): AnalysisSettings {
    this.options.store.analyses.clearEndpoint();
    return this.settings();
  }

  async previewRun(runId: string): Promise<AnalysisPreview> {
    const { messages } = await this.runSubject(runId);
    return this.request(messages).preview;
  }

  async previewCrash(deploymentId: string): Promise<AnalysisPreview> {
    const { messages } = await this.crashSubject(deploymentId);
    return this.request(messages).preview;
  }

  async analyzeRun(runId: string): Promise<Analysis> {
    const subject = await this.runSubject(runId);
    return this.begin({ subject: 'run', runId: subject.run.id, deploymentId: subject.run.deploymentId, projectId: subject.run.projectId, crashLineNo: null }, subject.messages);
  }

  async analyzeCrash(deploymentId: string): Promise<Analysis> {
    const subject = await this.crashSubject(deploymentId);
    return this.begin({ subject: 'crash', runId: null, deploymentId: subject.deployment.id, projectId: subject.deployment.projectId, crashLineNo: subject.crashLineNo }, subject.messages);
  }

  /** Resolves once no answer is streaming (tests wait on it). */
  async idle(): Promise<void> {
    while (this.streaming.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private begin(what: { subject: 'run' | 'crash'; runId: string | null; deploymentId: string; projectId: string; crashLineNo: number | null }, messages: ChatMessage[]): Analysis {
    const endpoint = this.options.store.analyses.endpoint();
    if (!endpoint) throw new EngineError('CONFLICT', NOT_CONFIGURED);
    let apiKey: string | null = null;
    try {
      if (endpoint.apiKey) apiKey = resolveSecret(endpoint.apiKey, 'The analysis API key', this.options.vault, this.options.env);
    } catch (error) {
      if (error instanceof SecretUnavailableError) throw new EngineError('CONFLICT', `${error.message} Nothing was sent.`);
      throw error;
    }
    const { sent } = this.request(messages, apiKey);
    const analysis = this.options.store.analyses.create({ ...what, model: endpoint.model, requestUrl: sent.url, requestBody: sent.body, redactions: sent.redactions });
    const abort = new AbortController();
    this.streaming.set(analysis.id, abort);
    void this.stream(analysis, sent.url, sent.body, apiKey, abort.signal).finally(() => this.streaming.delete(analysis.id));
    return analysis;
  }

  private async stream(analysis: Analysis, url: string, body: string, apiKey: string | null, signal: AbortSignal): Promise<void> {
    const { analyses } = this.options.store;
    const flushMs = this.options.flushMs ?? 100;
    let answer = '';
    let lastFlush = 0;
    let trailing: NodeJS.Timeout | undefined;
    const announce = (current: Analysis | undefined) => current && this.options.events.emit('analysisUpdated', current);
    // At most one save and announcement per flushMs, and always one after the last piece of a burst, so a
    // model that pauses mid-answer shows everything it has said so far.
    const flush = () => {
      clearTimeout(trailing);
      trailing = undefined;
      if (this.closed) return;
      lastFlush = Date.now();
      analyses.saveAnswer(analysis.id, answer);
      announce({ ...analysis, answer });
    };
    try {
      for await (const delta of streamChatCompletion({
        url,
        body,
        apiKey,
        connectTimeoutMs: this.options.connectTimeoutMs ?? 60_000,
        idleTimeoutMs: this.options.idleTimeoutMs ?? 120_000,
        signal,
      })) {
        answer += delta;
        if (this.closed) return;
        const wait = lastFlush + flushMs - Date.now();
        if (wait <= 0) flush();
        else trailing ??= setTimeout(flush, wait);
      }
      clearTimeout(trailing);
      if (this.closed) return;
      announce(analyses.finish(analysis.id, 'completed', answer, answer.trim() === '' ? 'The model answered with nothing. Try again, or try another model.' : null));
    } catch (error) {
      clearTimeout(trailing);
      if (this.closed) return;
      // The message never carries the key (it is registered for redaction), whatever the server echoed.
      const message = redactText(errorText(error));
      log.warn(`Analysis ${analysis.id} failed: ${message}`);
      announce(analyses.finish(analysis.id, 'failed', answer, message));
    }
  }

  /** The request for these messages: secrets redacted, as sent (url null while nothing is configured). */
  private request(messages: readonly ChatMessage[], apiKey: string | null = null): { preview: AnalysisPreview; sent: { url: string; body: string; redactions: number } } {
    const endpoint = this.options.store.analyses.endpoint();
    const known = this.knownSecrets(apiKey);
    let redactions = 0;
    const redacted = messages.map((message) => {
      const result = redactSecrets(message.content, known);
      redactions += result.count;
      return { ...message, content: result.text };
    });
    const url = endpoint ? chatCompletionsUrl(endpoint.baseUrl) : null;
    const body = chatRequestBody(endpoint?.model ?? '(no model: no endpoint is configured)', redacted);
    return { preview: { url, body, redactions }, sent: { url: url ?? '', body, redactions } };
  }

  /** Every value Berth knows to be secret, named for the redaction mark. */
  private knownSecrets(apiKey: string | null): KnownSecret[] {
    const { store, vault, env } = this.options;
    const known: KnownSecret[] = [];
    const projects = store.projects.list();
    for (const project of projects) {
      for (const variable of project.settings.env) if (variable.secret) known.push({ name: variable.name, value: variable.value });
      if (vault.available) {
        try {
          const credentials = storedCredentials(store.secrets, vault)(project.id);
          if (credentials) {
            known.push({ name: 'aws-access-key-id', value: credentials.accessKeyId }, { name: 'aws-secret-access-key', value: credentials.secretAccessKey });
            if (credentials.sessionToken) known.push({ name: 'aws-session-token', value: credentials.sessionToken });
          }
        } catch {
          // Keys that cannot be unsealed here cannot have reached this engine's logs either.
        }
      }
    }
    for (const channel of store.alertChannels.list()) {
      for (const [secret, name] of [
        [channel.url, 'alert-channel-url'],
        [channel.signingSecret, 'alert-signing-secret'],
      ] as const) {
        if (!secret) continue;
        try {
          known.push({ name, value: resolveSecret(secret, name, vault, env) });
        } catch {
          // Not resolvable here: then it was not used here.
        }
      }
    }
    const endpointKey = store.analyses.endpoint()?.apiKey;
    if (apiKey) known.push({ name: 'analysis-api-key', value: apiKey });
    else if (endpointKey) {
      try {
        known.push({ name: 'analysis-api-key', value: resolveSecret(endpointKey, 'analysis-api-key', vault, env) });
      } catch {
        // As above.
      }
    }
    // The engine's API token, keys unsealed earlier, env values registered at deploy: whatever the logger masks.
    for (const value of registeredSecrets()) known.push({ name: 'secret', value });
    return known;
  }

  private async runSubject(runId: string): Promise<{ run: RunDetail; messages: ChatMessage[] }> {
    const { store } = this.options;
    const run = store.runs.getDetail(runId);
    if (!run) throw notFound('run', runId);
    if (run.status !== 'failed' || !run.failure) {
      throw new EngineError('CONFLICT', `Run ${run.id} is ${run.status}; only a failed run can be analysed. Pick a failed run from \`berth runs <project>\`.`);
    }
    const project = store.projects.get(run.projectId);
    if (!project) throw notFound('project', run.projectId);
    const failure = run.failure;
    const failed = run.steps.filter((step) => step.status === 'failed').at(-1) ?? run.steps.find((step) => step.name === failure.stage) ?? null;
    let stepLines: QuotedLine[] = [];
    if (failed?.firstLineNo != null) {
      const last = failed.lastLineNo ?? store.logLines.lastLineNo(run.deploymentId);
      stepLines = store.logLines
        .range(run.deploymentId, failed.firstLineNo, Math.max(failed.firstLineNo, last))
        .filter((line) => line.runId === run.id && line.step === failed.name)
        .map((line) => ({ lineNo: line.lineNo, text: line.text }));
    }
    const messages = runPrompt({ project: await this.projectFacts(project), runId: run.id, runKind: run.kind, failure, failedStep: failed?.name ?? null, stepLines });
    return { run, messages };
  }

  private async crashSubject(deploymentId: string): Promise<{ deployment: Deployment; crashLineNo: number; messages: ChatMessage[] }> {
    const { store } = this.options;
    const deployment = store.deployments.get(deploymentId);
    if (!deployment) throw notFound('deployment', deploymentId);
    const crash = store.analyses.lastCrashLine(deployment.id);
    if (!crash) throw new EngineError('CONFLICT', `Deployment ${deployment.id} has not crashed (no [CRASH] line in its log), so there is no crash to analyse.`);
    const project = store.projects.get(deployment.projectId);
    if (!project) throw notFound('project', deployment.projectId);
    const linesBefore = store.logLines
      .range(deployment.id, Math.max(1, crash.lineNo - LINES_BEFORE_CRASH), crash.lineNo - 1)
      .filter((line) => line.source === 'runtime' && line.stream !== 'system')
      .map((line) => ({ lineNo: line.lineNo, text: line.text }));
    const messages = crashPrompt({ project: await this.projectFacts(project), deploymentId: deployment.id, crashLine: crash.text, crashedAt: new Date(crash.ts).toISOString(), linesBefore });
    return { deployment, crashLineNo: crash.lineNo, messages };
  }

  private async projectFacts(project: ProjectRecord): Promise<ProjectFacts> {
    return {
      name: project.name,
      target: project.target,
      shape: await this.shapeOf(project),
      memoryLimitMb: project.settings.memoryLimitMb,
      restartPolicy: project.settings.restartPolicy,
    };
  }

  /** The project's shape from the scan, when its folder can be read quickly; null otherwise. */
  private async shapeOf(project: ProjectRecord): Promise<ShapeFacts | null> {
    try {
      const scan = await Promise.race([
        scanProject(project.sourceDir, scanOverridesFor(project.settings)),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), SHAPE_TIMEOUT_MS).unref()),
      ]);
      if (!scan?.shape) return null;
      return {
        shape: scan.shape,
        runtime: scan.runtime ? `${scan.runtime.name}${scan.runtime.version ? ` ${scan.runtime.version}` : ''}` : null,
        startCommand: scan.startCommand,
        buildCommand: scan.buildCommand,
        port: scan.port,
      };
    } catch (error) {
      log.debug(`No shape for ${project.name}`, errorText(error));
      return null;
    }
  }
}
