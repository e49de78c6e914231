import { describe, expect, it } from 'vitest';
import { CompletionBatcher, MAX_COMPLETION_BATCH, type SendResults } from '../../src/worker/completions.js';
import type { TaskKey } from '../../src/worker/db.js';
import { deferred } from './fake-db.js';

const task = (n: number): TaskKey => ({ run_id: `r${n}`, step_slug: 's', task_index: n });
const keys = (json: string) =>
  (JSON.parse(json) as TaskKey[]).map(({ run_id, step_slug, task_index }) => ({ run_id, step_slug, task_index }));

/** A send that records each call and records every result it gets, unless `respond` says otherwise. */
function recorder(respond?: (json: string, call: number) => Promise<TaskKey[] | undefined> | TaskKey[] | undefined) {
  const calls: Array<{ json: string; fields: Record<string, unknown> }> = [];
  const send: SendResults = async (json, fields) => {
    calls.push({ json, fields });
    return respond ? respond(json, calls.length) : keys(json);
  };
  return { calls, send };
}

describe('CompletionBatcher', () => {
  it('sends a lone result at once, as a one-item complete_tasks array', async () => {
    const { calls, send } = recorder();
    const batcher = new CompletionBatcher(send);
    expect(await batcher.complete(task(1), '{"a":[1,"x"]}')).toBe(true);
    expect(calls).toEqual([
      { json: '[{"run_id":"r1","step_slug":"s","task_index":1,"output":{"a":[1,"x"]}}]', fields: { tasks: 1 } },
    ]);
  });

  it('results that come in during one turn of the event loop go in one call', async () => {
    const { calls, send } = recorder();
    const batcher = new CompletionBatcher(send);
    const results = [1, 2, 3].map((n) => batcher.complete(task(n), String(n)));
    expect(calls.length).toBe(0); // sent a turn later
    expect(await Promise.all(results)).toEqual([true, true, true]);
    expect(calls.map((c) => c.fields)).toEqual([{ tasks: 3 }]);
  });

  it('up to maxInFlight batches go at once; results that come in meanwhile wait and go together next', async () => {
    const gates = [deferred(), deferred()];
    const { calls, send } = recorder(async (json, call) => {
      if (call <= 2) await gates[call - 1]!.promise;
      return keys(json);
    });
    const batcher = new CompletionBatcher(send, 500, 2);
    const first = batcher.complete(task(1), '1');
    await new Promise((r) => setImmediate(r));
    const second = batcher.complete(task(2), '2');
    await new Promise((r) => setImmediate(r));
    expect(calls.length).toBe(2); // two on their way
    const rest = [3, 4, 5].map((n) => batcher.complete(task(n), String(n)));
    await new Promise((r) => setImmediate(r));
    expect(calls.length).toBe(2);
    gates[1]!.resolve(); // the second returns: what waited goes in one call
    expect(await second).toBe(true);
    expect(await Promise.all(rest)).toEqual([true, true, true]);
    expect(calls.map((c) => c.fields)).toEqual([{ tasks: 1 }, { tasks: 1 }, { tasks: 3 }]);
    gates[0]!.resolve();
    expect(await first).toBe(true);
  });

  it('sends at most maxBatch results per call', async () => {
    expect(MAX_COMPLETION_BATCH).toBe(500);
    const gate = deferred();
    const { calls, send } = recorder(async (json, call) => {
      if (call === 1) await gate.promise;
      return keys(json);
    });
    const batcher = new CompletionBatcher(send, 2, 1);
    const results = [1, 2, 3, 4, 5, 6].map((n) => batcher.complete(task(n), 'null'));
    gate.resolve();
    await Promise.all(results);
    expect(calls.map((c) => c.fields.tasks)).toEqual([2, 2, 2]);
  });

  it('a result the database did not record resolves false', async () => {
    const gate = deferred();
    const { send } = recorder(async (json, call) => {
      if (call === 1) await gate.promise;
      return keys(json).filter((k) => k.task_index !== 3);
    });
    const batcher = new CompletionBatcher(send);
    const results = [1, 2, 3].map((n) => batcher.complete(task(n), 'null'));
    gate.resolve();
    expect(await Promise.all(results)).toEqual([true, true, false]);
  });

  it('after a failed batch, sends its results one by one; one that fails alone resolves false', async () => {
    const gate = deferred();
    const { calls, send } = recorder(async (json, call) => {
      if (call === 1) await gate.promise;
      const items = keys(json);
      if (items.length > 1) return undefined; // the batch fails
      return items[0]!.task_index === 3 ? undefined : items;
    });
    const batcher = new CompletionBatcher(send);
    const results = [1, 2, 3, 4].map((n) => batcher.complete(task(n), `${n}`));
    gate.resolve();
    expect(await Promise.all(results)).toEqual([true, true, false, true]);
    expect(calls.map((c) => c.fields)).toEqual([
      { tasks: 4 },
      { run_id: 'r1', step: 's', task_index: 1 },
      { run_id: 'r2', step: 's', task_index: 2 },
      { run_id: 'r3', step: 's', task_index: 3 },
      { run_id: 'r4', step: 's', task_index: 4 },
    ]);
    expect(calls[2]!.json).toBe('[{"run_id":"r2","step_slug":"s","task_index":2,"output":2}]');
  });

  it('a lone result whose call fails resolves undefined, and is not sent again', async () => {
    const { calls, send } = recorder(() => undefined);
    const batcher = new CompletionBatcher(send);
    expect(await batcher.complete(task(1), 'null')).toBeUndefined();
    expect(calls.length).toBe(1);
  });

  it('goes on after a failure: the next result is sent', async () => {
    const { send } = recorder((json, call) => (call === 1 ? undefined : keys(json)));
    const batcher = new CompletionBatcher(send);
    expect(await batcher.complete(task(1), 'null')).toBeUndefined();
    expect(await batcher.complete(task(2), 'null')).toBe(true);
  });
});
