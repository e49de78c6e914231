// startWorker: checks the options and wires the worker's parts together.
//   slots.ts        the handler slots shared by the flows' read loops, and the tasks queued for one
//   runner.ts       runs a task's handler (timeout, abort signal) and reports its result or error
//   completions.ts  batches results into pgflow.complete_tasks, one by one after a failed batch
//   loops.ts        read loops, heartbeats and stop()
//   drain.ts        what stop() does with the tasks in flight
//   wake.ts         LISTEN for new tasks (pgflow._wake_workers), each read loop's wake-ups
//   db.ts           every SQL call, behind the WorkerDb interface the unit tests fake
//   log.ts          the logger types, the default (stderr) logger, pino-style loggers
//   errors.ts       what a handler threw, as the text stored by fail_task (bounded)
//   shape-check.ts  each flow's shape against the database's, before anything starts
// Errors are told apart by ../pg-errors.ts, the rule the client uses too.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Sql } from 'postgres';
import type { AnyFlow } from '../dsl/flow.js';
import { CompletionBatcher } from './completions.js';
import { retryTransient, sqlWorkerDb, type WorkerDb } from './db.js';
import { checkWorkerShapes } from './shape-check.js';
import { toWorkerLogger, type LogLevel, type PinoLikeLogger, type WorkerLogger } from './log.js';
import { WorkerLoops, type FlowState } from './loops.js';
import { TaskRunner } from './runner.js';
import { Slots } from './slots.js';

export type { LogLevel, PinoLikeLogger, WorkerLogger } from './log.js';

export interface WorkerOptions<C = unknown> {
  /** A postgres.js client; the worker uses its pool and never ends it. */
  sql: Sql;
  /** The flows whose queues this worker serves (one worker row per flow). */
  flows: ReadonlyArray<AnyFlow>;
  /** Handed to every handler as ctx.context: secrets and clients stay in the process. */
  context?: C;
  /** Handlers running at once, across all flows. Default 10. */
  concurrency?: number;
  /**
   * Most messages read at once from a queue. A read takes as many as there
   * are free handler slots; while handlers end faster than a read takes
   * (quick handlers), it reads up to batchSize, and the tasks beyond the free
   * slots wait in the worker for a slot (a moment). Default 3 * concurrency.
   */
  batchSize?: number;
  /** Seconds a read message stays invisible until start_tasks leases it. Default 30. */
  visibility?: number;
  /**
   * Wake on new tasks: LISTEN on channel `pgflow_tasks`, which the engine
   * notifies (with the flow slug) when it queues tasks, so that a handler
   * starts within milliseconds of its task being queued. Takes one more
   * connection (postgres.js's listening connection of `sql`, shared with its
   * other `listen` calls). Default true. If notifications do not arrive (the
   * LISTEN fails, or a transaction-mode pooler swallows them), the worker logs
   * a warning once and polls every `pollIntervalMs` (200 ms by default).
   */
  listen?: boolean;
  /**
   * Pause after a read that started fewer tasks than it asked for, before the
   * next read of that queue. While the worker listens this is only the
   * fallback poll (for delayed messages: start delays and retry delays, and
   * any notification missed): default 2000 ms. Without LISTEN (`listen:
   * false`, or notifications not arriving): default 200 ms. A value given here
   * applies to both.
   */
  pollIntervalMs?: number;
  /**
   * Heartbeat interval, per flow. Default 5000 ms. A worker whose row gets
   * stopped_at (pgflow.stop_worker) stops. An idle worker serving one flow
   * with the defaults sends 0.7 queries a second (a read every 2 s, a
   * heartbeat every 5 s).
   */
  heartbeatMs?: number;
  /** How long stop() lets running handlers finish before aborting them. Default 30000 ms. */
  shutdownTimeoutMs?: number;
  /** Stop gracefully on SIGTERM and SIGINT (a second signal aborts handlers at once). Default true. */
  handleSignals?: boolean;
  /** pgflow.workers.function_name. Default `node:<hostname>`. */
  functionName?: string;
  /**
   * Where the worker logs: a function `(level, message, fields)` that gets
   * every level, or a pino-style logger (`logger.warn(fields, message)`).
   * Default: warnings and errors (a task failed, a run failed, the database
   * is unreachable) to stderr, shaped by `logFormat` and `logLevel`.
   */
  log?: WorkerLogger | PinoLikeLogger;
  /** The default logger's format: 'text' (default) or 'json' (one JSON object a line). Ignored with `log`. */
  logFormat?: 'text' | 'json';
  /** The default logger's lowest level. Default 'warn'. Ignored with `log`. */
  logLevel?: LogLevel;
  /**
   * Check each flow's shape against the database before starting, and refuse
   * (FlowShapeError) a flow that is not registered or differs. Default true. A
   * role that may not read the flow tables (one made by pgflow.grant_worker
   * only) cannot check: the worker logs a warning and goes on.
   */
  checkShape?: boolean;
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
  const log = workerLogger(options);
  if (options.checkShape !== false) await checkWorkerShapes(options.sql, options.flows, log);
  return runWorker(sqlWorkerDb(options.sql), { ...options, log });
}

