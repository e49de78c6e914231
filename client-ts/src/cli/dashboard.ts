// `pgflow-ts dashboard [--port 8080] [--host 127.0.0.1]`: the web dashboard
// (src/dashboard) on a small pool with the CLI's connection settings, until
// SIGINT or SIGTERM.
import { startDashboard } from '../dashboard/server.js';
import { loadPostgres } from './db.js';
import { UsageError } from './errors.js';

export function dashboardPort(text: string | undefined): number {
  if (text === undefined) return 8080;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(`--port must be a port number (0 to 65535), not "${text}"`);
  }
  return Number(text);
}

export async function runDashboard(options: { port?: string | undefined; host?: string | undefined }): Promise<void> {
  const port = dashboardPort(options.port);
  const host = options.host ?? '127.0.0.1';
  const postgres = await loadPostgres();
  const sql = postgres({
    max: 4,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: process.env.PGAPPNAME || 'pgflow-ts dashboard' },
  });
  await sql`select 1`;
  const dashboard = await startDashboard({ sql, host, port });
  process.stdout.write(`pgflow dashboard on ${dashboard.url} (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dashboard.close();
  await sql.end({ timeout: 5 });
}
