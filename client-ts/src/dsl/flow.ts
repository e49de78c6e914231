import {
  CONDITION_OPTION_NAMES,
  FLOW_OPTION_NAMES,
  FlowDefinitionError,
  STEP_OPTION_NAMES,
  assertCondition,
  assertDependencies,
  assertSlug,
  checkWhenExhausted,
  pickOptions,
  show,
} from './validate.js';
import type {
  FlowConfig,
  FlowOptions,
  Json,
  StepCondition,
  StepContext,
  StepDefinition,
  StepOptions,
  WhenExhausted,
  WhenUnmet,
} from './types.js';
import { isStandardSchema, type StandardSchemaV1 } from './schema.js';

// The plain types live in types.ts; this module stays where callers import them from.
export type {
  FlowConfig,
  FlowOptions,
  Json,
  StepCondition,
  StepContext,
  StepDefinition,
  StepOptions,
  WhenUnmet,
} from './types.js';

// ---------------------------------------------------------------------------
// Type machinery. A flow's type carries, per step, its input, output and deps.

// skippable: dependents may run without this step's key (a condition with
// whenUnmet 'skip', or a map over a skippable step). cascades: this step may be
// skipped together with everything downstream (a 'skip_cascade' condition on
// it or on a step upstream), so its dependents never run without it.
type StepMeta = { input: unknown; output: unknown; deps: string; skippable: boolean; cascades: boolean };
type StepMap = { [slug: string]: StepMeta };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type StepSlugs<S extends StepMap> = Extract<keyof S, string>;

type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

type AddStep<
  S extends StepMap,
  Slug extends string,
  I,
  O,
  D extends string,
  Sk extends boolean = false,
  Ca extends boolean = false,
> = Simplify<S & { [K in Slug]: { input: I; output: O; deps: D; skippable: Sk; cascades: Ca } }>;

// A signal step's meta says so (signal: true): sendSignal takes its slug.
type AddSignal<S extends StepMap, Slug extends string, I, O, D extends string, Sk extends boolean, Ca extends boolean> =
  Simplify<S & { [K in Slug]: { input: I; output: O; deps: D; skippable: Sk; cascades: Ca; signal: true } }>;

/**
 * The slugs of a flow's signal steps (`.signal()`), the steps sendSignal completes.
 *
 * @example
 * type S = SignalSlugs<typeof order>; // 'approve'
 */
export type SignalSlugs<F extends AnyFlow> = {
  [K in keyof StepsOf<F>]: StepsOf<F>[K] extends { signal: true } ? K : never;
}[keyof StepsOf<F>] &
  string;

declare const SIGNAL_PAYLOAD: unique symbol;
/** The payload type of a signal step, carried by `signalPayload<T>()`; nothing at runtime. */
export type SignalPayload<T> = { readonly [SIGNAL_PAYLOAD]?: T };

/**
 * Names the payload type of a signal step: `.signal({ slug, dependsOn, payload: signalPayload<T>() })`.
 * (TypeScript infers no type argument once one is given, so `.signal<T>({ slug })`
 * could not keep the slug's literal type; the payload type rides in the config.)
 *
 * @example
 * flow.signal({ slug: 'approve', dependsOn: ['quote'], payload: signalPayload<{ by: string }>() })
 */
export function signalPayload<T>(): SignalPayload<T> {
  return {};
}

type SignalConfig<Slug extends string, D extends string, P> = {
  slug: Slug;
  /** Steps that must complete before the step waits for its signal. */
  dependsOn?: readonly D[];
  /** How long the step waits for its signal once ready, in seconds, then fails; unset: for ever. */
  timeout?: number;
  /** The payload's type (`signalPayload<T>()`): the step's output, as its dependents see it. */
  payload?: SignalPayload<P>;
  maxAttempts?: never;
  baseDelay?: never;
  startDelay?: never;
};

