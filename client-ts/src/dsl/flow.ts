import {
  FLOW_OPTION_NAMES,
  FlowDefinitionError,
  STEP_OPTION_NAMES,
  assertDependencies,
  assertSlug,
  pickOptions,
  show,
} from './validate.js';

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
  readonly type: 'single' | 'map';
  /** Slugs of the steps whose outputs this one waits for, in the order given. */
  readonly dependsOn: readonly string[];
  /** Only the options that were set. */
  readonly options: Readonly<StepOptions>;
  /** Returns the task output, or a promise of it. */
  readonly handler: (input: Json, context: StepContext<any>) => unknown;
};

// ---------------------------------------------------------------------------
// Type machinery. A flow's type carries, per step, its input, output and deps.

type StepMeta = { input: unknown; output: unknown; deps: string };
type StepMap = { [slug: string]: StepMeta };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type StepSlugs<S extends StepMap> = Extract<keyof S, string>;

type ArrayStepSlugs<S extends StepMap> = Extract<
  { [K in keyof S]: S[K]['output'] extends readonly unknown[] ? K : never }[keyof S],
  string
>;

type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

type AddStep<S extends StepMap, Slug extends string, I, O, D extends string> = Simplify<
  S & { [K in Slug]: { input: I; output: O; deps: D } }
>;

type SingleInput<TInput, S extends StepMap, D extends keyof S> = Simplify<
  { run: TInput } & { [K in D]: S[K]['output'] }
>;

type MapItem<TInput, S extends StepMap, A extends keyof S> = [A] extends [never]
  ? ElementOf<TInput>
  : ElementOf<S[A]['output']>;

// A new slug is a literal, not taken, not `run`. Otherwise the config must also
// have a property named after the problem, which it cannot: the compiler error
// then reads "Property 'step slug "fetch" is already used in this flow' is missing".
type NewSlug<Slug extends string, S extends StepMap> = string extends Slug
  ? { 'step slug must be a string literal': never }
  : Slug extends 'run'
    ? { 'step slug "run" is reserved': never }
    : Slug extends keyof S
      ? { [K in `step slug "${Slug}" is already used in this flow`]: never }
      : unknown;

// A root map (no `array`) needs an array flow input; otherwise `array` is required.
type RootMapGuard<TInput, S extends StepMap, A> = [A] extends [never]
  ? TInput extends readonly unknown[]
    ? unknown
    : { array: ArrayStepSlugs<S> }
  : unknown;

// JsonSafe<T> is T where T serializes to JSON as is, and something T is not
// assignable to otherwise (functions, symbols, bigint, undefined, objects with
// methods such as Date, Map or class instances).
type JsonSafe<T> = T extends string | number | boolean | null
  ? T
  : T extends bigint | symbol | undefined | void | Function
    ? never
    : T extends readonly (infer E)[]
      ? JsonSafeArray<E>
      : T extends object
        ? { [K in keyof T]: K extends string ? JsonSafeProperty<T[K]> : never }
        : never;
// An interface keeps the recursion lazy, so JsonSafe<Json> terminates.
interface JsonSafeArray<E> extends ReadonlyArray<JsonSafe<E>> {}
// JSON.stringify drops undefined properties, so optional properties are fine.
type JsonSafeProperty<T> = JsonSafe<Exclude<T, undefined>> | (undefined extends T ? undefined : never);

type JsonGuard<Out> = [Out] extends [JsonSafe<Out>]
  ? unknown
  : { 'step handlers must return JSON-serializable values': JsonSafe<Out> };

type Handler<I, C, Out> = (input: I, context: StepContext<C>) => Out | Promise<Out>;

type StepConfig<Slug extends string, D extends string> = StepOptions & {
  slug: Slug;
  /** Steps whose outputs this step receives; they must be defined before it. */
  dependsOn?: readonly D[];
};

type MapConfig<Slug extends string, A extends string> = StepOptions & {
  slug: Slug;
  /** The step whose output array is mapped over; leave out to map over the flow input. */
  array?: A;
};

type AnyFlow = Flow<any, any, any>;
type StepsOf<F extends AnyFlow> = F['~types']['steps'];