function workerLogger(options: Pick<WorkerOptions, 'log' | 'logFormat' | 'logLevel'>): WorkerLogger {
  return toWorkerLogger(options.log, {
    ...(options.logFormat && { format: options.logFormat }),
    ...(options.logLevel && { level: options.logLevel }),
  });
}

/** startWorker on any WorkerDb: the unit tests give it a fake one. */
export async function runWorker<C = unknown>(db: WorkerDb, options: Omit<WorkerOptions<C>, 'sql'>): Promise<Worker> {
  const {
    flows,
    context,
    concurrency = 10,
    batchSize = 3 * Math.max(1, options.concurrency ?? 10),
    visibility = 30,
    listen = true,
    pollIntervalMs,
    heartbeatMs = 5000,
    shutdownTimeoutMs = 30000,
    handleSignals = true,
    functionName = `node:${hostname()}`,
  } = options;
  const log = workerLogger(options);
  if (!(concurrency >= 1) || !(batchSize >= 1)) {
    throw new RangeError(`concurrency and batchSize must be at least 1, got ${concurrency} and ${batchSize}`);
  }
  if (pollIntervalMs !== undefined && !(pollIntervalMs >= 0 && pollIntervalMs <= 2 ** 31 - 1)) {
    throw new RangeError(`pollIntervalMs must be between 0 and ${2 ** 31 - 1}, got ${pollIntervalMs}`);
  }
  const slugs = new Set<string>();
  const states: FlowState[] = flows.map((flow) => {
    if (slugs.has(flow.slug)) throw new Error(`flow "${flow.slug}" is given twice`);
    slugs.add(flow.slug);
    return {
      slug: flow.slug,
      workerId: randomUUID(),
      steps: new Map(flow.steps.map((s) => [s.slug, s])),
      inputSchema: flow.inputSchema,
      needsRegister: false,
    };
  });

  // A first signal stops the worker gracefully, a second one aborts its handlers.
  const onSignal = (signal: NodeJS.Signals) => {
    if (loops.stopping) {
      log('warn', `${signal} again: aborting running tasks`);
      loops.forceAbort();
      return;
    }
    log('info', `${signal}: stopping`);
    void loops.stop();
  };
  const removeSignalHandlers = () => {
    if (!handleSignals) return;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };

  // Held at most: the running handlers, a read ahead, and the results on their way.
  const slots = new Slots(concurrency, concurrency + 2 * batchSize);
  const batcher = new CompletionBatcher((json, fields) => retryTransient('complete_tasks', () => db.completeTasks(json), fields, log));
  const runner = new TaskRunner({
    context,
    log,
    fail: (task, message, fields, options) =>
      retryTransient('fail_task', () => db.failTask(task, message, options), fields, log),
    // complete_tasks wakes nobody (db.ts): this worker reads the flow's queue for the dependents itself.
    complete: (task, output) =>
      batcher.complete(task, output).then((recorded) => {
        if (recorded) loops.wake(task.flow_slug);
        return recorded;
      }),
    // After a failure that every attempt would repeat (an invalid run input): its retry need not wait.
    retryNow: (task) =>
      retryTransient('set_vt', () => db.showMessages(task.flow_slug, [task.msg_id]), { flow: task.flow_slug, run_id: task.run_id }, log).then(
        (): void => loops.wake(task.flow_slug), // set_vt notifies nobody: this worker reads it at once
      ),
    // A task's slot is free once its handler has ended; its result goes to the database meanwhile.
    handlerDone: () => slots.handlerDone(),
    ended: () => slots.ended(),
  });
  const loops: WorkerLoops = new WorkerLoops({
    db,
    flows: states,
    slots,
    runner,
    settings: {
      functionName,
      batchSize,
      visibility,
      listen,
      pollIntervalMs: pollIntervalMs ?? 200,
      listenPollIntervalMs: pollIntervalMs ?? 2000,
      heartbeatMs,
      shutdownTimeoutMs,
    },
    log,
    onStopped: removeSignalHandlers,
  });

  await loops.registerAll();
  loops.start();

  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return {
    stop: () => loops.stop(),
    done: loops.done,
    workerIds: Object.freeze(Object.fromEntries(states.map((fs) => [fs.slug, fs.workerId]))),
  };
}
