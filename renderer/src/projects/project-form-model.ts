// The add/edit project form as plain data: what the inputs hold, how it becomes a request, and
// which field each validation error belongs to. No React here, so unit tests can cover it.
import {
  BASE_IMAGE_ROLES,
  projectCreateSchema,
  RESTART_POLICIES,
  type BaseImageRole,
  type BuildSettings,
  type EcsSettings,
  type Project,
  type ProjectCreate,
  type RestartPolicy,
  type S3Settings,
  type ScanRecord,
  type Target,
} from '../../../shared';
import { effectiveHealthCheck, effectivePort } from '../../../shared/effective-settings';
import type { BaseImageChoice } from '../../../shared/generated-dockerfile';

export interface EnvRow {
  /** Stable React key; not sent. */
  readonly key: string;
  readonly name: string;
  readonly value: string;
  readonly secret: boolean;
  /** A secret the engine already holds: its value is never shown, and empty means "keep it". */
  readonly storedSecret: boolean;
}

export const ECS_FIELDS = ['region', 'profile', 'cluster', 'service', 'repository', 'registryHost', 'publicUrl', 'cpu', 'memoryMb'] as const;
export type EcsField = (typeof ECS_FIELDS)[number];

/** The S3 block's text fields; an index document turns website hosting on. */
export const S3_FIELDS = ['bucket', 'prefix', 'region', 'profile', 'publicUrl', 'indexDocument', 'errorDocument'] as const;
export type S3Field = (typeof S3_FIELDS)[number];

/**
 * Which AWS service a folder goes to when the user picks AWS and has not chosen one: a site (static files, or
 * a build that writes them, with no start command) goes to S3, anything that runs goes to ECS.
 */
export function defaultAwsTarget(scan: ScanRecord | null): 'ecs' | 's3' {
  return scan !== null && (scan.shape === 'static' || scan.shape === 'static_build') && scan.startCommand === null ? 's3' : 'ecs';
}

/** The zero-config build settings the form edits; empty means "what the scan detects". */
export const BUILD_FIELDS = ['buildCommand', 'startCommand', 'outputDir', 'runtimeVersion'] as const;
export type BuildField = (typeof BUILD_FIELDS)[number];

export interface ProjectFormState {
  readonly name: string;
  readonly sourceDir: string;
  readonly target: Target;
  readonly port: string;
  readonly hostPort: string;
  readonly healthPath: string;
  readonly memoryLimitMb: string;
  readonly restartPolicy: RestartPolicy;
  readonly keepCrashedContainers: boolean;
  /** Image retention: releases that keep their image; empty means the default (DEFAULT_KEEP_RELEASES). */
  readonly keepReleases: string;
  readonly env: readonly EnvRow[];
  readonly ecs: Readonly<Record<EcsField, string>>;
  readonly s3: Readonly<Record<S3Field, string>>;
  /** settings.s3.createBucket */
  readonly s3CreateBucket: boolean;
  /** The user picked ECS or S3 themselves; until then the AWS choice follows the scan (defaultAwsTarget). */
  readonly awsServiceChosen: boolean;
  readonly build: Readonly<Record<BuildField, string>>;
  readonly baseImages: Readonly<Record<BaseImageRole, string>>;
}

/** Field path (as the engine names it in `error.field`, e.g. `settings.port`) → message. */
export type FieldErrors = Readonly<Record<string, string>>;

let rowCounter = 0;
export function newEnvRow(partial: Partial<Omit<EnvRow, 'key'>> = {}): EnvRow {
  rowCounter += 1;
  return { key: `env-${rowCounter}`, name: '', value: '', secret: false, storedSecret: false, ...partial };
}

const emptyEcs: Record<EcsField, string> = {
  region: '',
  profile: '',
  cluster: '',
  service: '',
  repository: '',
  registryHost: '',
  publicUrl: '',
  cpu: '',
  memoryMb: '',
};

const emptyS3 = Object.fromEntries(S3_FIELDS.map((field) => [field, ''])) as Record<S3Field, string>;

const emptyBuild: Record<BuildField, string> = { buildCommand: '', startCommand: '', outputDir: '', runtimeVersion: '' };
const emptyBaseImages = Object.fromEntries(BASE_IMAGE_ROLES.map((role) => [role, ''])) as Record<BaseImageRole, string>;

/** A new project: only the name and the folder need typing; the scan fills in the rest. */
export function emptyForm(): ProjectFormState {
  return {
    name: '',
    sourceDir: '',
    target: 'docker',
    port: '',
    hostPort: '',
    healthPath: '',
    memoryLimitMb: '1536',
    restartPolicy: 'unless-stopped',
    keepCrashedContainers: false,
    keepReleases: '',
    env: [],
    ecs: emptyEcs,
    s3: emptyS3,
    s3CreateBucket: false,
    awsServiceChosen: false,
    build: emptyBuild,
    baseImages: emptyBaseImages,
  };
}

