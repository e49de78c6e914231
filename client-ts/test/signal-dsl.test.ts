// .signal(): a step of type 'signal' with no task options, and a handler that never runs.
import { describe, expect, it } from 'vitest';
import { compileFlow } from '../src/compile/compile.js';
import { Flow, signalPayload } from '../src/dsl/flow.js';
import { FlowDefinitionError } from '../src/dsl/validate.js';

describe('.signal()', () => {
  const flow = new Flow({ slug: 'sig' })
    .step({ slug: 'a' }, () => 1)
    .signal({ slug: 'approve', dependsOn: ['a'], timeout: 60, payload: signalPayload<{ ok: boolean }>() });

  it('adds a signal step with its deps and timeout', () => {
    expect(flow.getStep('approve')).toMatchObject({ slug: 'approve', type: 'signal', dependsOn: ['a'], options: { timeout: 60 } });
    expect(compileFlow(flow)).toContain('{"slug": "approve", "type": "signal", "deps": ["a"], "options": {"timeout": 60}}');
  });

  it('has a handler that refuses to run', () => {
    expect(() => flow.getStep('approve')!.handler(null, {} as never)).toThrow('is a signal step');
  });

  it('rejects the options of tasks, unknown keys and unknown deps', () => {
    const f = new Flow({ slug: 'sig2' });
    expect(() => f.signal({ slug: 's', maxAttempts: 2 } as never)).toThrow(FlowDefinitionError);
    expect(() => f.signal({ slug: 's', startDelay: 2 } as never)).toThrow('signal step "s" takes no startDelay');
    expect(() => f.signal({ slug: 's', nope: 1 } as never)).toThrow(FlowDefinitionError);
    expect(() => f.signal({ slug: 's', dependsOn: ['x'] } as never)).toThrow(FlowDefinitionError);
    expect(() => flow.signal({ slug: 'approve' } as never)).toThrow('already defined');
  });
});
