// scheduleFlow is typed by the flow: the input must be the flow's input.
import type { Sql } from 'postgres';
import { expectError, expectType } from 'tsd';
import { Flow, listSchedules, scheduleFlow, unscheduleFlow, type Schedule } from '../dist/index.js';

declare const sql: Sql;
const nightly = new Flow<{ full: boolean; region?: string }>({ slug: 'nightly' }).step({ slug: 'report' }, (input) =>
  input.run.full ? 1 : 0,
);

expectType<Promise<string>>(scheduleFlow(sql, nightly, 'nightly_report', '0 3 * * *', { full: true }));
scheduleFlow(sql, nightly, 'nightly_eu', '0 4 * * *', { full: false, region: 'eu' });
expectError(scheduleFlow(sql, nightly, 'nightly_report', '0 3 * * *', { full: 'yes' }));   // wrong type
expectError(scheduleFlow(sql, nightly, 'nightly_report', '0 3 * * *', {}));                // missing key
expectError(scheduleFlow(sql, nightly, 'nightly_report', '0 3 * * *', { full: true, x: 1 })); // unknown key
expectError(scheduleFlow(sql, nightly, 'nightly_report', '0 3 * * *'));                    // no input
expectError(scheduleFlow(sql, nightly, 'nightly_report', 5, { full: true }));              // cron is text

expectType<Promise<void>>(unscheduleFlow(sql, 'nightly_report'));
expectType<Promise<Schedule[]>>(listSchedules(sql));
declare const s: Schedule;
expectType<string | null>(s.flowSlug);
expectType<string | null>(s.schedule);
expectType<boolean | null>(s.active);