// A skippable dependency's key is optional: the step may run without it.
type SingleInput<TInput, S extends StepMap, D extends keyof S> = Simplify<
  { run: TInput } & { [K in D as S[K]['skippable'] extends true ? never : K]: S[K]['output'] } & {
    [K in D as S[K]['skippable'] extends true ? K : never]?: S[K]['output'];
  }
>;

// Conditions: a pattern is a deep partial of the step input (arrays hold
// patterns of their elements: containment), with no key the input lacks.
type Pattern<T> = T extends readonly (infer E)[]
  ? readonly Pattern<E>[]
  : T extends object
    ? { [K in keyof T]?: Pattern<Exclude<T[K], undefined>> }
    : T;
type NoExtra<P, T> = P extends readonly (infer PE)[]
  ? T extends readonly (infer TE)[]
    ? readonly NoExtra<PE, TE>[]
    : P
  : P extends object
    ? T extends object
      ? { [K in keyof P]: K extends keyof T ? NoExtra<P[K], Exclude<T[K], undefined>> : never }
      : P
    : P;

type ConditionConfig<I, RI, RU, W extends WhenUnmet> = {
  /** Run only when the step input contains this pattern (JSONB `@>`). */
  runIf?: RI & NoExtra<RI, I>;
  /** Do not run when the step input contains this pattern. */
  runUnless?: RU & NoExtra<RU, I>;
  /** What happens when the condition is not met (default 'skip'). */
  whenUnmet?: W;
};
// Inside a branch the branch's condition applies: steps take none of their own.
type NoConditionConfig = { runIf?: never; runUnless?: never; whenUnmet?: never };

type HasCondition<RI, RU> = [RI] extends [never] ? ([RU] extends [never] ? false : true) : true;
type Skips<RI, RU, W> = HasCondition<RI, RU> extends true ? ([W] extends ['skip'] ? true : false) : false;
type Cascades<RI, RU, W> = HasCondition<RI, RU> extends true ? ([W] extends ['skip_cascade'] ? true : false) : false;
type Or<A extends boolean, B extends boolean> = true extends A | B ? true : false;
// whenExhausted: 'skip' makes the step skippable (its dependents may run
// without it), 'skip_cascade' makes it cascade; the literal is inferred from
// the config (ExhaustConfig), 'fail' when it is left out.
type ExhaustConfig<E extends WhenExhausted> = { whenExhausted?: E };
type ExhaustSkips<E> = [E] extends ['skip'] ? true : false;
type ExhaustCascades<E> = [E] extends ['skip_cascade'] ? true : false;
type AnyCascades<S extends StepMap, D extends keyof S> = true extends { [K in D]: S[K]['cascades'] }[D] ? true : false;
type AnySkippable<S extends StepMap, D extends keyof S> = true extends { [K in D]: S[K]['skippable'] }[D] ? true : false;

// What a branch passes to the steps defined inside it.
type BranchMeta = { deps: string; skippable: boolean; cascades: boolean };
type BranchDeps<B> = B extends BranchMeta ? B['deps'] : never;
type BranchSkips<B> = B extends BranchMeta ? B['skippable'] : false;
type BranchCascades<B> = B extends BranchMeta ? B['cascades'] : false;
type CondConfig<B, I, RI, RU, W extends WhenUnmet> = B extends BranchMeta
  ? NoConditionConfig
  : ConditionConfig<I, RI, RU, W>;

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

// A map needs an array to map over: the flow input (no `array`) or the output
// of the step named by `array`. Otherwise the config must also have a property
// named after the problem, so the compiler error says what is wrong.
type MapSourceGuard<TInput, S extends StepMap, A extends keyof S> = [A] extends [never]
  ? [TInput] extends [readonly unknown[]]
    ? unknown
    : { "map without `array` maps over the flow input, which must be an array (or name an array step in `array`)": never }
  : [S[A]['output']] extends [readonly unknown[]]
    ? unknown
    : { [K in `map's array dependency \`${A & string}\` must output an array`]: S[A]['output'] };

