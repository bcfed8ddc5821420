import { readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const apiFileSchema = z.object({ url: z.url(), token: z.string().min(16), pid: z.number().int().optional() });
export type ApiFile = z.infer<typeof apiFileSchema>;

export const apiFilePath = (dataDir: string): string => join(dataDir, 'api.json');

/** Writes `<dataDir>/api.json` atomically with mode 0600: only this user may read the token. */
export function writeApiFile(dataDir: string, contents: ApiFile): void {
  const file = apiFilePath(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function readApiFile(dataDir: string): ApiFile {
  const file = apiFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`No running Berth engine found (${file} does not exist). Start one with \`berth serve\` or open the Berth app.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = apiFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not a valid Berth API file. Restart \`berth serve\` to rewrite it.`);
  return parsed.data;
}

export function removeApiFile(dataDir: string, token: string): void {
  try {
    const current = readApiFile(dataDir);
    if (current.token === token) rmSync(apiFilePath(dataDir));
  } catch {
    // already gone
  }
}
