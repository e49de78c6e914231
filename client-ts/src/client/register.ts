// registerFlow: applies compileFlow(flow) (pgflow.ensure_flow) and compares
// the options in code with those in the database, which ensure_flow keeps as
// they are for a flow that exists; reports the differences, or applies the
// code's (set_flow_options, set_step_options) when asked to.
import type { Sql, TransactionSql } from 'postgres';
import { compileFlow } from '../compile/compile.js';
import type { AnyFlow } from '../dsl/flow.js';
import type { StepOptions, WhenExhausted } from '../dsl/types.js';
import { rememberShapeChecked } from './shape.js';

/** An option name as the DSL spells it. */
export type OptionName = keyof StepOptions;
/** The options that are numbers (all but whenExhausted). */
type NumericOptionName = Exclude<OptionName, 'whenExhausted'>;

/**
 * An option whose value in code differs from the one in the database.
 *
 * @example
 * // { step: 'fetch', option: 'timeout', code: 30, database: 60,
 * //   description: 'step "fetch" timeout: 30 in code, 60 in the database' }
 * // { step: 'enrich', option: 'whenExhausted', code: 'skip', database: 'fail',
 * //   description: 'step "enrich" whenExhausted: skip in code, fail in the database' }
 */
export type OptionDifference =
  | {
      /** The step, or null for an option of the flow itself. */
      readonly step: string | null;
      readonly option: NumericOptionName;
      /**
       * The value the code gives: a flow option left out is its default (maxAttempts
       * 3, baseDelay 1, timeout 60); a step option left out is null (it inherits the
       * flow's; startDelay: none).
       */
      readonly code: number | null;
      /** The value in the database; null: the step inherits the flow's (startDelay: none). */
      readonly database: number | null;
      /** One line naming the option and both values. */
      readonly description: string;
    }
  | {
      /** A step's option: whenExhausted has no flow-wide value. */
      readonly step: string;
      readonly option: 'whenExhausted';
      /** The value the code gives; left out, the default 'fail' (not inherited). */
      readonly code: WhenExhausted;
      /** The value in the database. */
      readonly database: WhenExhausted;
      /** One line naming the option and both values. */
      readonly description: string;
    };

/** What registerFlow did. */
export interface RegisterResult {
  /** True when this call created the flow, false when it was registered already with the same shape. */
  readonly created: boolean;
  /** The options that differed between code and database, found before any was synced. */
  readonly optionDifferences: readonly OptionDifference[];
  /** True when `syncOptions` applied the code's options (so none differ any longer). */
  readonly optionsSynced: boolean;
}

export interface RegisterOptions {
  /**
   * Apply the code's options where they differ: set_flow_options for the flow's
   * (defaults for those left out), set_step_options for the steps' (`inherit`
   * for those left out). In the same transaction as ensure_flow. Default false.
   */
  syncOptions?: boolean;
  /**
   * Called with a message listing the option differences when some remain (not
   * synced). Default: console.warn. false: say nothing (the result still lists them).
   */
  warn?: ((message: string, differences: readonly OptionDifference[]) => void) | false;
}

/** create_flow's defaults: what a flow option left out in code means. */
const FLOW_DEFAULTS = { maxAttempts: 3, baseDelay: 1, timeout: 60 } as const;
const COLUMNS = [
  ['maxAttempts', 'opt_max_attempts', 'max_attempts'],
  ['baseDelay', 'opt_base_delay', 'base_delay'],
  ['timeout', 'opt_timeout', 'timeout'],
  ['startDelay', 'opt_start_delay', 'start_delay'],
] as const;

type OptionRow = { opt_max_attempts: number | null; opt_base_delay: number | null; opt_timeout: number | null; opt_start_delay?: number | null };
type StepRow = OptionRow & { step_slug: string; when_exhausted?: WhenExhausted };

const showValue = (value: number | string | null, option: OptionName) =>
  value !== null ? String(value) : option === 'startDelay' ? 'none' : 'inherited';

function describe(step: string | null, option: OptionName, code: number | string | null, database: number | string | null, codeIsDefault: boolean): string {
  const owner = step === null ? 'flow' : `step "${step}"`;
  const codeText = `${showValue(code, option)}${codeIsDefault ? ' (the default)' : ''}`;
  return `${owner} ${option}: ${codeText} in code, ${showValue(database, option)} in the database`;
}

function difference(step: string | null, option: NumericOptionName, code: number | null, database: number | null, codeIsDefault = false): OptionDifference {
  return { step, option, code, database, description: describe(step, option, code, database, codeIsDefault) };
}

