// .array(): a step whose handler must return an array; dependents and maps see one.
import { expectError, expectType } from 'tsd';
import { Flow, type FlowOutput, type StepContext, type StepInput, type StepOutput } from '../dist/index.js';

type User = { id: number; name: string };

const flow = new Flow<{ team: string }, { db: string }>({ slug: 'team' })
  .array({ slug: 'users', maxAttempts: 2, timeout: 30 }, async (input, ctx): Promise<User[]> => {
    expectType<{ run: { team: string } }>(input);
    expectType<StepContext<{ db: string }>>(ctx);
    return [{ id: 1, name: input.run.team + ctx.context.db }];
  })
  .array({ slug: 'admins', dependsOn: ['users'], startDelay: 1 }, (input) => {
    expectType<{ run: { team: string }; users: User[] }>(input);
    return input.users.filter((u) => u.id === 1);
  })
  .map({ slug: 'greet', array: 'users' }, (user) => {
    expectType<User>(user);
    return `hello ${user.name}`;
  })
  .step({ slug: 'count', dependsOn: ['admins', 'greet'] }, (input) => input.admins.length + input.greet.length);
expectType<User[]>({} as StepOutput<typeof flow, 'users'>);
expectType<User[]>({} as StepOutput<typeof flow, 'admins'>);
expectType<{ run: { team: string }; users: User[] }>({} as StepInput<typeof flow, 'admins'>);
expectType<{ count: number }>({} as FlowOutput<typeof flow>);

// Tuples and readonly arrays are arrays too.
new Flow<null>({ slug: 't' })
  .array({ slug: 'pair' }, () => [1, 'a'] as [number, string])
  .array({ slug: 'ro' }, (): readonly number[] => [1])
  .map({ slug: 'each', array: 'pair' }, (v) => {
    expectType<string | number>(v);
    return v;
  });

// Must not compile: a handler that does not return an array (or may not).
expectError(flow.array({ slug: 'x' }, () => 'a'));
expectError(flow.array({ slug: 'x' }, async () => ({ items: [1] })));
expectError(flow.array({ slug: 'x' }, () => null));
expectError(flow.array({ slug: 'x' }, () => {}));
expectError(flow.array({ slug: 'x' }, (): number[] | null => [1]));
// ... an array of something that is not JSON, and the usual slug and dependency mistakes.
expectError(flow.array({ slug: 'x' }, () => [new Date()]));
expectError(flow.array({ slug: 'x' }, () => [undefined]));
expectError(flow.array({ slug: 'users' }, () => [1]));
expectError(flow.array({ slug: 'x', dependsOn: ['nope'] }, () => [1]));
expectError(flow.array({ slug: 'x', array: 'users' }, () => [1]));
expectError(flow.array({ slug: 'x', timout: 1 }, () => [1]));