// JsonSafe<T> is T where T serializes to JSON as is, and something T is not
// assignable to otherwise (functions, symbols, bigint, undefined, objects with
// methods such as Date, Map or class instances). A property that may be
// undefined must be optional (`key?: T`): JSON.stringify drops it, and the
// type must not promise the key. The same rule checks flow inputs and step
// outputs. The mapped type is homomorphic, so optional properties stay optional.
type JsonSafe<T> = T extends string | number | boolean | null
  ? T
  : T extends bigint | symbol | undefined | void | Function
    ? never
    : T extends readonly (infer E)[]
      ? JsonSafeArray<E>
      : T extends object
        ? { [K in keyof T]: K extends string ? JsonSafe<T[K]> : never }
        : never;
// An interface keeps the recursion lazy, so JsonSafe<Json> terminates.
interface JsonSafeArray<E> extends ReadonlyArray<JsonSafe<E>> {}

type IsAny<T> = 0 extends 1 & T ? true : false;
// A handler returning nothing (void, undefined) is a side-effect step: the
// worker stores null, so that is what dependents see.
type NothingReturned<Out> = IsAny<Out> extends true ? false : [Out] extends [never] ? false : [Out] extends [void] ? true : false;
type StoredOutput<Out> = NothingReturned<Out> extends true ? null : Out;

type JsonGuard<Out> = NothingReturned<Out> extends true
  ? unknown
  : [Out] extends [JsonSafe<Out>]
    ? unknown
    : { 'step handlers must return JSON-serializable values (a property that may be undefined must be optional)': JsonSafe<Out> };

// .array(): the handler must return an array (or a promise of one).
type ArrayGuard<Out> = [Out] extends [readonly unknown[]]
  ? unknown
  : { 'array step handlers must return an array': Out };

// new Flow<Input>(): the input must be JSON too, as step outputs are.
type InputGuard<TInput> = [TInput] extends [JsonSafe<TInput>]
  ? unknown
  : {
      'flow input must be JSON-serializable (no Date, Map, Set, functions, bigint, class instances; a property that may be undefined must be optional)': JsonSafe<TInput>;
    };

// new Flow({ inputSchema }): the schema's output is the flow input, so the
// input type can come from the schema; with new Flow<Input>() the schema must
// produce that type.
type InputSchemaConfig<TInput> = {
  /** Validates the flow input (any Standard Schema v1 validator: zod 3.24+, valibot, arktype, ...). */
  inputSchema?: StandardSchemaV1<any, TInput>;
};

type Handler<I, C, Out> = (input: I, context: StepContext<C>) => Out | Promise<Out>;

type BranchConfig<Slug extends string, D extends string> = {
  /** Names the group (in errors and `pgflow inspect`); must differ from every step slug. */
  slug: Slug;
  /** Steps every step of the branch waits for (and its condition may read). */
  dependsOn?: readonly D[];
};

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

/**
 * Any flow, whatever its input, context, steps and branch state: the bound of
 * every API that takes a flow (FlowInput, startFlow, startWorker, ...).
 */
export type AnyFlow = Flow<any, any, any, any>;
type StepsOf<F extends AnyFlow> = F['~types']['steps'];

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * The context a worker serving `Flows` must be given: what every one of them
 * declares (`new Flow<Input, Context>`), all at once.
 *
 * @example
 * type Ctx = FlowsContext<[typeof billing, typeof mailer]>; // { apiKey: string } & { smtp: string }
 */
export type FlowsContext<Flows extends readonly AnyFlow[]> = UnionToIntersection<Flows[number]['~types']['context']>;

/**
 * The `context` option of startWorker for `Flows`: required, and checked, when
 * a flow declares a context with required keys; optional otherwise.
 *
 * @example
 * const opts: WorkerContextOption<[typeof billing]> = { context: { apiKey: 'k' } };
 */
export type WorkerContextOption<Flows extends readonly AnyFlow[]> = {} extends FlowsContext<Flows>
  ? { context?: FlowsContext<Flows> }
  : { context: FlowsContext<Flows> };

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
 * A run's output: the outputs of the leaf steps (those no step depends on), by
 * slug; a leaf that may be skipped is optional.
 *
 * @example
 * type Out = FlowOutput<typeof scrape>; // { size: number }
 */
