// `node --import ./test/support/node24/register.mjs`: loads better-sqlite3 from BERTH_NATIVE_MODULES,
// where it was compiled for this Node (scripts/provision.js node24), instead of the repository's
// node_modules, whose build is for the Node that runs the rest of the tests.
import { register } from 'node:module';

if (!process.env.BERTH_NATIVE_MODULES) throw new Error('BERTH_NATIVE_MODULES must name the folder holding better-sqlite3 built for this Node.');
register('./resolve-native.mjs', import.meta.url, { data: { dir: process.env.BERTH_NATIVE_MODULES } });
