import type { Database, Statement } from 'better-sqlite3';
import { projectSettingsSchema, type Project, type ProjectSettings, type Target } from '../../../shared';
import { newId } from './ids';
import { toIso } from './time';

interface ProjectRow {
  id: string;
  name: string;
  slug: string;
  source_dir: string;
  target: Target;
  settings_json: string;
  created_at: number;
  updated_at: number;
}

/** A project as the engine sees it: secrets included. Never send this over a transport. */
export interface ProjectRecord {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly sourceDir: string;
  readonly target: Target;
  readonly settings: ProjectSettings;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewProject {
  readonly name: string;
  readonly sourceDir: string;
  readonly target: Target;
  readonly settings: ProjectSettings;
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // drop the accents NFKD split off, so "Ü" becomes "u"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'project';
}

/** The transport view of a project: secret env values are replaced by null. */
export function toProjectView(record: ProjectRecord): Project {
  return {
    id: record.id,
    name: record.name,
    slug: record.slug,
    sourceDir: record.sourceDir,
    target: record.target,
    settings: {
      ...record.settings,
      env: record.settings.env.map((variable) => ({
        name: variable.name,
        secret: variable.secret,
        value: variable.secret ? null : variable.value,
      })),
    },
    createdAt: toIso(record.createdAt),
    updatedAt: toIso(record.updatedAt),
  };
}

export class ProjectRepository {
  private readonly selectAll: Statement<[], ProjectRow>;
  private readonly selectById: Statement<[string], ProjectRow>;
  private readonly selectBySlug: Statement<[string], ProjectRow>;

  constructor(private readonly db: Database) {
    this.selectAll = db.prepare('SELECT * FROM projects ORDER BY name COLLATE NOCASE, created_at');
    this.selectById = db.prepare('SELECT * FROM projects WHERE id = ?');
    this.selectBySlug = db.prepare('SELECT * FROM projects WHERE slug = ?');
  }

  list(): ProjectRecord[] {
    return this.selectAll.all().map(fromRow);
  }

  get(id: string): ProjectRecord | undefined {
    const row = this.selectById.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** Finds a project by id, slug or exact name: what a CLI user types. */
  find(reference: string): ProjectRecord | undefined {
    const row = this.selectById.get(reference) ?? this.selectBySlug.get(reference);
    if (row) return fromRow(row);
    return this.list().find((project) => project.name === reference);
  }

  create(input: NewProject, now = Date.now()): ProjectRecord {
    const id = newId('prj');
    const slug = this.uniqueSlug(slugify(input.name));
    this.db
      .prepare(
        `INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.name, slug, input.sourceDir, input.target, JSON.stringify(input.settings), now, now);
    return this.get(id)!;
  }

  update(id: string, changes: Partial<NewProject>, now = Date.now()): ProjectRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next = { ...current, ...changes };
    this.db
      .prepare('UPDATE projects SET name = ?, source_dir = ?, target = ?, settings_json = ?, updated_at = ? WHERE id = ?')
      .run(next.name, next.sourceDir, next.target, JSON.stringify(next.settings), now, id);
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes > 0;
  }

  private uniqueSlug(base: string): string {
    let slug = base;
    for (let n = 2; this.selectBySlug.get(slug); n += 1) slug = `${base}-${n}`;
    return slug;
  }
}

function fromRow(row: ProjectRow): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    sourceDir: row.source_dir,
    target: row.target,
    settings: projectSettingsSchema.parse(JSON.parse(row.settings_json)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
