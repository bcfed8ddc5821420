#!/usr/bin/env node
// The `berth` command. Runs the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/main.ts');
