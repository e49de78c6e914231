import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Sql } from 'postgres';
import type { Flow, Json, StepDefinition } from '../dsl/flow.js';

type AnyFlow = Flow<any, any, any>;

/** Where the worker tells what it does; warn and error go to console.error by default. */
export type WorkerLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface WorkerOptions<C = unknown> {
  /** A postgres.js client; the worker uses its pool and never ends it. */
  sql: Sql;
  /** The flows whose queues this worker serves (one worker row per flow). */
  flows: ReadonlyArray<AnyFlow>;
  /** Handed to every handler as ctx.context: secrets and clients stay in the process. */
  context?: C;
  /** Handlers running at once, across all flows. Default 10. */
  concurrency?: number;
  /** Messages read at once from a queue. Default 10. */
  batchSize?: number;
  /** Seconds a read message stays invisible until start_tasks leases it. Default 30. */
  visibility?: number;
  /** Pause after a read that found less than it asked for. Default 200 ms. */
  pollIntervalMs?: number;
  /** Default 5000 ms. A worker whose row gets stopped_at (pgflow.stop_worker) stops. */
  heartbeatMs?: number;
  /** How long stop() lets running handlers finish before aborting them. Default 30000 ms. */
  shutdownTimeoutMs?: number;
  /** Stop gracefully on SIGTERM and SIGINT (a second signal aborts handlers at once). Default true. */
  handleSignals?: boolean;
  /** pgflow.workers.function_name. Default `node:<hostname>`. */
  functionName?: string;
  log?: WorkerLogger;
}

/** A running worker. */
export interface Worker {
  /** Stops reading, lets running handlers finish (up to shutdownTimeoutMs), marks the worker rows stopped. */
  stop(): Promise<void>;
  /** Resolves once the worker has stopped, whatever stopped it. */
  readonly done: Promise<void>;
  /** The worker_id registered for each flow, by flow slug. */
  readonly workerIds: Readonly<Record<string, string>>;
}

/** A row of pgflow.start_tasks. */
interface TaskRecord {
  flow_slug: string;
  run_id: string;
  step_slug: string;
  input: unknown;
  msg_id: string;
  task_index: number;
  attempts_count: number;
  timeout: number;
}

type Step = StepDefinition;

interface FlowState {
  flow: AnyFlow;
  slug: string;
  workerId: string;
  steps: Map<string, Step>;
  needsRegister: boolean;
}

/** At most this many results go to the database in one complete_tasks call. */
const MAX_COMPLETION_BATCH = 500;

const defaultLog: WorkerLogger = (level, message, fields) => {
  if (level === 'warn' || level === 'error') console.error(`pgflow worker ${level}: ${message}`, fields ?? '');
};

/** Errors after which the same call may well succeed: connection lost, server restarting, deadlock. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (code === 'CONNECTION_ENDED') return false; // sql.end() was called
  return (
    code.startsWith('08') ||
    code.startsWith('57P') ||
    code === '40P01' ||
    code === '40001' ||
    code === '53300' ||
    code.startsWith('CONNECT') ||
    code.startsWith('E') // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT...
  );
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * Starts a worker that runs the handlers of `flows`: it reads each flow's queue,
 * starts the tasks (pgflow.start_tasks), runs their handlers (at most
 * `concurrency` at once) and reports outputs (complete_tasks, in batches) and errors
 * (fail_task). It registers one worker row per flow first, so a flow missing
 * from the database is an error here.
 *
 * @example
 * const worker = await startWorker({ sql, flows: [flow], context: { apiKey } })
 * // ... later, or on SIGTERM:
 * await worker.stop()
 */