/** The options that differ, the flow's first, then each step's in code order. */
export function optionDifferences(
  flow: Pick<AnyFlow, 'options' | 'steps'>,
  flowRow: OptionRow,
  stepRows: ReadonlyArray<StepRow>,
): OptionDifference[] {
  const out: OptionDifference[] = [];
  for (const [name, column] of COLUMNS) {
    if (name === 'startDelay') continue;
    const given = flow.options[name];
    const code = given ?? FLOW_DEFAULTS[name];
    const database = flowRow[column];
    if (code !== database) out.push(difference(null, name, code, database, given === undefined));
  }
  const rows = new Map(stepRows.map((r) => [r.step_slug, r]));
  for (const step of flow.steps) {
    const row = rows.get(step.slug);
    if (!row) continue;
    for (const [name, column] of COLUMNS) {
      const code = step.options[name] ?? null;
      const database = row[column] ?? null;
      if (code !== database) out.push(difference(step.slug, name, code, database));
    }
    // whenExhausted is not inherited: left out in code, it is add_step's
    // default ('fail'). (A row read without the column is not compared.)
    if (row.when_exhausted === undefined) continue;
    const given = step.options.whenExhausted;
    const code = given ?? 'fail';
    if (code !== row.when_exhausted) {
      out.push({
        step: step.slug,
        option: 'whenExhausted',
        code,
        database: row.when_exhausted,
        description: describe(step.slug, 'whenExhausted', code, row.when_exhausted, given === undefined),
      });
    }
  }
  return out;
}

async function applyOptions(tx: TransactionSql, flow: AnyFlow, differences: readonly OptionDifference[]): Promise<void> {
  const flowValue = (name: OptionName) =>
    differences.find((d) => d.step === null && d.option === name)?.code ?? null;
  if (differences.some((d) => d.step === null)) {
    await tx`
      select 1 from pgflow.set_flow_options(${flow.slug},
        max_attempts => ${flowValue('maxAttempts')}::integer,
        base_delay   => ${flowValue('baseDelay')}::integer,
        timeout      => ${flowValue('timeout')}::integer)`;
  }
  for (const step of flow.steps) {
    const own = differences.filter((d) => d.step === step.slug);
    if (own.length === 0) continue;
    const value = (name: OptionName) => own.find((d) => d.option === name)?.code ?? null;
    const inherit = own.filter((d) => d.code === null).map((d) => COLUMNS.find(([n]) => n === d.option)![2]);
    await tx`
      select 1 from pgflow.set_step_options(${flow.slug}, ${step.slug},
        max_attempts   => ${value('maxAttempts')}::integer,
        base_delay     => ${value('baseDelay')}::integer,
        timeout        => ${value('timeout')}::integer,
        start_delay    => ${value('startDelay')}::integer,
        inherit        => ${`{${inherit.join(',')}}`}::text[],
        when_exhausted => ${value('whenExhausted')}::text)`;
  }
}

/**
 * Registers a flow in the database, in one transaction: applies
 * compileFlow(flow) (pgflow.ensure_flow: creates the flow, or checks that the
 * registered one has the same shape; another shape is an error, SQLSTATE
 * 42710, listing every difference, and nothing changes). Options are not part
 * of the shape, and ensure_flow keeps a registered flow's: registerFlow
 * compares them with the code's and resolves with the differences (and warns),
 * or with `syncOptions: true` applies the code's.
 *
 * @example
 * const { created, optionDifferences } = await registerFlow(sql, flow)
 * await registerFlow(sql, flow, { syncOptions: true })   // the code's options win
 */
export async function registerFlow(sql: Sql, flow: AnyFlow, options: RegisterOptions = {}): Promise<RegisterResult> {
  const script = compileFlow(flow);
  const result = await sql.begin(async (tx) => {
    // ensure_flow's notice about options says what the result says.
    await tx`set local client_min_messages = warning`;
    await tx.unsafe(script);
    // created_at is the transaction's start for a flow this transaction created.
    const [row] = await tx<(OptionRow & { created: boolean })[]>`
      select created_at = now() as created, opt_max_attempts, opt_base_delay, opt_timeout
        from pgflow.flows where flow_slug = ${flow.slug}`;
    const steps = await tx<StepRow[]>`
      select step_slug, opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay, when_exhausted
        from pgflow.steps where flow_slug = ${flow.slug}`;
    const differences = optionDifferences(flow, row!, steps);
    const sync = options.syncOptions === true && differences.length > 0;
    if (sync) await applyOptions(tx, flow, differences);
    return { created: row!.created, optionDifferences: differences, optionsSynced: sync };
  });
  rememberShapeChecked(sql, flow);
  const { optionDifferences: differences, optionsSynced } = result;
  if (differences.length > 0 && !optionsSynced && options.warn !== false) {
    const message =
      `pgflow-ts: flow "${flow.slug}" is registered with options other than the code's; they stay as they are ` +
      `(registerFlow(sql, flow, { syncOptions: true }) applies the code's):\n  ` +
      differences.map((d) => d.description).join('\n  ');
    (options.warn ?? console.warn)(message, differences);
  }
  return result;
}