export type FlowOutput<F extends AnyFlow> = Simplify<
  {
    [K in LeafSlugs<StepsOf<F>> as MaybeSkipped<StepsOf<F>[K]> extends true ? never : K]: StepsOf<F>[K]['output'];
  } & {
    [K in LeafSlugs<StepsOf<F>> as MaybeSkipped<StepsOf<F>[K]> extends true ? K : never]?: StepsOf<F>[K]['output'];
  }
>;
// A skipped leaf is left out of the run output.
type MaybeSkipped<M extends StepMeta> = Or<M['skippable'], M['cascades']>;

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
export class Flow<TInput = Json, TContext = {}, TSteps extends StepMap = {}, TBranch = undefined> {
  /** Type-level only (never set at runtime): read by FlowInput, StepOutput, ... */
  declare readonly '~types': { input: TInput; context: TContext; steps: TSteps; branch: TBranch };
  // Set while the steps of a branch are being defined (see branch()).
  private _branch: { slug: string; dependsOn: readonly string[]; condition: StepCondition } | undefined;

  readonly slug: string;
  /** Only the options that were set. */
  readonly options: Readonly<FlowOptions>;
  /** In definition order, which is a topological order. */
  readonly steps: readonly StepDefinition[];
  /**
   * The flow's input schema, if it has one (any Standard Schema validator):
   * startFlow validates the input with it, the worker the input of runs
   * started elsewhere. Not part of the shape.
   */
  readonly inputSchema: StandardSchemaV1 | undefined;

  constructor(config: FlowConfig & InputSchemaConfig<TInput> & InputGuard<TInput>) {
    if (config === null || typeof config !== 'object') {
      throw new FlowDefinitionError(`new Flow() takes { slug, ...options }, got ${show(config)}`);
    }
    assertSlug('flow', config.slug);
    this.slug = config.slug;
    this.options = Object.freeze(
      pickOptions(`flow "${config.slug}"`, config, FLOW_OPTION_NAMES, ['slug', 'inputSchema']),
    );
    const schema: unknown = (config as { inputSchema?: unknown }).inputSchema;
    if (schema !== undefined && !isStandardSchema(schema)) {
      throw new FlowDefinitionError(
        `inputSchema of flow "${config.slug}" must implement Standard Schema v1 (a "~standard" property with version 1 and validate), as zod 3.24+, valibot and arktype schemas do; got ${show(schema)}`,
      );
    }
    this.inputSchema = schema;
    this.steps = Object.freeze([]);
  }

  /**
   * Adds a step that runs once per run, after `dependsOn`.
   *
   * @example
   * flow.step({ slug: 'size', dependsOn: ['fetch'], timeout: 10 }, (input) => input.fetch.html.length)
   */
  step<
    Slug extends string,
    Deps extends StepSlugs<TSteps> = never,
    Out = never,
    RI extends Pattern<SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>> = never,
    RU extends Pattern<SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>> = never,
    W extends WhenUnmet = 'skip',
    E extends WhenExhausted = 'fail',
  >(
    config: StepConfig<Slug, Deps> &
      CondConfig<TBranch, SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>, RI, RU, W> &
      ExhaustConfig<E> &
      NewSlug<Slug, TSteps>,
    handler: Handler<SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>, TContext, Out> & JsonGuard<Out>,
  ): Flow<
    TInput,
    TContext,
    AddStep<
      TSteps,
      Slug,
      SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>,
      StoredOutput<Out>,
      Deps | BranchDeps<TBranch>,
      Or<Or<Skips<RI, RU, W>, BranchSkips<TBranch>>, ExhaustSkips<E>>,
      Or<Or<Or<Cascades<RI, RU, W>, BranchCascades<TBranch>>, AnyCascades<TSteps, Deps | BranchDeps<TBranch>>>, ExhaustCascades<E>>
    >,
    TBranch
  > {
    const raw = this._checkConfig(config, 'step');
    const deps = raw.dependsOn === undefined ? [] : raw.dependsOn;
    assertDependencies(raw.slug, deps, this._slugs());
    return this._with(raw, 'single', deps, handler);
  }

