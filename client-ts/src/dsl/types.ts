// The plain data types of a flow definition: what handlers receive and return,
// options, conditions, and a step as the worker and the compiler see it.
// flow.ts (the Flow class and its type machinery) and validate.ts (the runtime
// checks) both use them; keeping them here means neither imports the other's
// types, so the import graph has no cycle.

/**
 * A value that survives `JSON.stringify` / `jsonb` unchanged: what flows take as
 * input and what step handlers return.
 *
 * @example
 * const input: Json = { urls: ['https://example.com'], depth: 2 };
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * The second argument of every step handler.
 *
 * @example
 * new Flow<{ id: number }, { apiKey: string }>({ slug: 'sync' })
 *   .step({ slug: 'get' }, (input, { context, signal }) => fetchItem(input.run.id, context.apiKey, signal));
 */
export type StepContext<C = {}> = {
  /** The object the worker process was started with (secrets, clients, ...). */
  context: C;
  /** Aborted when the task times out or the worker stops. */
  signal: AbortSignal;
  /** 1 on the first try, 2 on the first retry, ... */
  attempt: number;
  runId: string;
  stepSlug: string;
  /** Position of the element in a map step's array; 0 for a single step. */
  taskIndex: number;
};

/**
 * Flow-level defaults, in seconds where they are durations.
 *
 * @example
 * const defaults: FlowOptions = { maxAttempts: 5, baseDelay: 2, timeout: 120 };
 */
export type FlowOptions = {
  /** Tries per task, the first included (default 3). */
  maxAttempts?: number;
  /** Retry n waits baseDelay * 2^(n-1) seconds (default 1). */
  baseDelay?: number;
  /** Seconds a task may run before it is retried (default 60). */
  timeout?: number;
};

/**
 * Per-step overrides of the flow options, plus a delay before the first task starts.
 *
 * @example
 * flow.step({ slug: 'notify', dependsOn: ['save'], startDelay: 60, maxAttempts: 1 }, send);
 */
export type StepOptions = FlowOptions & {
  /** Seconds to wait before the step's tasks become visible to workers. */
  startDelay?: number;
  /**
   * What happens when the step's attempts run out, or a handler throws a
   * PermanentError: 'fail' (default) fails the run; 'skip' skips the step and
   * its dependents run without its key (their input types make it optional);
   * 'skip_cascade' skips it and every step downstream. The run goes on.
   */
  whenExhausted?: WhenExhausted;
};

/**
 * What happens when a step's attempts run out or it fails for good:
 * `'fail'` (the run fails, the default), `'skip'` (the step is skipped and
 * its dependents run without its key) or `'skip_cascade'` (it and every step
 * downstream of it are skipped).
 *
 * @example
 * flow.step({ slug: 'enrich', dependsOn: ['order'], whenExhausted: 'skip' }, enrich);
 */
export type WhenExhausted = 'fail' | 'skip' | 'skip_cascade';

/**
 * What happens when a step's condition is not met: `'skip'` (the step is
 * skipped and its dependents run without its key), `'skip_cascade'` (it and
 * every step downstream of it are skipped) or `'fail'` (the run fails).
 *
 * @example
 * flow.step({ slug: 'charge', dependsOn: ['order'], runIf: { order: { paid: false } }, whenUnmet: 'skip_cascade' }, charge);
 */
export type WhenUnmet = 'skip' | 'skip_cascade' | 'fail';

/**
 * A step's condition as the compiler sees it: JSON containment patterns over
 * the step's input `{ run, ...deps }`. The step runs when its input contains
 * `runIf` (if set) and does not contain `runUnless` (if set).
 *
 * @example
 * const cond: StepCondition = { runIf: { run: { plan: 'pro' } }, whenUnmet: 'skip' };
 */
export type StepCondition = {
  readonly runIf?: Json;
  readonly runUnless?: Json;
  readonly whenUnmet?: WhenUnmet;
};

/**
 * What `new Flow()` takes: a slug (at most 47 characters, it names the queue) and options.
 *
 * @example
 * const config: FlowConfig = { slug: 'scrape', timeout: 30 };
 */
export type FlowConfig = FlowOptions & { slug: string };

/**
 * One step as the worker and the compiler see it.
 *
 * @example
 * for (const step of flow.steps) console.log(step.slug, step.type, step.dependsOn);
 */
export type StepDefinition = {
  readonly slug: string;
  /** 'signal': no task and no handler to run; pgflow.send_signal completes it (sendSignal). */
  readonly type: 'single' | 'map' | 'signal';
  /** Slugs of the steps whose outputs this one waits for, in the order given. */
  readonly dependsOn: readonly string[];
  /** Only the options that were set. */
  readonly options: Readonly<StepOptions>;
  /** The step's condition, if it has one (its own, or its branch's). */
  readonly condition?: StepCondition;
  /** The branch the step was defined in, if any. */
  readonly branch?: string;
  /** Returns the task output, or a promise of it. */
  readonly handler: (input: Json, context: StepContext<any>) => unknown;
};
