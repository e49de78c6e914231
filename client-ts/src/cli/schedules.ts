// `pgflow-ts schedules`: the pg_cron jobs pgflow made, with their schedule and
// command from pg_cron wherever it runs (in this database, or in the one
// cron.database_name names, reached through dblink): the client's
// listSchedules (pgflow.list_schedules()), printed as a table.
import type { Sql } from 'postgres';
import { listSchedules as readSchedules } from '../client/schedules.js';
import { cut, pad } from './format.js';

const COMMAND_WIDTH = 80;

export async function listSchedules(sql: Sql): Promise<string> {
  const rows = await readSchedules(sql);
  const out: string[] = [];
  if (rows.length === 0) {
    out.push('no schedules');
  } else {
    const table = [['job', 'jobid', 'flow', 'schedule', 'active', 'command']].concat(
      rows.map((r) => [
        r.name,
        r.jobId,
        r.flowSlug ?? '(maintenance)',
        r.schedule ?? '-',
        r.active === null ? '-' : r.active ? 'yes' : 'no',
        r.command ? cut(r.command.replace(/\s+/g, ' ').trim(), COMMAND_WIDTH) : '-',
      ]),
    );
    out.push(...pad(table));
    if (rows.some((r) => r.schedule === null)) {
      out.push(
        "note: a job without a schedule is gone from pg_cron, or pg_cron cannot be reached from this database (see docs/schedules.md)",
      );
    }
  }
  return out.join('\n') + '\n';
}
