// Lint: the recommended rules plus the layering of docs/architecture.md, enforced per folder, and the
// engine's internal order (scripts/eslint/engine-layers.js).
// Note: a later config object that sets `no-restricted-imports` replaces an earlier one for the
// same file, so every folder below states its whole import policy in one place.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { engineLayersRule } from './scripts/eslint/engine-layers.js';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

/** `node:*` and the bare names of Node's builtin modules (`fs`, `path`, `fs/promises`, …). */
const noNodeBuiltins = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'This layer may not use Node builtins (docs/architecture.md, "Layers").' })),
  patterns: [{ group: ['node:*'], message: 'This layer may not use Node builtins (docs/architecture.md, "Layers").' }],
};

const onlyTheTypedIpcWrappers = 'Use the typed IPC wrappers (electron/main/ipc-main.ts, electron/preload/index.ts); raw ipcMain/ipcRenderer are banned elsewhere.';
const rawIpcImports = { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: onlyTheTypedIpcWrappers };
const rawIpcSyntax = [
  // Raw channel use: ipcMain.handle(…), ipcRenderer.invoke(…), electron.ipcMain.on(…).
  { selector: 'CallExpression[callee.object.name=/^(ipcMain|ipcRenderer)$/]', message: onlyTheTypedIpcWrappers },
  { selector: 'CallExpression[callee.object.property.name=/^(ipcMain|ipcRenderer)$/]', message: onlyTheTypedIpcWrappers },
  { selector: "CallExpression[callee.property.name='send'][callee.object.property.name='webContents']", message: onlyTheTypedIpcWrappers },
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', '.berth-test/', 'bench-results/', 'coverage/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Playwright fixtures must destructure their dependencies, even when there are none: `async ({}, use)`.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // ---- Layering (docs/architecture.md, "Layers") ----
  {
    // shared/: zod and its own files only. No Node, no DOM, no Electron, no other package.
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNodeBuiltins,
          patterns: [
            ...noNodeBuiltins.patterns,
            { regex: '^(?!\\.{1,2}/|zod(?:/|$))', message: 'shared/ may import only zod and other shared/ files (docs/architecture.md, "Layers").' },
            // shared/ is flat, so any `../` (other than back into shared/) leaves it.
            { regex: '^\\.\\./(?!shared/)', message: 'shared/ may not import files outside shared/ (docs/architecture.md, "Layers").' },
          ],
        },
      ],
    },
  },
  {
    // renderer/: shared/ and browser packages only.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNodeBuiltins,
          patterns: [
            ...noNodeBuiltins.patterns,
            { regex: '^electron(?:/|$)', message: 'The renderer may not import electron; use the BerthApi from renderer/src/api (docs/architecture.md, "Layers").' },
            { group: ['better-sqlite3', 'dockerode', '@aws-sdk/*', 'fastify', '@fastify/*', 'commander'], message: 'The renderer may not import engine-side packages (docs/architecture.md, "Layers").' },
            { regex: '(?:^|/)electron/', message: 'The renderer may not import electron/** code; talk to the engine through BerthApi (docs/architecture.md, "Layers").' },
          ],
        },
      ],
    },
  },
  {
    // Inside the engine: no file imports a layer above its own (store → logs → … → host).
    files: ['electron/engine/**/*.ts'],
    plugins: { berth: { rules: { 'engine-layers': engineLayersRule } } },
    rules: { 'berth/engine-layers': 'error' },
  },
  {
    // Small Node helpers the engine and the CLI share (the data dir, api.json): no engine, no Electron.
    files: ['electron/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^electron(?:/|$)', message: 'electron/common never imports electron.' },
            { regex: '(?:^|/)(?:engine|cli|main|preload)/', message: 'electron/common is below the engine and the CLI: it may import only shared/, Node and packages.' },
          ],
        },
      ],
    },
  },
  {
    // The engine and the CLI are plain Node: never Electron.
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^electron(?:/|$)', message: 'electron/engine and electron/cli never import electron; only electron/main and electron/preload may (docs/architecture.md, "Layers").' },
            { regex: '(?:^|/)(?:main|preload)/', message: 'The engine may not depend on the Electron shell (electron/main, electron/preload).' },
          ],
        },
      ],
    },
  },
  {
    // The Electron shell: electron is allowed, raw IPC only inside the typed wrappers.
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [rawIpcImports] }],
      'no-restricted-syntax': ['error', ...rawIpcSyntax],
    },
  },
  {
    // The composition root may hand the real ipcMain to the wrapper, but not use it.
    files: ['electron/main/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ ...rawIpcImports, importNames: ['ipcRenderer'] }] }] },
  },
  {
    files: ['electron/main/ipc-main.ts', 'electron/preload/index.ts'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    // Nothing outside the shell imports electron at all (tests use fakes; type imports are fine).
    files: ['test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.js', 'bin/**/*.js'],
    rules: {
      'no-restricted-imports': ['error', { paths: [rawIpcImports] }],
      'no-restricted-syntax': ['error', ...rawIpcSyntax],
    },
  },
);
