// "Analyze failure" (docs/architecture.md, "Failure analysis"): an OpenAI-compatible chat endpoint the user
// configures, and the analyses of failed runs and crashes, each stored with the request exactly as it was sent.
import { z } from 'zod';
import { secretInputSchema, secretViewSchema } from './alerts';

export const ANALYSIS_SUBJECTS = ['run', 'crash'] as const;
export type AnalysisSubject = (typeof ANALYSIS_SUBJECTS)[number];

export const ANALYSIS_STATUSES = ['streaming', 'completed', 'failed'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

/**
 * The chat endpoint: a base URL such as `http://127.0.0.1:11434/v1` (Ollama), `http://127.0.0.1:1234/v1`
 * (LM Studio) or `https://api.openai.com/v1`; Berth posts to `<baseUrl>/chat/completions`. No credentials in
 * the URL (the key is a secret of its own), no query or fragment.
 */
export const analysisSettingsInputSchema = z
  .object({
    baseUrl: z
      .string()
      .max(2048)
      // Whitespace spelt out, as in alerts.ts (HTTP_URL): the pattern must mean the same in every regex engine.
      .regex(
        /^https?:\/\/[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff/?#@]+(?:\/[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff?#@]*)?$/,
        'must be an http(s) base URL without credentials, query or fragment, e.g. http://127.0.0.1:11434/v1',
      ),
    model: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+$/, 'must be a model name without spaces'),
    /** Omitted or null: no key (a local server). */
    apiKey: secretInputSchema.nullable().optional(),
  })
  .strict();
export type AnalysisSettingsInput = z.infer<typeof analysisSettingsInputSchema>;

export const analysisSettingsSchema = z.object({
  configured: z.boolean(),
  baseUrl: z.string().nullable(),
  model: z.string().nullable(),
  apiKey: secretViewSchema.nullable(),
});
export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;

export const analysisSchema = z.object({
  id: z.string(),
  subject: z.enum(ANALYSIS_SUBJECTS),
  /** The failed run (subject `run`). */
  runId: z.string().nullable(),
  deploymentId: z.string(),
  projectId: z.string(),
  /** The `[CRASH]` line analysed (subject `crash`). */
  crashLineNo: z.number().int().nullable(),
  status: z.enum(ANALYSIS_STATUSES),
  model: z.string(),
  /** The answer so far, as streamed. */
  answer: z.string(),
  /** Why it failed, and what to do. */
  error: z.string().nullable(),
  /** How many secrets were replaced before the request left the machine. */
  redactions: z.number().int(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Analysis = z.infer<typeof analysisSchema>;

/** What is (or would be) posted: the URL and the JSON body, byte for byte. The API key travels in a header and is never shown. */
export const analysisRequestSchema = z.object({
  url: z.string(),
  body: z.string(),
  redactions: z.number().int(),
});
export type AnalysisRequest = z.infer<typeof analysisRequestSchema>;

export const analysisDetailSchema = analysisSchema.extend({ request: analysisRequestSchema });

/** What Analyze would send now; the URL is null while no endpoint is configured. */
export const analysisPreviewSchema = analysisRequestSchema.extend({ url: z.string().nullable() });
export type AnalysisDetail = z.infer<typeof analysisDetailSchema>;
export type AnalysisPreview = z.infer<typeof analysisPreviewSchema>;
