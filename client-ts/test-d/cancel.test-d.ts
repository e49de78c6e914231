// cancelRun, pauseRun, resumeRun: typed run rows, the reason is optional.
import type { Sql } from 'postgres';
import { expectError, expectType } from 'tsd';
import { cancelRun, pauseRun, resumeRun, RunCancelledError, type RunRow } from '../dist/index.js';

declare const sql: Sql;

expectType<Promise<RunRow<unknown>>>(cancelRun(sql, 'id'));
expectType<Promise<RunRow<unknown>>>(cancelRun(sql, 'id', 'no longer needed'));
expectType<Promise<RunRow<{ done: boolean }>>>(pauseRun<{ done: boolean }>(sql, 'id'));
expectType<Promise<RunRow<unknown>>>(resumeRun(sql, 'id'));
expectError(cancelRun(sql, 'id', 42));
expectError(pauseRun(sql, 'id', 'reason'));

declare const run: RunRow;
expectType<'started' | 'paused' | 'completed' | 'failed' | 'cancelled'>(run.status);
expectType<string | null>(run.cancel_reason);
expectType<string | null>(run.cancelled_at);
expectType<string | null>(run.paused_at);

declare const err: RunCancelledError;
expectType<string>(err.runId);
expectType<string | null>(err.reason);
