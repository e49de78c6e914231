// The definition surface of upstream pgflow's DSL (@pgflow/dsl 0.8.1): a flow
// written for it compiles with only its import changed, and types the same.
// (test/fixtures/upstream-flows.ts is run end to end by test/db/upstream.test.ts.)
import { expectError, expectType } from 'tsd';
import { Flow, type StepInput, type StepOutput } from '../dist/index.js';

type Input = { url: string };

export const AnalyzeWebsite = new Flow<Input>({
  slug: 'analyze_website',
  maxAttempts: 3,
  baseDelay: 5,
  timeout: 10,
})
  .step({ slug: 'website' }, async (input) => await scrapeWebsite(input.run.url))
  .step(
    { slug: 'sentiment', dependsOn: ['website'], timeout: 30, maxAttempts: 5 },
    async (input) => await analyzeSentiment(input.website.content),
  )
  .step({ slug: 'summary', dependsOn: ['website'], startDelay: 10 }, async (input) => await summarizeWithAI(input.website.content))
  .step({ slug: 'saveToDb', dependsOn: ['sentiment', 'summary'] }, async (input) => {
    const results = await saveToDb({
      websiteUrl: input.run.url,
      sentiment: input.sentiment.score,
      summary: input.summary.aiSummary,
    });
    return results.status;
  });
expectType<{ score: number }>({} as StepOutput<typeof AnalyzeWebsite, 'sentiment'>);
expectType<string>({} as StepOutput<typeof AnalyzeWebsite, 'saveToDb'>);
expectType<{ run: Input; sentiment: { score: number }; summary: { aiSummary: string } }>(
  {} as StepInput<typeof AnalyzeWebsite, 'saveToDb'>,
);

// .array feeding dependent maps, chained.
type User = { id: number; name: string };
const users = new Flow<{}>({ slug: 'user_flow' })
  .array({ slug: 'users' }, (): User[] => [
    { id: 1, name: 'Alice' },
    { id: 2, name: 'Bob' },
  ])
  .map({ slug: 'greet', array: 'users' }, (user) => `Hello, ${user.name} (ID: ${user.id})`)
  .array({ slug: 'combined', dependsOn: ['users', 'greet'] }, async (input) => [...input.greet, ...input.users.map((u) => u.name)]);
expectType<User[]>({} as StepOutput<typeof users, 'users'>);
expectType<string[]>({} as StepOutput<typeof users, 'greet'>);
expectType<string[]>({} as StepOutput<typeof users, 'combined'>);

// A root map (no `array`) maps over the flow input, which must be an array.
const strings = new Flow<string[]>({ slug: 'text_processing', maxAttempts: 3 })
  .map({ slug: 'normalize' }, (text) => text.trim().toLowerCase())
  .map({ slug: 'capitalize', array: 'normalize' }, (text) => text.charAt(0).toUpperCase() + text.slice(1))
  .step({ slug: 'summarize', dependsOn: ['capitalize'] }, (input) => ({
    processed: input.capitalize.length,
    results: input.capitalize,
  }));
expectType<string[]>({} as StepOutput<typeof strings, 'capitalize'>);
expectType<{ processed: number; results: string[] }>({} as StepOutput<typeof strings, 'summarize'>);

// Upstream's destructuring style, a mutable dependsOn array, and a step that returns nothing.
const deps: ['a'] = ['a'];
new Flow<number>({ slug: 'sequential' })
  .step({ slug: 'a' }, ({ run }) => run + 1)
  .step({ slug: 'b', dependsOn: deps }, ({ a }) => {
    expectType<number>(a);
  });

// Upstream's root map needs an array input here too; its handler context is ours (StepContext).
expectError(new Flow<{ items: string[] }>({ slug: 'x' }).map({ slug: 'm' }, (item) => item));
expectError(strings.step({ slug: 'x' }, (_input, context) => context.shutdownSignal));
expectError(strings.step({ slug: 'x' }, (_input, context) => context.env));

async function scrapeWebsite(url: string) {
  return { content: `Lorem ipsum ${url.length}` };
}
const analyzeSentiment = async (_content: string) => ({ score: 0.5 });
const summarizeWithAI = async (content: string) => ({ aiSummary: `Lorem ipsum ${content.length}` });
const saveToDb = async (_input: { websiteUrl: string; sentiment: number; summary: string }) => ({ status: 'success' });