export async function startWorker<C = unknown>(options: WorkerOptions<C>): Promise<Worker> {
  const {
    sql,
    flows,
    context,
    concurrency = 10,
    batchSize = 10,
    visibility = 30,
    pollIntervalMs = 200,
    heartbeatMs = 5000,
    shutdownTimeoutMs = 30000,
    handleSignals = true,
    functionName = `node:${hostname()}`,
    log = defaultLog,
  } = options;
  if (!(concurrency >= 1) || !(batchSize >= 1)) {
    throw new RangeError(`concurrency and batchSize must be at least 1, got ${concurrency} and ${batchSize}`);
  }
  const slugs = new Set<string>();
  const states: FlowState[] = flows.map((flow) => {
    if (slugs.has(flow.slug)) throw new Error(`flow "${flow.slug}" is given twice`);
    slugs.add(flow.slug);
    return {
      flow,
      slug: flow.slug,
      workerId: randomUUID(),
      steps: new Map(flow.steps.map((s) => [s.slug, s])),
      needsRegister: false,
    };
  });

  const register = async (fs: FlowState) => {
    await sql`select 1 from pgflow.register_worker(${fs.workerId}::uuid, ${fs.slug}, ${functionName})`;
    fs.needsRegister = false;
  };
  for (const [i, fs] of states.entries()) {
    try {
      await register(fs);
    } catch (err) {
      for (const done of states.slice(0, i)) {
        await sql`select 1 from pgflow.stop_worker(${done.workerId}::uuid)`.catch(() => {});
      }
      throw err;
    }
  }

  // ---- state shared by the loops
  let stopping = false;
  let free = concurrency;
  const stopController = new AbortController();
  /** Running handlers: their abort controller, and how to give up on them. */
  const running = new Map<AbortController, () => void>();
  const inFlight = new Set<Promise<void>>();
  let slotWaiters: Array<() => void> = [];

  const release = (n: number) => {
    free += n;
    const waiters = slotWaiters;
    slotWaiters = [];
    for (const w of waiters) w();
  };
  /** Resolves after ms, or at once when the worker stops. */
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping) return resolve();
      const done = () => {
        clearTimeout(timer);
        stopController.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopController.signal.addEventListener('abort', done);
    });
  /** Resolves when a slot is released, or at once when the worker stops (stop() wakes slotWaiters). */
  const slotFreed = () =>
    new Promise<void>((resolve) => {
      if (stopping) return resolve();
      slotWaiters.push(resolve);
    });

  /** complete_tasks / fail_task, again while the error is transient (a database restart), for up to a minute. */
  const report = async <T>(what: string, call: () => Promise<T>, fields: Record<string, unknown>): Promise<T | undefined> => {
    const giveUpAt = Date.now() + 60_000;
    for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
      try {
        return await call();
      } catch (err) {
        if (!isTransient(err) || Date.now() + delay > giveUpAt) {
          log('error', `${what} failed: ${errorMessage(err)}`, { ...fields, error: err });
          return undefined;
        }
        log('warn', `${what} failed, trying again in ${delay} ms: ${errorMessage(err)}`, fields);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  // Results go to the database in batches (pgflow.complete_tasks, one
  // transaction): while one batch is on its way, the results that come in
  // meanwhile wait and go together next, so a busy worker commits once for many
  // tasks and an idle one at once. Resolves true (recorded), false (not: the
  // run was cancelled or has finished, or another worker took the task over)
  // or undefined (failed; logged).
  type Completion = { task: TaskRecord; output: string; resolve: (recorded: boolean | undefined) => void };
  const completions: Completion[] = [];
  let flushing = false;
  const taskKey = (t: { run_id: string; step_slug: string; task_index: number }) => `${t.run_id}/${t.step_slug}/${t.task_index}`;
  const flushCompletions = async () => {
    flushing = true;
    while (completions.length > 0) {
      const batch = completions.splice(0, MAX_COMPLETION_BATCH);
      const items = batch.map(
        (c) =>
          `{"run_id":${JSON.stringify(c.task.run_id)},"step_slug":${JSON.stringify(c.task.step_slug)},` +
          `"task_index":${c.task.task_index},"output":${c.output}}`,
      );
      const fields = { tasks: batch.length };
      type Done = { run_id: string; step_slug: string; task_index: number };
      let rows: Done[] | undefined = await report(
        'complete_tasks',
        () =>
          sql<{ run_id: string; step_slug: string; task_index: number }[]>`
            select run_id, step_slug, task_index from pgflow.complete_tasks(${'[' + items.join(',') + ']'}::text::jsonb)`,
        fields,
      );
      if (rows === undefined && batch.length > 1) {
        // One bad task must not lose the others' results: one at a time then.
        const each: Done[] = [];
        for (const [i, c] of batch.entries()) {
          const one = await report(
            'complete_tasks',
            () =>
              sql<{ run_id: string; step_slug: string; task_index: number }[]>`
                select run_id, step_slug, task_index from pgflow.complete_tasks(${'[' + items[i] + ']'}::text::jsonb)`,
            { run_id: c.task.run_id, step: c.task.step_slug, task_index: c.task.task_index },
          );
          if (one) each.push(...one);
        }
        rows = each;
      }
      const recorded = new Set((rows ?? []).map(taskKey));
      for (const c of batch) c.resolve(rows === undefined ? undefined : recorded.has(taskKey(c.task)));
    }
    flushing = false;
  };
  const complete = (task: TaskRecord, output: string) =>
    new Promise<boolean | undefined>((resolve) => {
      completions.push({ task, output, resolve });
      if (!flushing) void flushCompletions();
    });

  const runTask = async (fs: FlowState, task: TaskRecord) => {
    const fields = { flow: fs.slug, run_id: task.run_id, step: task.step_slug, task_index: task.task_index };
    const fail = (message: string) =>
      report(
        'fail_task',
        () =>
          sql`select 1 from pgflow.fail_task(${task.run_id}::uuid, ${task.step_slug}, ${task.task_index}::integer, ${message})`,
        fields,
      );
    const step = fs.steps.get(task.step_slug);
    if (!step) {
      await fail(
        `worker ${fs.workerId} has no handler for step "${task.step_slug}" of flow "${fs.slug}": ` +
          `it knows ${[...fs.steps.keys()].map((s) => `"${s}"`).join(', ') || 'no steps'}`,
      );
      return;
    }

    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    type Outcome = { ok: true; value: unknown } | { ok: false; message: string } | { abandoned: true };
    const outcome = await new Promise<Outcome>((resolve) => {
      running.set(controller, () => resolve({ abandoned: true }));
      timer = setTimeout(() => {
        const message = `timed out: handler of step "${task.step_slug}" ran longer than ${task.timeout} s`;
        controller.abort(new Error(message));
        resolve({ ok: false, message }); // whatever the handler does later is ignored
      }, task.timeout * 1000);
      const ctx = {
        context,
        signal: controller.signal,
        attempt: task.attempts_count,
        runId: task.run_id,
        stepSlug: task.step_slug,
        taskIndex: task.task_index,
      };
      Promise.resolve()
        .then(() => step.handler(task.input as Json, ctx))
        .then(
          (value) => resolve({ ok: true, value }),
          (err: unknown) => resolve({ ok: false, message: errorMessage(err) }),
        );
    });
    clearTimeout(timer);
    running.delete(controller);

    if ('abandoned' in outcome) {
      // stop() gave up on it: its task comes back to some worker when its lease runs out.
      log('warn', 'task abandoned by a stopping worker', fields);
      return;
    }
    if (!outcome.ok) {
      log('debug', `task failed: ${outcome.message}`, fields);
      await fail(outcome.message);
      return;
    }
    let output: string;
    try {
      output = JSON.stringify(outcome.value === undefined ? null : outcome.value) ?? 'null';
    } catch (err) {
      await fail(`output of step "${task.step_slug}" is not JSON: ${errorMessage(err)}`);
      return;
    }
    const recorded = await complete(task, output);
    if (recorded === undefined) return;
    // Not recorded: the run was cancelled or has finished, or another worker took the task over. Nothing to do.
    if (!recorded) log('debug', 'task result not recorded: the task or its run is no longer running', fields);
    else log('debug', 'task completed', fields);
  };

  const spawn = (fs: FlowState, task: TaskRecord) => {
    const p: Promise<void> = runTask(fs, task)
      .catch((err: unknown) => log('error', `task crashed: ${errorMessage(err)}`, { flow: fs.slug, error: err }))
      .finally(() => {
        inFlight.delete(p);
        release(1);
      });
    inFlight.add(p);
  };

  const loop = async (fs: FlowState) => {
    let backoff = 0;
    while (!stopping) {
      try {
        if (fs.needsRegister) {
          await register(fs);
          log('info', 'worker registered again', { flow: fs.slug, worker_id: fs.workerId });
        }
        const n = Math.min(batchSize, free);
        if (n === 0) {
          await slotFreed();
          continue;
        }
        free -= n; // reserved: other flows' loops cannot take these slots meanwhile
        let tasks: TaskRecord[] = [];
        let read = 0;
        try {
          const msgs = await sql<{ msg_id: string }[]>`select msg_id from pgmq.read(${fs.slug}, ${visibility}::integer, ${n}::integer)`;
          read = msgs.length;
          if (read > 0) {
            const ids = '{' + msgs.map((m) => m.msg_id).join(',') + '}';
            try {
              tasks = await sql<TaskRecord[]>`
                select * from pgflow.start_tasks(${fs.slug}, ${ids}::bigint[], ${fs.workerId}::uuid)`;
            } catch (err) {
              // start_tasks failed in the database (so it changed nothing): show the
              // messages again now rather than after `visibility` seconds. Not after a
              // lost connection, where it may have committed and leased them.
              if (!isTransient(err) && (err as { name?: unknown }).name === 'PostgresError') {
                await sql`select from pgmq.set_vt(${fs.slug}, ${ids}::bigint[], 0)`.catch(() => {});
              }
              throw err;
            }
          }
        } finally {
          release(n - tasks.length); // each started task keeps its slot until it ends (spawn)
        }
        for (const task of tasks) spawn(fs, task);
        backoff = 0;
        if (read < n) await idle(pollIntervalMs);
      } catch (err) {
        if (stopping) break;
        if ((err as { code?: unknown }).code === 'CONNECTION_ENDED') {
          log('error', 'the postgres.js client was ended; the worker stops', { flow: fs.slug });
          void stop();
          break;
        }
        backoff = Math.min(Math.max(1000, backoff * 2), 10_000);
        fs.needsRegister = true;
        log('warn', `reading queue "${fs.slug}" failed, trying again in ${backoff} ms: ${errorMessage(err)}`, {
          flow: fs.slug,
          error: err,
        });
        await idle(backoff);
      }
    }
  };

  const heartbeat = async (fs: FlowState) => {
    while (!stopping) {
      await idle(heartbeatMs);
      if (stopping) break;
      try {
        const [row] = await sql<{ stopped_at: Date | null }[]>`select stopped_at from pgflow.heartbeat_worker(${fs.workerId}::uuid)`;
        if (row?.stopped_at && !fs.needsRegister) {
          log('info', 'worker was marked stopped (pgflow.stop_worker); stopping', { flow: fs.slug, worker_id: fs.workerId });
          void stop();
        }
      } catch (err) {
        if ((err as { code?: unknown }).code === '42704') fs.needsRegister = true; // undefined_object: row gone
        else log('debug', `heartbeat failed: ${errorMessage(err)}`, { flow: fs.slug });
      }
    }
  };

  const loops = states.map((fs) => loop(fs));
  const heartbeats = states.map((fs) => heartbeat(fs));

  // ---- stopping
  let stopPromise: Promise<void> | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let forceAbort!: () => void;
  const forced = new Promise<void>((r) => (forceAbort = r));
  const waitInFlight = (ms: number) =>
    Promise.race([
      Promise.all([...inFlight]).then(() => true),
      new Promise<boolean>((r) => setTimeout(r, ms, false).unref()),
      forced.then(() => false),
    ]);

  const stop = (): Promise<void> => {
    if (stopPromise) return stopPromise;
    stopping = true;
    stopController.abort();
    release(0);
    stopPromise = (async () => {
      await Promise.all([...loops, ...heartbeats]);
      if (inFlight.size > 0) {
        log('info', `stopping: waiting for ${inFlight.size} running task(s)`);
        if (!(await waitInFlight(shutdownTimeoutMs))) {
          log('warn', `stopping: aborting ${running.size} task(s) still running`);
          for (const c of running.keys()) c.abort(new Error('the worker is shutting down'));
          // Handlers that end on the abort are reported; the others are abandoned and
          // their tasks come back to some worker when their lease runs out.
          await Promise.race([Promise.all([...inFlight]), new Promise((r) => setTimeout(r, 1000).unref())]);
          for (const abandon of [...running.values()]) abandon();
          await Promise.all([...inFlight]);
        }
      }
      for (const fs of states) {
        try {
          await sql`select 1 from pgflow.stop_worker(${fs.workerId}::uuid)`;
        } catch (err) {
          log('warn', `stop_worker failed: ${errorMessage(err)}`, { flow: fs.slug });
        }
      }
      removeSignalHandlers();
      resolveDone();
    })();
    return stopPromise;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopPromise) {
      log('warn', `${signal} again: aborting running tasks`);
      forceAbort();
      return;
    }
    log('info', `${signal}: stopping`);
    void stop();
  };
  const removeSignalHandlers = () => {
    if (!handleSignals) return;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return {
    stop,
    done,
    workerIds: Object.freeze(Object.fromEntries(states.map((fs) => [fs.slug, fs.workerId]))),
  };
}