  /**
   * Adds a step like `.step()` whose handler must return an array (checked
   * when it compiles, and by the worker when it runs: anything else fails the
   * task). It is a single step in the database; dependents and maps see its
   * output as the array type. `@pgflow/dsl` flows use it to feed `.map()`.
   *
   * @example
   * new Flow<{ site: string }>({ slug: 'crawl' })
   *   .array({ slug: 'urls' }, (input) => [`${input.run.site}/a`, `${input.run.site}/b`])
   *   .map({ slug: 'fetch', array: 'urls' }, (url) => url.length);
   */
  array<
    Slug extends string,
    Deps extends StepSlugs<TSteps> = never,
    Out = never,
    RI extends Pattern<SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>> = never,
    RU extends Pattern<SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>> = never,
    W extends WhenUnmet = 'skip',
    E extends WhenExhausted = 'fail',
  >(
    config: StepConfig<Slug, Deps> &
      CondConfig<TBranch, SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>, RI, RU, W> &
      ExhaustConfig<E> &
      NewSlug<Slug, TSteps>,
    handler: Handler<SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>, TContext, Out> &
      ArrayGuard<Out> &
      JsonGuard<Out>,
  ): Flow<
    TInput,
    TContext,
    AddStep<
      TSteps,
      Slug,
      SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>,
      Out,
      Deps | BranchDeps<TBranch>,
      Or<Or<Skips<RI, RU, W>, BranchSkips<TBranch>>, ExhaustSkips<E>>,
      Or<Or<Or<Cascades<RI, RU, W>, BranchCascades<TBranch>>, AnyCascades<TSteps, Deps | BranchDeps<TBranch>>>, ExhaustCascades<E>>
    >,
    TBranch
  > {
    const raw = this._checkConfig(config, 'array');
    const deps = raw.dependsOn === undefined ? [] : raw.dependsOn;
    assertDependencies(raw.slug, deps, this._slugs());
    if (typeof handler !== 'function') {
      throw new FlowDefinitionError(`handler of step "${raw.slug}" must be a function, got ${show(handler)}`);
    }
    const slug = raw.slug;
    const fn = handler as (input: unknown, context: unknown) => unknown;
    // A wrapper, so a plain-JS handler returning something else fails its task with a clear message.
    const checked = async (input: Json, context: StepContext<any>) => {
      const output = await fn(input, context);
      if (!Array.isArray(output)) {
        throw new TypeError(`array step "${slug}" must return an array, got ${output === null ? 'null' : typeof output}`);
      }
      return output;
    };
    return this._with(raw, 'single', deps, checked);
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
  map<
    Slug extends string,
    Arr extends StepSlugs<TSteps> = never,
    Out = never,
    RI extends Pattern<SingleInput<TInput, TSteps, Arr | BranchDeps<TBranch>>> = never,
    RU extends Pattern<SingleInput<TInput, TSteps, Arr | BranchDeps<TBranch>>> = never,
    W extends WhenUnmet = 'skip',
    E extends WhenExhausted = 'fail',
  >(
    config: MapConfig<Slug, Arr> &
      CondConfig<TBranch, SingleInput<TInput, TSteps, Arr | BranchDeps<TBranch>>, RI, RU, W> &
      ExhaustConfig<E> &
      NewSlug<Slug, TSteps> &
      MapSourceGuard<TInput, TSteps, Arr>,
    handler: Handler<MapItem<TInput, TSteps, Arr>, TContext, Out> & JsonGuard<Out>,
  ): Flow<
    TInput,
    TContext,
    AddStep<
      TSteps,
      Slug,
      MapItem<TInput, TSteps, Arr>,
      StoredOutput<Out>[],
      Arr | BranchDeps<TBranch>,
      // a map over a skipped step is skipped too
      Or<Or<Or<Skips<RI, RU, W>, BranchSkips<TBranch>>, AnySkippable<TSteps, Arr>>, ExhaustSkips<E>>,
      Or<Or<Or<Cascades<RI, RU, W>, BranchCascades<TBranch>>, AnyCascades<TSteps, Arr | BranchDeps<TBranch>>>, ExhaustCascades<E>>
    >,
    TBranch
  > {
    const raw = this._checkConfig(config, 'map');
    // Plain-JS callers may also pass dependsOn; a map still takes at most one.
    const listed = raw.dependsOn === undefined ? [] : raw.dependsOn;
    assertDependencies(raw.slug, listed, this._slugs());
    const deps =
      raw.array === undefined || listed.includes(raw.array) ? listed : [...listed, raw.array];
    if (raw.array !== undefined) assertDependencies(raw.slug, [raw.array], this._slugs());
    if (deps.length > 1) {
      throw new FlowDefinitionError(
        `map step "${raw.slug}" can depend on at most one step (the array it maps over), got ${show(deps)}`,
      );
    }
    return this._with(raw, 'map', deps, handler);
  }

  /**
   * Adds a signal step: no handler and no task. Once `dependsOn` completed it
   * waits until pgflow.send_signal (sendSignal) completes it with a payload,
   * which its dependents get as its output; a signal sent earlier is kept
   * and applied then. `timeout` is how long it waits once ready (unset: for
   * ever). Workers never get tasks for it.
   *
   * @example
   * new Flow<{ amount: number }>({ slug: 'refund' })
   *   .step({ slug: 'quote' }, (input) => ({ amount: input.run.amount }))
   *   .signal({ slug: 'approve', dependsOn: ['quote'], payload: signalPayload<{ by: string }>(), timeout: 86400 })
   *   .step({ slug: 'pay', dependsOn: ['approve'] }, (input) => `approved by ${input.approve.by}`);
   */
  signal<Slug extends string, Deps extends StepSlugs<TSteps> = never, P = Json>(
    config: SignalConfig<Slug, Deps, P> & NoConditionConfig & NewSlug<Slug, TSteps>,
  ): Flow<
    TInput,
    TContext,
    AddSignal<
      TSteps,
      Slug,
      SingleInput<TInput, TSteps, Deps | BranchDeps<TBranch>>,
      P,
      Deps | BranchDeps<TBranch>,
      BranchSkips<TBranch>,
      Or<BranchCascades<TBranch>, AnyCascades<TSteps, Deps | BranchDeps<TBranch>>>
    >,
    TBranch
  > {
    const raw = this._checkConfig(config, 'signal');
    const unused = (['maxAttempts', 'baseDelay', 'startDelay'] as const).find((name) => raw.options[name] !== undefined);
    if (unused !== undefined) {
      throw new FlowDefinitionError(
        `signal step "${raw.slug}" takes no ${unused}: it has no task (its timeout is how long it waits for its signal)`,
      );
    }
    const deps = raw.dependsOn === undefined ? [] : raw.dependsOn;
    assertDependencies(raw.slug, deps, this._slugs());
    const slug = raw.slug;
    const noTask = () => {
      throw new Error(`step "${slug}" is a signal step: pgflow.send_signal completes it, no handler runs`);
    };
    return this._with(raw, 'signal', deps, noTask);
  }

  /**
   * Applies one condition to a group of steps. Every step defined in `build`
   * waits for the branch's `dependsOn` (on top of its own) and carries the
   * branch's condition and `whenUnmet` (default 'skip'), so all of them test
   * the same pattern on the same data and run or skip together. Step slugs
   * stay flat; the branch slug names the group and must differ from every
   * step slug. Steps inside take no condition of their own, and branches do
   * not nest. A map inside a branch needs the branch's `dependsOn` to be empty
   * or its own array (a map has at most one dependency).
   *
   * @example
   * flow.branch({ slug: 'premium', dependsOn: ['user'], runIf: { user: { plan: 'pro' } } }, (b) =>
   *   b.step({ slug: 'report' }, (input) => input.user.id)
   *    .step({ slug: 'email', dependsOn: ['report'] }, (input) => input.report));
   */
  branch<
    BSlug extends string,
    // The flow the callback returns. Its constraint is also the contextual
    // return type of the callback, from which TypeScript infers the type
    // arguments of the last call chained inside it: it must carry no step map
    // (an index signature widens inner slugs to string) and no default (TS 5.9
    // reads a default such as TSteps as extra dependencies).
    Built extends Flow<TInput, TContext, any, any>,
    BDeps extends StepSlugs<TSteps> = never,
    RI extends Pattern<SingleInput<TInput, TSteps, BDeps>> = never,
    RU extends Pattern<SingleInput<TInput, TSteps, BDeps>> = never,
    W extends WhenUnmet = 'skip',
  >(
    this: Flow<TInput, TContext, TSteps, undefined>,
    config: BranchConfig<BSlug, BDeps> &
      ConditionConfig<SingleInput<TInput, TSteps, BDeps>, RI, RU, W> &
      NewSlug<BSlug, TSteps>,
    build: (
      branch: Flow<
        TInput,
        TContext,
        TSteps,
        { deps: BDeps; skippable: Skips<RI, RU, W>; cascades: Cascades<RI, RU, W> }
      >,
    ) => Built,
  ): Flow<TInput, TContext, StepsOf<Built>> {
    if (this._branch) {
      throw new FlowDefinitionError(
        `branch ${show((config as { slug?: unknown })?.slug)} is inside branch "${this._branch.slug}": branches do not nest`,
      );
    }
    if (config === null || typeof config !== 'object') {
      throw new FlowDefinitionError(`.branch() takes { slug, dependsOn, runIf | runUnless, whenUnmet }, got ${show(config)}`);
    }
    const raw = config as Record<string, unknown>;
    assertSlug('step', raw.slug);
    const slug = raw.slug;
    if (this.getStep(slug) || this._branchSlugs().has(slug)) {
      throw new FlowDefinitionError(`branch slug "${slug}" is already used in flow "${this.slug}"`);
    }
    pickOptions(`branch "${slug}"`, raw, [], ['slug', 'dependsOn', ...CONDITION_OPTION_NAMES]);
    const deps = raw.dependsOn === undefined ? [] : raw.dependsOn;
    assertDependencies(slug, deps, this._slugs());
    if (raw.runIf === undefined && raw.runUnless === undefined) {
      throw new FlowDefinitionError(`branch "${slug}" needs a condition: runIf, runUnless or both`);
    }
    // defined: runIf or runUnless is set
    const condition = assertCondition(`branch "${slug}"`, raw, deps)!;
    if (typeof build !== 'function') {
      throw new FlowDefinitionError(`.branch("${slug}") takes a function that defines its steps, got ${show(build)}`);
    }
    const inner = this._copy(this.steps);
    inner._branch = { slug, dependsOn: Object.freeze([...deps]), condition };
    const built: unknown = build(inner as any);
    if (!isFlow(built) || built.slug !== this.slug || !this.steps.every((s, i) => built.steps[i] === s)) {
      throw new FlowDefinitionError(
        `the function of branch "${slug}" must return the flow it was given, with the branch's steps added`,
      );
    }
    const added = built.steps.slice(this.steps.length);
    if (added.some((s) => s.branch !== slug)) {
      throw new FlowDefinitionError(
        `the function of branch "${slug}" must return the flow it was given, with the branch's steps added`,
      );
    }
    if (added.length === 0) {
      throw new FlowDefinitionError(`branch "${slug}" defines no step`);
    }
    return this._copy(built.steps) as any;
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

  private _slugs(): Set<string> {
    return new Set(this.steps.map((s) => s.slug));
  }

  private _branchSlugs(): Set<string> {
    const slugs = new Set(this.steps.flatMap((s) => (s.branch === undefined ? [] : [s.branch])));
    if (this._branch) slugs.add(this._branch.slug);
    return slugs;
  }

  private _copy(steps: readonly StepDefinition[]): Flow<TInput, TContext, any, any> {
    // The input was checked when the first Flow of this chain was made.
    const next: Flow<TInput, TContext, any, any> = new Flow<any, TContext, any, any>({
      slug: this.slug,
      ...this.options,
      ...(this.inputSchema === undefined ? {} : { inputSchema: this.inputSchema }),
    });
    (next as { steps: readonly StepDefinition[] }).steps = Object.freeze([...steps]);
    return next;
  }

  private _checkConfig(config: unknown, kind: 'step' | 'array' | 'map' | 'signal') {
    if (config === null || typeof config !== 'object') {
      throw new FlowDefinitionError(`.${kind}() takes { slug, ...options }, got ${show(config)}`);
    }
    const raw = config as Record<string, unknown> & { dependsOn?: unknown; array?: unknown };
    assertSlug('step', raw.slug);
    const slug = raw.slug;
    if (this.getStep(slug)) {
      throw new FlowDefinitionError(`step "${slug}" is already defined in flow "${this.slug}"`);
    }
    if (this._branchSlugs().has(slug)) {
      throw new FlowDefinitionError(`step slug "${slug}" is already used by a branch in flow "${this.slug}"`);
    }
    if (kind === 'map' && raw.array !== undefined && typeof raw.array !== 'string') {
      throw new FlowDefinitionError(`array of map step "${slug}" must be a step slug, got ${show(raw.array)}`);
    }
    const extra =
      kind === 'map' ? ['slug', 'dependsOn', 'array'] : kind === 'signal' ? ['slug', 'dependsOn', 'payload'] : ['slug', 'dependsOn'];
    if (this._branch) {
      const own = CONDITION_OPTION_NAMES.find((name) => raw[name] !== undefined);
      if (own !== undefined) {
        throw new FlowDefinitionError(
          `step "${slug}" is in branch "${this._branch.slug}", whose condition it takes: it cannot set ${own}`,
        );
      }
    }
    const picked = pickOptions(`step "${slug}"`, raw, STEP_OPTION_NAMES, [...extra, ...CONDITION_OPTION_NAMES, 'whenExhausted']);
    const whenExhausted = checkWhenExhausted(`step "${slug}"`, raw.whenExhausted);
    const options: StepOptions = whenExhausted === undefined ? picked : { ...picked, whenExhausted };
    return { slug, options, raw, dependsOn: raw.dependsOn, array: raw.array as string | undefined };
  }

  private _with(
    raw: { slug: string; options: StepOptions; raw: Record<string, unknown> },
    type: StepDefinition['type'],
    ownDeps: readonly string[],
    handler: unknown,
  ): any {
    if (typeof handler !== 'function') {
      throw new FlowDefinitionError(`handler of step "${raw.slug}" must be a function, got ${show(handler)}`);
    }
    const branch = this._branch;
    // A branch's steps wait for its dependsOn too, and carry its condition.
    const deps = branch ? [...branch.dependsOn, ...ownDeps.filter((d) => !branch.dependsOn.includes(d))] : ownDeps;
    if (branch && type === 'map' && deps.length > 1) {
      throw new FlowDefinitionError(
        `map step "${raw.slug}" in branch "${branch.slug}" would depend on ${show(deps)}; a map has at most one dependency`,
      );
    }
    const condition = branch ? branch.condition : assertCondition(`step "${raw.slug}"`, raw.raw, deps);
    const step: StepDefinition = Object.freeze({
      slug: raw.slug,
      type,
      dependsOn: Object.freeze([...deps]),
      options: Object.freeze(raw.options),
      ...(condition === undefined ? {} : { condition }),
      ...(branch ? { branch: branch.slug } : {}),
      handler: handler as StepDefinition['handler'],
    });
    const next = this._copy([...this.steps, step]);
    next._branch = branch;
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
export function isFlow(value: unknown): value is AnyFlow {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FLOW_BRAND] === true;
}
