// What `require('pgflow-ts')` loads: the package is ESM only, so say so plainly
// instead of letting Node fail somewhere less clear (or load it half-way).
throw new Error(
  'pgflow-ts is an ES module only package and cannot be loaded with require(). ' +
    "Use `import { Flow, startWorker } from 'pgflow-ts'` from an ES module (\"type\": \"module\" in package.json, " +
    'or a .mjs/.mts file), or `await import(\'pgflow-ts\')` from CommonJS.',
);
