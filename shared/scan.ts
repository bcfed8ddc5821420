// The scan record: what Berth found in a project's source folder and how it would build it. Every decision
// carries its evidence as text, so the detect step's log, the info grid, the API and `berth scan` can show
// why. The API and the CLI return the record as it is.
import { z } from 'zod';
import { DEPLOY_SHAPES } from './vocabulary';

export const SCAN_RUNTIMES = ['node', 'python', 'go'] as const;
export type ScanRuntimeName = (typeof SCAN_RUNTIMES)[number];

export const PACKAGE_MANAGERS = ['npm', 'yarn', 'pnpm', 'pip', 'pipenv', 'poetry', 'go'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** Scan build status: whether a build of the scanned project was verified. */
export const SCAN_BUILD_STATUSES = ['passed', 'failed', 'skipped'] as const;
export type ScanBuildStatus = (typeof SCAN_BUILD_STATUSES)[number];

/** What a decision is about; one topic may have several decisions (e.g. the detected value, then an override). */
export const SCAN_TOPICS = [
  'listing',
  'shape',
  'runtime',
  'version',
  'packageManager',
  'install',
  'build',
  'start',
  'outputDir',
  'port',
  'healthPath',
] as const;
export type ScanTopic = (typeof SCAN_TOPICS)[number];

/** `detected` from the folder, `override` from the project's settings, `default` when neither said. */
export const DECISION_SOURCES = ['detected', 'override', 'default'] as const;
export type DecisionSource = (typeof DECISION_SOURCES)[number];

/** Why the scan did not read a directory; the build context leaves out the same ones (but build output only when rebuilt). */
export const SKIP_REASONS = ['dependencies', 'vcs', 'virtualenv', 'cache', 'build_output'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** The images a generated Dockerfile can start FROM; each is overridable per project and by BERTH_BASE_IMAGE_*. */
export const BASE_IMAGE_ROLES = ['node', 'python', 'go', 'goRuntime', 'static'] as const;
export type BaseImageRole = (typeof BASE_IMAGE_ROLES)[number];

const portSchema = z.number().int().min(1).max(65_535);
// A relative path with no `..` segment, said as a pattern (not a refine) so the API's schema carries it.
const PATH_SEGMENT = '(?:[A-Za-z0-9_.@+-]|[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]|\\.[A-Za-z0-9_@+-]|[A-Za-z0-9_.@+-]{3,})';
const relativePathSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(new RegExp(`^${PATH_SEGMENT}(?:/+${PATH_SEGMENT})*/*$`), 'must be a path inside the project folder, in letters, digits and . / @ + - _');
// Commands and paths become Dockerfile lines: one line each, and paths in plain characters.
const commandSchema = z.string().trim().min(1, 'must not be empty').max(4096).regex(/^[^\r\n]*$/, 'must be one line');
// Image references and version words end up in FROM lines: keep them to what a reference can hold.
const imageReferenceSchema = z.string().min(1).max(512).regex(/^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/, 'must be an image reference such as node:22-slim');
const runtimeVersionSchema = z.string().min(1).max(32).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a version such as 20, 3.12 or 1.22');

export const scanDecisionSchema = z.object({
  topic: z.enum(SCAN_TOPICS),
  /** The value decided, as text (`npm start`, `8080`, `dist`), or null when the answer is "none". */
  value: z.string().nullable(),
  /** Why, naming the file and what it says: "`package.json` scripts.start = `node server.js`". */
  evidence: z.string(),
  source: z.enum(DECISION_SOURCES),
});
export type ScanDecision = z.infer<typeof scanDecisionSchema>;

export const scanRuntimeSchema = z.object({
  name: z.enum(SCAN_RUNTIMES),
  /** The version the build uses: a major (`20`), `lts`, `3.12`, `1.22`. */
  version: z.string(),
  packageManager: z.enum(PACKAGE_MANAGERS),
});
export type ScanRuntime = z.infer<typeof scanRuntimeSchema>;

export const scanRefusalSchema = z.object({
  code: z.literal('PROJECT_SHAPE_UNSUPPORTED'),
  /** One paragraph for people: what Berth found and the one thing to add. */
  message: z.string(),
  /** What Berth found, one item each (`package.json without scripts.start or main`, `12 .rb files`). */
  found: z.array(z.string()),
  /** The one thing to add or change. */
  add: z.string(),
});
export type ScanRefusal = z.infer<typeof scanRefusalSchema>;

/** `build_verification` with its log excerpt: filled in by the build step; a fresh scan is `skipped`. */
export const scanBuildVerificationSchema = z.object({
  status: z.enum(SCAN_BUILD_STATUSES),
  logExcerpt: z.string().max(16_384).optional(),
});
export type ScanBuildVerification = z.infer<typeof scanBuildVerificationSchema>;

export const skippedDirectorySchema = z.object({ path: z.string(), reason: z.enum(SKIP_REASONS) });
export type SkippedDirectory = z.infer<typeof skippedDirectorySchema>;

export const scanRecordSchema = z
  .object({
    sourceDir: z.string(),
    /** null only when the scan refused and found no shape at all. */
    shape: z.enum(DEPLOY_SHAPES).nullable(),
    runtime: scanRuntimeSchema.nullable(),
    /** Files the install step needs, copied before the source so a source-only change reuses that layer; empty when it needs the whole source. */
    dependencyFiles: z.array(z.string()),
    installCommand: z.string().nullable(),
    buildCommand: z.string().nullable(),
    startCommand: z.string().nullable(),
    /** For static_build: the folder the build writes, served as the site. */
    outputDir: z.string().nullable(),
    /** The port the app listens on inside its container; Berth passes it as PORT. */
    port: portSchema,
    /** A health route the source defines, or null: then only "answers HTTP" can be checked. */
    healthPath: z.string().nullable(),
    /** existing_docker: the project's Dockerfile; multi: its compose file; prebuilt_image: the image. */
    dockerfile: z.string().nullable(),
    composeFile: z.string().nullable(),
    image: z.string().nullable(),
    skippedDirectories: z.array(skippedDirectorySchema),
    decisions: z.array(scanDecisionSchema),
    /** Set when Berth cannot deploy this folder as it is (a `multi` compose stack is deployed through Compose on the Docker target, refused on ECS). */
    refusal: scanRefusalSchema.nullable(),
    buildVerification: scanBuildVerificationSchema,
  })
  .refine((scan) => scan.shape !== null || scan.refusal !== null, { message: 'a scan without a shape must carry its refusal', path: ['refusal'] });
export type ScanRecord = z.infer<typeof scanRecordSchema>;

/** Project settings that win over what the scan detects (each says so in the evidence). */
export const scanOverridesSchema = z.object({
  buildCommand: commandSchema.optional(),
  startCommand: commandSchema.optional(),
  outputDir: relativePathSchema.optional(),
  runtimeVersion: runtimeVersionSchema.optional(),
  /** Per-project base images; they win over BERTH_BASE_IMAGE_* and the defaults. */
  baseImages: z.partialRecord(z.enum(BASE_IMAGE_ROLES), imageReferenceSchema).optional(),
  /** `settings.image`: deploy this image as it is (prebuilt_image); the folder is not read. */
  image: z.string().min(1).max(512).optional(),
});
export type ScanOverrides = z.infer<typeof scanOverridesSchema>;
