// `berth projects credentials`: against a real `berth serve` (headless: refused, exit 1) and against an
// engine with a vault that really encrypts (stored; the CLI prints the hint only). The secret travels
// on stdin; it must never be echoed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedSecretMessage } from '../../../electron/engine/secrets/secret-vault';
import { secretsFromStdin } from '../../../electron/cli/commands/credentials';
import { runBerth, runBerthAsync, startServeProcess, type ServeProcess } from '../../support/berth-process';
import { startTestHost, type TestHost } from '../../support/host';
import { makeTempDir } from '../../support/temp-dir';
import { createTestVault } from '../../support/test-vault';

const KEY_ID = 'AKIACLITEST00000WXYZ';
const SECRET = 'cli-secret-value/never+echoed';

const berth = runBerthAsync;

describe('berth projects credentials against headless `berth serve`', () => {
  const temp = makeTempDir('berth-cli-credentials-');
  const dataDir = join(temp.dir, 'data');
  const projectDir = join(temp.dir, 'cloud-app');
  let serve: ServeProcess;

  beforeAll(async () => {
    mkdirSync(projectDir);
    serve = await startServeProcess(dataDir);
    expect(runBerth(['projects', 'add', projectDir, '--name', 'cloud', '--target', 'ecs', '--region', 'us-east-1'], dataDir).status).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await serve.stop();
    temp.cleanup();
  });

  it('prints the refusal that says what to do, and exits 1', async () => {
    const result = await berth(['projects', 'credentials', 'cloud', '--access-key-id', KEY_ID, '--secret-access-key-stdin'], dataDir, `${SECRET}\n`);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`berth: ${refusedSecretMessage()}\n`);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    const json = await berth(['projects', 'credentials', 'cloud', '--access-key-id', KEY_ID, '--secret-access-key-stdin', '--json'], dataDir, SECRET);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'SECRETS_UNAVAILABLE', message: refusedSecretMessage() } });
  });

  it('--clear works headless (nothing to unseal)', async () => {
    const result = await berth(['projects', 'credentials', 'cloud', '--clear'], dataDir, null);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/No AWS keys stored for cloud/);
  });

  it('never takes the secret from argv, and checks the arguments before calling the engine (exit 2)', async () => {
    const inArgv = await berth(['projects', 'credentials', 'cloud', '--access-key-id', KEY_ID, '--secret-access-key', SECRET], dataDir, null);
    expect(inArgv.status).toBe(2);
    expect(inArgv.stderr).toMatch(/unknown option '--secret-access-key'/);
    const noStdinFlag = await berth(['projects', 'credentials', 'cloud', '--access-key-id', KEY_ID], dataDir, SECRET);
    expect(noStdinFlag.status).toBe(2);
    expect(noStdinFlag.stderr).toMatch(/read from stdin only.*--secret-access-key-stdin/);
    const nothing = await berth(['projects', 'credentials', 'cloud'], dataDir, null);
    expect(nothing.status).toBe(2);
    const badId = await berth(['projects', 'credentials', 'cloud', '--access-key-id', 'akia-lower', '--secret-access-key-stdin'], dataDir, SECRET);
    expect(badId.status).toBe(2);
    expect(badId.stderr).toMatch(/--access-key-id.*16 to 128 capital letters and digits/);
    const empty = await berth(['projects', 'credentials', 'cloud', '--access-key-id', KEY_ID, '--secret-access-key-stdin'], dataDir, '');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/No secret access key on stdin/);
    const both = await berth(['projects', 'credentials', 'cloud', '--clear', '--access-key-id', KEY_ID], dataDir, null);
    expect(both.status).toBe(2);
  });
});

describe('berth projects credentials against an engine with a vault (as in the desktop app)', () => {
  let host: TestHost;
  const source = makeTempDir('berth-cli-credentials-src-');

  beforeAll(async () => {
    host = await startTestHost({ vault: createTestVault() });
    const created = await host.json<{ id: string }>('/api/projects', { method: 'POST', body: JSON.stringify({ name: 'desk', sourceDir: source.dir, target: 'ecs' }) });
    expect(created.status).toBe(200);
  });
  afterAll(async () => {
    await host?.stop();
    source.cleanup();
  });

  it('stores the piped secret (and session token) and prints only the hint', async () => {
    const result = await berth(
      ['projects', 'credentials', 'desk', '--access-key-id', KEY_ID, '--secret-access-key-stdin', '--session-token-stdin'],
      host.dataDir,
      `${SECRET}\r\nSESSIONTOKEN0123\n`,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('Stored AWS keys AKIA…WXYZ for desk, sealed by the OS keychain. Its ECS deploys use them instead of the profile.\n');
    const project = host.engine.store.projects.find('desk')!;
    const stored = host.engine.store.secrets.awsCredentials(project.id)!;
    expect(stored.accessKeyIdHint).toBe('AKIA…WXYZ');
    expect(JSON.parse(host.engine.vault.decrypt(stored.sealed))).toEqual({ accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: 'SESSIONTOKEN0123' });

    const cleared = await berth(['projects', 'credentials', 'desk', '--clear', '--json'], host.dataDir, null);
    expect(JSON.parse(cleared.stdout)).toEqual({ stored: false });
    expect(host.engine.store.secrets.awsCredentials(project.id)).toBeUndefined();
  });
});

describe('secretsFromStdin', () => {
  it('takes the secret from the first line, the token from the second when asked, and refuses anything else', () => {
    expect(secretsFromStdin('s3cret', false)).toEqual({ secretAccessKey: 's3cret' });
    expect(secretsFromStdin('s3cret\r\n', false)).toEqual({ secretAccessKey: 's3cret' });
    expect(secretsFromStdin(' spaced secret \n', false)).toEqual({ secretAccessKey: ' spaced secret ' });
    expect(secretsFromStdin('s3cret\ntoken\n', true)).toEqual({ secretAccessKey: 's3cret', sessionToken: 'token' });
    expect(() => secretsFromStdin('s3cret\ntoken\n', false)).toThrow(/more lines than expected/);
    expect(() => secretsFromStdin('s3cret\n', true)).toThrow(/session token on the line after/);
    expect(() => secretsFromStdin('\n', false)).toThrow(/No secret access key/);
  });
});
