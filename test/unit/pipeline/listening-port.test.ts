// Reading the port an app says it listens on from its own log, for verify's wrong-port failure.
import { describe, expect, it } from 'vitest';
import { listeningPortIn } from '../../../electron/engine/targets/listening-port';

describe('listeningPortIn', () => {
  it.each([
    ['listening on 3001', 3001],
    ['Server listening on port 3001', 3001],
    ['Example app listening at http://localhost:3001', 3001],
    ['Listening on http://[::]:4000', 4000],
    [' * Running on http://0.0.0.0:5000', 5000],
    ['[2026-12-04 09:00:00 +0000] [7] [INFO] Listening at: http://0.0.0.0:8000 (7)', 8000],
    ['INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)', 8000],
    ['2026/12/04 09:00:00 listening on :9000', 9000],
    ['server started on port=7000', 7000],
    ['\x1b[32mready\x1b[0m - started server on 0.0.0.0:3000, url: http://localhost:3000', 3000],
  ])('%s → %d', (line, port) => {
    expect(listeningPortIn(['booting', line, 'GET / 200'])).toMatchObject({ index: 1, port });
  });

  it('takes the last mention, and ignores lines that name no port it listens on', () => {
    expect(listeningPortIn(['listening on 3000', 'restarting', 'listening on 3001'])).toMatchObject({ index: 2, port: 3001 });
    expect(listeningPortIn(['connected to db at postgres:5432', 'warming up', 'GET /health 404', 'npm run start'])).toBeNull();
    expect(listeningPortIn([])).toBeNull();
  });
});