export function formFromProject(project: Project): ProjectFormState {
  const { settings } = project;
  const ecs = settings.ecs ?? {};
  return {
    name: project.name,
    sourceDir: project.sourceDir,
    target: project.target,
    port: settings.port === undefined ? '' : String(settings.port),
    hostPort: settings.hostPort === undefined ? '' : String(settings.hostPort),
    healthPath: settings.healthPath ?? '',
    memoryLimitMb: String(settings.memoryLimitMb),
    restartPolicy: RESTART_POLICIES.includes(settings.restartPolicy) ? settings.restartPolicy : 'unless-stopped',
    keepCrashedContainers: settings.keepCrashedContainers,
    keepReleases: settings.keepReleases === undefined ? '' : String(settings.keepReleases),
    env: settings.env.map((variable) =>
      newEnvRow({ name: variable.name, value: variable.secret ? '' : (variable.value ?? ''), secret: variable.secret, storedSecret: variable.secret }),
    ),
    ecs: Object.fromEntries(ECS_FIELDS.map((field) => [field, ecs[field] === undefined ? '' : String(ecs[field])])) as Record<EcsField, string>,
    s3: {
      ...emptyS3,
      ...Object.fromEntries((['bucket', 'prefix', 'region', 'profile', 'publicUrl'] as const).map((field) => [field, settings.s3?.[field] ?? ''])),
      indexDocument: settings.s3?.website?.indexDocument ?? '',
      errorDocument: settings.s3?.website?.errorDocument ?? '',
    },
    s3CreateBucket: settings.s3?.createBucket ?? false,
    awsServiceChosen: true,
    build: Object.fromEntries(BUILD_FIELDS.map((field) => [field, settings.build?.[field] ?? ''])) as Record<BuildField, string>,
    baseImages: Object.fromEntries(BASE_IMAGE_ROLES.map((role) => [role, settings.build?.baseImages?.[role] ?? ''])) as Record<BaseImageRole, string>,
  };
}

/** The build block from the form's non-empty fields, or undefined when every field is left to the scan. */
export function buildSettingsOf(form: ProjectFormState): BuildSettings | undefined {
  const build: Record<string, unknown> = {};
  for (const field of BUILD_FIELDS) {
    const text = form.build[field].trim();
    if (text !== '') build[field] = text;
  }
  const baseImages = Object.fromEntries(BASE_IMAGE_ROLES.map((role) => [role, form.baseImages[role].trim()]).filter(([, image]) => image !== ''));
  if (Object.keys(baseImages).length > 0) build['baseImages'] = baseImages;
  return Object.keys(build).length > 0 ? (build as BuildSettings) : undefined;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function parseWholeNumber(text: string): Parsed<number | undefined> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  if (!/^\d+$/.test(trimmed)) return { ok: false, error: 'must be a whole number' };
  return { ok: true, value: Number(trimmed) };
}

/**
 * Turns the form into a create/patch body, checked with the same zod schema the engine uses.
 * `base` is the project being edited: settings the form does not show are kept as they are.
 */