/**
 * The input type of a flow.
 *
 * @example
 * type In = FlowInput<typeof scrape>; // { url: string }
 */
export type FlowInput<F extends AnyFlow> = F['~types']['input'];

/**
 * What a step's handler receives: `{ run, ...deps }` for a single step, one
 * array element for a map step.
 *
 * @example
 * type SizeIn = StepInput<typeof scrape, 'size'>; // { run: { url: string }; fetch: { html: string } }
 */
export type StepInput<F extends AnyFlow, S extends keyof StepsOf<F>> = StepsOf<F>[S]['input'];

/**
 * A step's output as its dependents see it: the awaited handler result, or for
 * a map step the array of the element results in order.
 *
 * @example
 * type Size = StepOutput<typeof scrape, 'size'>; // number
 */
export type StepOutput<F extends AnyFlow, S extends keyof StepsOf<F>> = StepsOf<F>[S]['output'];

type LeafSlugs<S extends StepMap> = Exclude<keyof S, S[keyof S]['deps']>;

/**
 * A run's output: the outputs of the leaf steps (those no step depends on), by slug.
 *
 * @example
 * type Out = FlowOutput<typeof scrape>; // { size: number }
 */
export type FlowOutput<F extends AnyFlow> = {
  [K in LeafSlugs<StepsOf<F>>]: StepsOf<F>[K]['output'];
};

// ---------------------------------------------------------------------------

/**
 * A typed DAG of steps. Each `.step()` / `.map()` returns a new Flow whose type
 * knows the step, so handler inputs and outputs are checked end to end.
 *
 * @typeParam TInput the run input
 * @typeParam TContext what the worker passes to every handler as `context.context`
 *
 * @example
 * const scrape = new Flow<{ url: string }>({ slug: 'scrape', maxAttempts: 5 })
 *   .step({ slug: 'fetch' }, async (input) => ({ html: await get(input.run.url) }))
 *   .step({ slug: 'size', dependsOn: ['fetch'] }, (input) => input.fetch.html.length);
 *
 * const nums = new Flow<number[]>({ slug: 'nums' }).map({ slug: 'double' }, (n) => n * 2);
 */
export class Flow<TInput = Json, TContext = {}, TSteps extends StepMap = {}> {
  /** Type-level only (never set at runtime): read by FlowInput, StepOutput, ... */
  declare readonly '~types': { input: TInput; context: TContext; steps: TSteps };

  readonly slug: string;
  /** Only the options that were set. */
  readonly options: Readonly<FlowOptions>;
  /** In definition order, which is a topological order. */
  readonly steps: readonly StepDefinition[];

  constructor(config: FlowConfig) {
    if (config === null || typeof config !== 'object') {
      throw new FlowDefinitionError(`new Flow() takes { slug, ...options }, got ${show(config)}`);
    }
    assertSlug('flow', config.slug);
    this.slug = config.slug;
    this.options = Object.freeze(
      pickOptions(`flow "${config.slug}"`, config, FLOW_OPTION_NAMES, ['slug']),
    );
    this.steps = Object.freeze([]);
  }

