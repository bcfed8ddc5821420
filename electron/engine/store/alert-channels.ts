import type { Database, Statement } from 'better-sqlite3';
import type { Channel, ChannelKind } from '../../../shared';
import { newId } from './ids';
import { secretView, storedSecretFrom, type StoredSecret } from './stored-secret';
import { toIso } from './time';

export interface ChannelRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: ChannelKind;
  readonly url: StoredSecret | null;
  readonly signingSecret: StoredSecret | null;
  readonly createdAt: number;
}

export interface NewChannel {
  readonly name: string;
  readonly kind: ChannelKind;
  readonly url: StoredSecret | null;
  readonly signingSecret: StoredSecret | null;
}

interface ChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  url_sealed: Buffer | null;
  url_env: string | null;
  url_hint: string | null;
  secret_sealed: Buffer | null;
  secret_env: string | null;
  secret_hint: string | null;
  created_at: number;
}

function fromRow(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: storedSecretFrom(row.url_sealed, row.url_env, row.url_hint),
    signingSecret: storedSecretFrom(row.secret_sealed, row.secret_env, row.secret_hint),
    createdAt: row.created_at,
  };
}

/** The transport view: where each secret comes from and its hint, never the secret. */
export function toChannelView(channel: ChannelRecord): Channel {
  return { id: channel.id, name: channel.name, kind: channel.kind, url: secretView(channel.url), signingSecret: secretView(channel.signingSecret), createdAt: toIso(channel.createdAt) };
}

/** Alert channels (migration 006). Secrets arrive sealed or as env names: this layer never sees one in the clear. */
export class AlertChannelRepository {
  private readonly insertOne: Statement<unknown[]>;
  private readonly selectOne: Statement<[string], ChannelRow>;
  private readonly selectAll: Statement<[], ChannelRow>;
  private readonly deleteOne: Statement<[string]>;

  constructor(db: Database) {
    this.insertOne = db.prepare(
      `INSERT INTO alert_channels (id, name, kind, url_sealed, url_env, url_hint, secret_sealed, secret_env, secret_hint, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectOne = db.prepare('SELECT * FROM alert_channels WHERE id = ?');
    this.selectAll = db.prepare('SELECT * FROM alert_channels ORDER BY created_at, id');
    this.deleteOne = db.prepare('DELETE FROM alert_channels WHERE id = ?');
  }

  create(channel: NewChannel, now = Date.now()): ChannelRecord {
    const id = newId('chn');
    const { url, signingSecret } = channel;
    this.insertOne.run(id, channel.name, channel.kind, url?.sealed ?? null, url?.env ?? null, url?.hint ?? null, signingSecret?.sealed ?? null, signingSecret?.env ?? null, signingSecret?.hint ?? null, now);
    return this.get(id)!;
  }

  get(id: string): ChannelRecord | undefined {
    const row = this.selectOne.get(id);
    return row ? fromRow(row) : undefined;
  }

  list(): ChannelRecord[] {
    return this.selectAll.all().map(fromRow);
  }

  /** True when there was one; rules stop naming it (the join rows cascade). */
  delete(id: string): boolean {
    return this.deleteOne.run(id).changes > 0;
  }
}
