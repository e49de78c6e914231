// `node --import pgflow-ts/register app.ts`: run TypeScript files (a worker, a
// script that starts runs) with the same loader the CLI uses, no build step.
import { register } from 'node:module';

register('./loader.js', import.meta.url);