export function formToInput(
  form: ProjectFormState,
  base?: Project,
): { readonly ok: true; readonly input: ProjectCreate } | { readonly ok: false; readonly errors: FieldErrors } {
  const errors: Record<string, string> = {};
  const number = (field: string, text: string): number | undefined => {
    const parsed = parseWholeNumber(text);
    if (!parsed.ok) {
      errors[field] = parsed.error;
      return undefined;
    }
    return parsed.value;
  };

  const port = number('settings.port', form.port);
  const hostPort = number('settings.hostPort', form.hostPort);
  const memoryLimitMb = number('settings.memoryLimitMb', form.memoryLimitMb);
  const keepReleases = number('settings.keepReleases', form.keepReleases);

  let ecs: EcsSettings | undefined;
  if (form.target === 'ecs') {
    // Settings the form does not show (e.g. executionRoleArn) are kept; shown ones come from the form.
    const kept = Object.fromEntries(Object.entries(base?.settings.ecs ?? {}).filter(([field]) => !(ECS_FIELDS as readonly string[]).includes(field)));
    const block: Record<string, unknown> = { ...kept };
    for (const field of ECS_FIELDS) {
      const text = form.ecs[field].trim();
      if (text === '') continue;
      block[field] = field === 'cpu' || field === 'memoryMb' ? number(`settings.ecs.${field}`, text) : text;
    }
    ecs = block as EcsSettings;
  }

  let s3: S3Settings | undefined;
  if (form.target === 's3') {
    const value = (field: S3Field): string => form.s3[field].trim();
    const block: Record<string, unknown> = { bucket: value('bucket') };
    for (const field of ['prefix', 'region', 'profile', 'publicUrl'] as const) if (value(field) !== '') block[field] = value(field);
    if (value('indexDocument') !== '') block['website'] = { indexDocument: value('indexDocument'), ...(value('errorDocument') !== '' ? { errorDocument: value('errorDocument') } : {}) };
    else if (value('errorDocument') !== '') errors['settings.s3.website.indexDocument'] = 'set the index document too: an error document is part of website hosting';
    if (form.s3CreateBucket) block['createBucket'] = true;
    s3 = block as S3Settings;
  }

  // The form owns the build block: its fields are the whole of it.
  const { env: _storedEnv, ecs: storedEcs, s3: storedS3, build: _storedBuild, ...keptSettings } = base?.settings ?? { env: [], ecs: undefined, s3: undefined, build: undefined };
  const build = buildSettingsOf(form);
  const healthPath = form.healthPath.trim();
  const input = {
    name: form.name,
    sourceDir: form.sourceDir.trim(),
    target: form.target,
    settings: {
      ...keptSettings,
      ...(port !== undefined ? { port } : {}),
      ...(hostPort !== undefined ? { hostPort } : {}),
      ...(healthPath !== '' ? { healthPath } : {}),
      ...(memoryLimitMb !== undefined ? { memoryLimitMb } : {}),
      restartPolicy: form.restartPolicy,
      keepCrashedContainers: form.keepCrashedContainers,
      ...(keepReleases !== undefined ? { keepReleases } : {}),
      env: form.env
        .filter((row) => row.name.trim() !== '' || row.value !== '')
        .map((row) => ({ name: row.name.trim(), value: row.value, secret: row.secret })),
      ...(form.target === 'ecs' ? { ecs } : storedEcs ? { ecs: storedEcs } : {}),
      ...(form.target === 's3' ? { s3 } : storedS3 ? { s3: storedS3 } : {}),
      ...(build ? { build } : {}),
    },
  };
  // Emptied optional settings are left out: no host port means an allocated one, no port or health path the scan's.
  if (form.hostPort.trim() === '') delete (input.settings as { hostPort?: number }).hostPort;
  if (form.port.trim() === '') delete (input.settings as { port?: number }).port;
  if (form.healthPath.trim() === '') delete (input.settings as { healthPath?: string }).healthPath;
  if (form.keepReleases.trim() === '') delete (input.settings as { keepReleases?: number }).keepReleases;

  // A stored secret is never sent back to the form, so it cannot silently turn into an empty plain value.
  form.env.forEach((row, index) => {
    if (row.storedSecret && !row.secret && row.value === '') errors[`settings.env.${index}.value`] = 'type the value: a stored secret is never shown, so it cannot become a plain value by itself';
  });

  const checked = projectCreateSchema.safeParse(input);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const field = issue.path.map(String).join('.');
      if (!(field in errors)) errors[field] = issue.message;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input };
}

/** What each field that the scan fills in shows while it is empty. */
export type DetectedPlaceholders = Readonly<Record<'port' | 'healthPath' | BuildField | BaseImageRole, string>>;

const NOT_SCANNED = 'detected from the folder';

/**
 * Placeholders from the folder's scan (what Berth detected, without the project's overrides) and, when the
 * project exists, the base images its generated Dockerfile uses. Before a scan they say where values come from.
 */
export function detectedPlaceholders(scan: ScanRecord | null, baseImages: readonly BaseImageChoice[] | null = null): DetectedPlaceholders {
  const chosen = (role: BaseImageRole) => baseImages?.find((choice) => choice.role === role && choice.source !== 'override')?.image ?? 'engine default';
  const images = Object.fromEntries(BASE_IMAGE_ROLES.map((role) => [role, chosen(role)])) as Record<BaseImageRole, string>;
  if (scan === null || scan.shape === null) {
    return { port: '8080', healthPath: NOT_SCANNED, buildCommand: NOT_SCANNED, startCommand: NOT_SCANNED, outputDir: NOT_SCANNED, runtimeVersion: NOT_SCANNED, ...images };
  }
  const servesFiles = scan.shape === 'static' || scan.shape === 'static_build';
  // What the deploy uses when the field stays empty: the same rule the targets apply.
  const healthCheck = effectiveHealthCheck({}, scan).value;
  return {
    port: String(effectivePort({}, scan).value),
    healthPath: healthCheck.rule === 'status_2xx_3xx' ? healthCheck.path : 'none: checks that it answers HTTP',
    buildCommand: scan.buildCommand ?? 'none',
    startCommand: scan.startCommand ?? (servesFiles ? 'none (static files)' : 'none'),
    outputDir: scan.outputDir ?? 'none',
    runtimeVersion: scan.runtime?.version ?? 'none',
    ...images,
  };
}

/** The folder to scan while the user types: an absolute path the engine would accept, else null (nothing to ask yet). */
export function scannableFolder(sourceDir: string): string | null {
  const trimmed = sourceDir.trim();
  return projectCreateSchema.shape.sourceDir.safeParse(trimmed).success ? trimmed : null;
}
