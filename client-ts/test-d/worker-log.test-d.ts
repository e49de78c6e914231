// startWorker's `log`: a function, a pino-style logger, or the default's options.
import type { Sql } from 'postgres';
import { expectAssignable, expectError, expectNotAssignable } from 'tsd';
import { Flow, startWorker, type PinoLikeLogger, type WorkerLogger, type WorkerOptions } from '../dist/index.js';

declare const sql: Sql;
const flow = new Flow<{ n: number }>({ slug: 'f' }).step({ slug: 'a' }, (input) => input.run.n);

// pino's methods take (obj, msg); a logger shaped so is accepted as is.
const pinoLike = {
  level: 'info',
  debug(obj: object, msg?: string) {},
  info(obj: object, msg?: string) {},
  warn(obj: object, msg?: string) {},
  error(obj: object, msg?: string) {},
  child() { return this; },
};
expectAssignable<PinoLikeLogger>(pinoLike);
void startWorker({ sql, flows: [flow], log: pinoLike });
void startWorker({ sql, flows: [flow], log: (level, message, fields) => console.log(level, message, fields?.error) });
void startWorker({ sql, flows: [flow], logFormat: 'json', logLevel: 'info' });

expectAssignable<WorkerLogger>((level: 'debug' | 'info' | 'warn' | 'error', message: string) => {});
expectNotAssignable<PinoLikeLogger>({ warn(obj: object, msg: string) {}, error(obj: object, msg: string) {} });
expectError(startWorker({ sql, flows: [flow], logFormat: 'yaml' }));
expectError(startWorker({ sql, flows: [flow], logLevel: 'trace' }));
expectError(startWorker({ sql, flows: [flow], log: { warn() {} } }));
expectAssignable<WorkerOptions['logLevel']>('warn');
