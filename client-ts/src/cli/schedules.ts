// `pgflow-ts schedules`: the pg_cron jobs pgflow made (pgflow.schedules), with
// their schedule and command from pg_cron's job table when pg_cron is
// installed in this database. That table is found as pgflow finds it (a member
// of the pg_cron extension), never by its name alone.
import type { Sql } from 'postgres';
import { cut, pad } from './format.js';

interface ScheduleRow {
  job_name: string;
  jobid: string;
  flow_slug: string | null;
  schedule?: string | null;
  command?: string | null;
  active?: boolean | null;
}

const COMMAND_WIDTH = 80;

/** pg_cron's job table here, whether the caller may read it; undefined without pg_cron. */
async function cronJobTable(sql: Sql): Promise<{ table: string; readable: boolean } | undefined> {
  const [row] = await sql<{ table: string; readable: boolean }[]>`
    select c.oid::regclass::text as table,
           pg_catalog.has_table_privilege(c.oid, 'select') as readable
      from pg_catalog.pg_depend as d
      join pg_catalog.pg_extension as e on e.oid = d.refobjid and e.extname = 'pg_cron'
      join pg_catalog.pg_class as c on c.oid = d.objid and c.relname = 'job'
     where d.classid = 'pg_catalog.pg_class'::regclass
       and d.refclassid = 'pg_catalog.pg_extension'::regclass
       and d.deptype = 'e'`;
  return row;
}

export async function listSchedules(sql: Sql): Promise<string> {
  const cron = await cronJobTable(sql);
  const notes: string[] = [];
  let rows: ScheduleRow[];
  if (cron?.readable) {
    // The table's name comes from the catalog (regclass output, quoted as needed).
    rows = await sql.unsafe<ScheduleRow[]>(`
      select s.job_name, s.jobid, s.flow_slug, j.schedule, j.command, j.active
        from pgflow.schedules as s
        left join ${cron.table} as j on j.jobid = s.jobid
       order by s.job_name`);
    if (rows.some((r) => r.schedule === null)) {
      notes.push(`note: a job without a schedule is gone from ${cron.table}, or belongs to a role whose jobs this one cannot see`);
    }
  } else {
    rows = await sql<ScheduleRow[]>`
      select s.job_name, s.jobid, s.flow_slug from pgflow.schedules as s order by s.job_name`;
    const [here] = await sql<{ database: string }[]>`select current_database() as database`;
    notes.push(
      cron === undefined
        ? `note: pg_cron is not installed in database "${here!.database}": pgflow's schedules need it (see docs/schedules.md)`
        : `note: ${cron.table} is not readable by this role: schedules and commands are not shown`,
    );
  }
  const out: string[] = [];
  if (rows.length === 0) {
    out.push('no schedules');
  } else {
    const withCron = cron?.readable === true;
    const table = [['job', 'jobid', 'flow', ...(withCron ? ['schedule', 'active', 'command'] : [])]].concat(
      rows.map((r) => [
        r.job_name,
        String(r.jobid),
        r.flow_slug ?? '(maintenance)',
        ...(withCron
          ? [r.schedule ?? '-', r.active === null || r.active === undefined ? '-' : r.active ? 'yes' : 'no', r.command ? cut(r.command.replace(/\s+/g, ' ').trim(), COMMAND_WIDTH) : '-']
          : []),
      ]),
    );
    out.push(...pad(table));
  }
  out.push(...notes);
  return out.join('\n') + '\n';
}