  /**
   * Adds a step that runs once per run, after `dependsOn`.
   *
   * @example
   * flow.step({ slug: 'size', dependsOn: ['fetch'], timeout: 10 }, (input) => input.fetch.html.length)
   */
  step<Slug extends string, Deps extends StepSlugs<TSteps> = never, Out = never>(
    config: StepConfig<Slug, Deps> & NewSlug<Slug, TSteps>,
    handler: Handler<SingleInput<TInput, TSteps, Deps>, TContext, Out> & JsonGuard<Out>,
  ): Flow<TInput, TContext, AddStep<TSteps, Slug, SingleInput<TInput, TSteps, Deps>, Out, Deps>> {
    const raw = this.#checkConfig(config, 'step');
    const deps = raw.dependsOn === undefined ? [] : raw.dependsOn;
    assertDependencies(raw.slug, deps, this.#slugs());
    return this.#with(raw, 'single', deps, handler);
  }

  /**
   * Adds a step that runs one task per element of an array: the flow input
   * (no `array`) or the output of the step named by `array`. Its output is the
   * array of the task outputs, in order.
   *
   * @example
   * new Flow<string[]>({ slug: 'pages' })
   *   .map({ slug: 'lengths' }, (url) => url.length)
   *   .map({ slug: 'halves', array: 'lengths' }, (n) => n / 2);
   */
  map<Slug extends string, Arr extends ArrayStepSlugs<TSteps> = never, Out = never>(
    config: MapConfig<Slug, Arr> & NewSlug<Slug, TSteps> & RootMapGuard<TInput, TSteps, Arr>,
    handler: Handler<MapItem<TInput, TSteps, Arr>, TContext, Out> & JsonGuard<Out>,
  ): Flow<TInput, TContext, AddStep<TSteps, Slug, MapItem<TInput, TSteps, Arr>, Out[], Arr>> {
    const raw = this.#checkConfig(config, 'map');
    // Plain-JS callers may also pass dependsOn; a map still takes at most one.
    const listed = raw.dependsOn === undefined ? [] : raw.dependsOn;
    assertDependencies(raw.slug, listed, this.#slugs());
    const deps =
      raw.array === undefined || listed.includes(raw.array) ? listed : [...listed, raw.array];
    if (raw.array !== undefined) assertDependencies(raw.slug, [raw.array], this.#slugs());
    if (deps.length > 1) {
      throw new FlowDefinitionError(
        `map step "${raw.slug}" can depend on at most one step (the array it maps over), got ${show(deps)}`,
      );
    }
    return this.#with(raw, 'map', deps, handler);
  }

  /**
   * The step with this slug, if any.
   *
   * @example
   * const handler = flow.getStep(task.step_slug)?.handler;
   */
  getStep(slug: string): StepDefinition | undefined {
    return this.steps.find((s) => s.slug === slug);
  }

  #slugs(): Set<string> {
    return new Set(this.steps.map((s) => s.slug));
  }

  #checkConfig(config: unknown, kind: 'step' | 'map') {
    if (config === null || typeof config !== 'object') {
      throw new FlowDefinitionError(`.${kind}() takes { slug, ...options }, got ${show(config)}`);
    }
    const raw = config as Record<string, unknown> & { dependsOn?: unknown; array?: unknown };
    assertSlug('step', raw.slug);
    const slug = raw.slug;
    if (this.getStep(slug)) {
      throw new FlowDefinitionError(`step "${slug}" is already defined in flow "${this.slug}"`);
    }
    if (raw.array !== undefined && typeof raw.array !== 'string') {
      throw new FlowDefinitionError(`array of map step "${slug}" must be a step slug, got ${show(raw.array)}`);
    }
    const extra = kind === 'map' ? ['slug', 'dependsOn', 'array'] : ['slug', 'dependsOn'];
    const options = pickOptions(`step "${slug}"`, raw, STEP_OPTION_NAMES, extra);
    return { slug, options, dependsOn: raw.dependsOn, array: raw.array as string | undefined };
  }

  #with(
    raw: { slug: string; options: StepOptions },
    type: StepDefinition['type'],
    deps: readonly string[],
    handler: unknown,
  ): any {
    if (typeof handler !== 'function') {
      throw new FlowDefinitionError(`handler of step "${raw.slug}" must be a function, got ${show(handler)}`);
    }
    const step: StepDefinition = Object.freeze({
      slug: raw.slug,
      type,
      dependsOn: Object.freeze([...deps]),
      options: Object.freeze(raw.options),
      handler: handler as StepDefinition['handler'],
    });
    const next = new Flow({ slug: this.slug, ...this.options });
    (next as { steps: readonly StepDefinition[] }).steps = Object.freeze([...this.steps, step]);
    return next;
  }
}

// A registered symbol rather than instanceof: a flow file may import another
// copy of this package than the CLI that loads it.
const FLOW_BRAND = Symbol.for('pgflow.Flow');
Object.defineProperty(Flow.prototype, FLOW_BRAND, { value: true });

/**
 * True for Flow instances, including those made by another copy of the package.
 *
 * @example
 * const flows = Object.values(await import(file)).filter(isFlow);
 */
export function isFlow(value: unknown): value is Flow<any, any, any> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FLOW_BRAND] === true;
}
