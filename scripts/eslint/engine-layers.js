// Lint rule `berth/engine-layers`: inside electron/engine, a file may import only from its own layer or
// a lower one. The order (docs/architecture.md, "Inside the engine"):
//   base → store → logs → ports → docker/aws clients → health → alerts and analysis → targets and monitor → pipeline → host
// Type-only imports count too: an upward type import is the first step of an import cycle.
import { dirname, relative, resolve, sep } from 'node:path';

/** Each layer with the paths (relative to electron/engine, without extension) that belong to it. */
export const ENGINE_LAYERS = [
  { name: 'base', paths: ['logger', 'config', 'event-bus', 'engine-error', 'step-failure', 'wakeable-sleep', 'abortable-delay', 'log-file', 'logs/log-level'] },
  { name: 'store', paths: ['store/', 'secrets/'] },
  { name: 'logs', paths: ['logs/'] },
  { name: 'ports', paths: ['context', 'deployments'] },
  { name: 'docker/aws clients', paths: ['docker/', 'aws/', 'scan/'] },
  { name: 'health', paths: ['health/'] },
  { name: 'alerts and analysis', paths: ['alerts/', 'analysis/'] },
  { name: 'targets and monitor', paths: ['targets/', 'monitor/'] },
  { name: 'pipeline', paths: ['pipeline/'] },
  { name: 'host', paths: ['host/'] },
];

/** The layer index of a path relative to electron/engine (posix, no extension), or -1. */
export function layerOf(enginePath) {
  return ENGINE_LAYERS.findIndex((layer) => layer.paths.some((path) => (path.endsWith('/') ? enginePath.startsWith(path) : enginePath === path)));
}

const ORDER = ENGINE_LAYERS.map((layer) => layer.name).join(' → ');

function enginePathOf(file, engineRoot) {
  const path = relative(engineRoot, file).split(sep).join('/');
  return path.startsWith('..') ? null : path.replace(/\.(tsx?|js)$/, '').replace(/\/index$/, '');
}

export const engineLayersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps the engine layered: no file imports a layer above its own.' },
    schema: [],
    messages: {
      upward: '{{from}} ({{fromLayer}}) may not import {{to}} ({{toLayer}}): the engine is layered {{order}}. Move the shared piece down, or pass it in through a port (electron/engine/context.ts).',
      unplaced: '{{file}} is in no engine layer. Add it to ENGINE_LAYERS in scripts/eslint/engine-layers.js (and to docs/architecture.md).',
    },
  },
  create(context) {
    const filename = context.filename;
    const engineRoot = resolve(context.cwd, 'electron/engine');
    const from = enginePathOf(filename, engineRoot);
    if (from === null) return {};
    const fromLayer = layerOf(from);
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = enginePathOf(resolve(dirname(filename), source.split('?')[0]), engineRoot);
      if (to === null) return;
      const toLayer = layerOf(to);
      if (toLayer > fromLayer) {
        context.report({ node, messageId: 'upward', data: { from, fromLayer: ENGINE_LAYERS[fromLayer].name, to, toLayer: ENGINE_LAYERS[toLayer].name, order: ORDER } });
      }
    };
    return {
      Program(node) {
        if (fromLayer === -1) context.report({ node, messageId: 'unplaced', data: { file: from } });
      },
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
