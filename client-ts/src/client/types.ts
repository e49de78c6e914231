// Rows as the SQL API returns them (get_run_with_states, NOTIFY payloads).
// Timestamps are ISO strings: they come out of jsonb.

/** A row of pgflow.runs, as get_run_with_states (and cancelRun, pauseRun, resumeRun) return it. */
export interface RunRow<Output = unknown> {
  run_id: string;
  flow_slug: string;
  status: 'started' | 'paused' | 'completed' | 'failed' | 'cancelled';
  input: unknown;
  /** The outputs of the leaf steps by slug, once completed; null before. */
  output: Output | null;
  remaining_steps: number;
  started_at: string;
  completed_at: string | null;
  failed_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  paused_at: string | null;
  /** The idempotency key the run was started with (startFlow's idempotencyKey), if any. */
  idempotency_key: string | null;
}

/** A row of pgflow.step_states, as get_run_with_states returns it. */
export interface StepStateRow {
  flow_slug: string;
  run_id: string;
  step_slug: string;
  status: 'created' | 'started' | 'completed' | 'failed' | 'skipped' | 'cancelled';
  remaining_tasks: number | null;
  remaining_deps: number;
  initial_tasks: number | null;
  output: unknown;
  error_message: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  failed_at: string | null;
  /** Set when the step was skipped (its condition was not met, or it could not run without a skipped step). */
  skipped_at: string | null;
  skip_reason: 'condition_unmet' | 'dependency_skipped' | null;
  cancelled_at: string | null;
}

/** What pgflow.get_run_with_states returns: the run and its steps in definition order. */
export interface RunWithStates<Output = unknown> {
  run: RunRow<Output>;
  steps: StepStateRow[];
}

export type FlowEventName =
  | 'run:started'
  | 'run:completed'
  | 'run:failed'
  | 'run:cancelled'
  | 'run:paused'
  | 'run:resumed'
  | 'step:started'
  | 'step:completed'
  | 'step:failed'
  | 'step:skipped';

/**
 * One state change, as the engine sends it with pg_notify on the flow's channel.
 * Outputs are never part of it: read them with getRun().
 */
export interface FlowEvent {
  event: FlowEventName;
  topic: string;
  /** Seconds since the epoch (clock_timestamp() of the change). */
  timestamp: number;
  payload: {
    event_type: FlowEventName;
    run_id: string;
    flow_slug: string;
    step_slug?: string;
    status: string;
    error_message?: string;
    [key: string]: unknown;
  };
}
