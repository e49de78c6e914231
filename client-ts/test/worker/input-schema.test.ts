// The worker's input check (TaskRunner), with a hand-made Standard Schema: a
// root single step's run input is validated before its handler; on failure the
// task fails without running it, and its retry is made visible at once.
import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/dsl/flow.js';
import type { StandardSchemaV1 } from '../../src/dsl/schema.js';
import type { TaskRecord } from '../../src/worker/db.js';
import { TaskRunner, type ServedFlow } from '../../src/worker/runner.js';
import { memoryLog } from './fake-db.js';

/** Accepts { n: number } only; counts its calls. */
function numberSchema() {
  const schema = {
    calls: 0,
    '~standard': {
      version: 1 as const,
      vendor: 'test',
      validate(value: unknown): StandardSchemaV1.Result<{ n: number }> {
        schema.calls++;
        const n = (value as { n?: unknown } | null)?.n;
        return typeof n === 'number' ? { value: { n } } : { issues: [{ message: 'expected a number', path: [{ key: 'n' }] }] };
      },
    },
  };
  return schema;
}

function setup(status: string | undefined) {
  const { log, lines } = memoryLog();
  const failed: string[] = [];
  const retried: string[] = [];
  const completed: string[] = [];
  const runner = new TaskRunner({
    context: {},
    log,
    fail: async (_task, message) => (failed.push(message), status),
    complete: async (_task, output) => (completed.push(output), true),
    ended: () => {},
    retryNow: async (task) => void retried.push(task.msg_id),
  });
  return { runner, lines, failed, retried, completed };
}

const taskOf = (step: string, input: unknown, over: Partial<TaskRecord> = {}): TaskRecord => ({
  flow_slug: 'f', run_id: 'r1', step_slug: step, input, msg_id: '7', task_index: 0, attempts_count: 1, timeout: 30, ...over,
});

function flowWith(schema: StandardSchemaV1<unknown, { n: number }>) {
  const ran: string[] = [];
  const flow = new Flow({ slug: 'f', inputSchema: schema })
    .step({ slug: 'a' }, (input) => (ran.push('a'), input.run.n))
    .step({ slug: 'b', dependsOn: ['a'] }, (input) => (ran.push('b'), input.a));
  const served: ServedFlow = { slug: 'f', workerId: 'w', steps: new Map(flow.steps.map((s) => [s.slug, s])), inputSchema: flow.inputSchema };
  return { served, ran };
}

describe('the worker checks the run input', () => {
  it('fails a root step whose run input is invalid, without running it, and retries it at once', async () => {
    const schema = numberSchema();
    const { served, ran } = flowWith(schema);
    const { runner, failed, retried, completed } = setup('queued');
    await runner.run(served, taskOf('a', { run: { n: 'x' } }));
    expect(ran).toEqual([]);
    expect(completed).toEqual([]);
    expect(failed).toEqual([
      'input of flow "f" is invalid (checked by the worker before step "a"; the handler did not run):\n  n: expected a number',
    ]);
    expect(retried).toEqual(['7']);
  });

  it('does not ask for a retry once the run has failed', async () => {
    const { served } = flowWith(numberSchema());
    const { runner, retried, lines } = setup('failed');
    await runner.run(served, taskOf('a', { run: null }));
    expect(retried).toEqual([]);
    expect(lines).toContain('error: run failed');
  });

  it('runs a root step with a valid input, and leaves dependent steps unchecked', async () => {
    const schema = numberSchema();
    const { served, ran } = flowWith(schema);
    const { runner, completed } = setup('queued');
    await runner.run(served, taskOf('a', { run: { n: 2 } }));
    await runner.run(served, taskOf('b', { run: { n: 'never checked' }, a: 2 }));
    expect(ran).toEqual(['a', 'b']);
    expect(completed).toEqual(['2', '2']);
    expect(schema.calls).toBe(1);
  });

  it('a validator that throws fails the task with what it threw', async () => {
    const throwing = { '~standard': { version: 1 as const, vendor: 'test', validate: () => { throw new Error('broken schema'); } } };
    const { served, ran } = flowWith(throwing as unknown as StandardSchemaV1<unknown, { n: number }>);
    const { runner, failed } = setup('queued');
    await runner.run(served, taskOf('a', { run: { n: 1 } }));
    expect(ran).toEqual([]);
    expect(failed).toEqual(['input of flow "f" could not be validated: broken schema']);
  });
});
