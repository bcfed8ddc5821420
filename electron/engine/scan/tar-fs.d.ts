// The part of tar-fs (a dependency of dockerode, v2) that the build context uses; it ships no types.
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';

  export interface PackEntryHeader {
    name: string;
    mode?: number;
    mtime?: Date;
    size?: number;
    type?: 'file' | 'directory' | 'symlink';
  }

  export interface Pack extends Readable {
    entry(header: PackEntryHeader, content?: string | Buffer, callback?: (error?: Error | null) => void): unknown;
    finalize(): void;
  }

  export interface PackOptions {
    /** Called with each entry's absolute path; true leaves it (and, for a directory, everything in it) out. */
    ignore?: (name: string) => boolean;
    /** false: the caller adds entries in `finish` and finalizes the archive itself. */
    finalize?: boolean;
    finish?: (pack: Pack) => void;
    dereference?: boolean;
  }

  export function pack(cwd: string, options?: PackOptions): Pack;

  export interface ExtractOptions {
    /** Leading path components dropped from every entry's name. */
    strip?: number;
    /** Modes OR-ed into every directory's and file's mode. */
    dmode?: number;
    fmode?: number;
  }

  export function extract(cwd: string, options?: ExtractOptions): NodeJS.WritableStream;

  const tarFs: { pack: typeof pack; extract: typeof extract };
  export default tarFs;
}
