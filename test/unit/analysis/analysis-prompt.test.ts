import { describe, expect, it } from 'vitest';
import { chatCompletionsUrl, chatRequestBody, crashPrompt, headAndTail, runPrompt, type ProjectFacts } from '../../../electron/engine/analysis/analysis-prompt';
import type { Failure } from '../../../shared';

const lines = (count: number, text = (index: number) => `line ${index}`) => Array.from({ length: count }, (_, index) => ({ lineNo: index + 1, text: text(index + 1) }));
const project: ProjectFacts = { name: 'shop', target: 'docker', shape: { shape: 'server', runtime: 'node 20', startCommand: 'npm start', buildCommand: null, port: 3000 }, memoryLimitMb: 512, restartPolicy: 'unless-stopped' };

describe('headAndTail', () => {
  it('keeps everything that fits', () => {
    expect(headAndTail(lines(3), { headLines: 1, maxChars: 1000, maxLineChars: 100 })).toEqual({ text: 'line 1\nline 2\nline 3', omitted: 0 });
  });

  it('keeps the head and as much of the tail as fits, and says how much it left out', () => {
    const { text, omitted } = headAndTail(lines(1000), { headLines: 5, maxChars: 400, maxLineChars: 100 });
    const kept = text.split('\n');
    expect(kept.slice(0, 5)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect(kept.at(-1)).toBe('line 1000');
    expect(kept[5]).toBe(`… ${omitted} lines left out …`);
    expect(text.length).toBeLessThanOrEqual(400 + 40);
    expect(omitted + kept.length - 1).toBe(1000);
  });

  it('cuts a very long line', () => {
    const { text } = headAndTail([{ lineNo: 1, text: 'x'.repeat(1000) }], { headLines: 0, maxChars: 10_000, maxLineChars: 50 });
    expect(text).toHaveLength(50);
  });
});

describe('the prompts', () => {
  const failure: Failure = {
    stage: 'verify',
    category: 'health_check_failure',
    code: 'DEPLOYMENT_VERIFICATION_FAILED',
    retryable: false,
    summary: 'Post-deploy health check failed',
    likelyCause: 'Nothing answered on port 3000.',
    evidence: { lineNo: 42, line: 'Error: listen EADDRINUSE :::3000', context: ['before', 'Error: listen EADDRINUSE :::3000', 'after'] },
  };

  it('a failed run: classification, evidence with context, the step output, the shape', () => {
    const [system, user] = runPrompt({ project, runId: 'run_1', runKind: 'redeploy', failure, failedStep: 'verify', stepLines: lines(3) });
    expect(system!.role).toBe('system');
    expect(user!.content).toContain('Failure code: DEPLOYMENT_VERIFICATION_FAILED (health_check_failure)');
    expect(user!.content).toContain("Berth's likely cause: Nothing answered on port 3000.");
    expect(user!.content).toContain('Evidence (line 42), the first error line of the failed step:\nError: listen EADDRINUSE :::3000');
    expect(user!.content).toContain('Context around the evidence:\nbefore\n');
    expect(user!.content).toContain('Shape: server (runtime node 20, start `npm start`, port 3000)');
    expect(user!.content).toContain('Output of the failed step "verify" (lines 1–3):\nline 1\nline 2\nline 3');
  });

  it('a crash: the crash line, the container settings, the lines before it', () => {
    const [, user] = crashPrompt({ project: { ...project, shape: null }, deploymentId: 'dep_1', crashLine: '[CRASH] exit=137 oom=true', crashedAt: '2026-12-05T10:00:00.000Z', linesBefore: lines(2) });
    expect(user!.content).toContain('crashed at 2026-12-05T10:00:00.000Z: [CRASH] exit=137 oom=true');
    expect(user!.content).toContain('memory limit 512 MB, restart policy unless-stopped');
    expect(user!.content).toContain("The app's last output before the crash (2 lines):\nline 1\nline 2");
    expect(user!.content).not.toContain('Shape:');
  });

  it('posts a streamed chat completion to <baseUrl>/chat/completions', () => {
    expect(chatCompletionsUrl('http://127.0.0.1:11434/v1/')).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(JSON.parse(chatRequestBody('llama3.1', [{ role: 'user', content: 'hi' }]))).toEqual({ model: 'llama3.1', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  });
});
