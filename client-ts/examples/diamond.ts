// A diamond with a map step, used by `make demo`:
//
//   seed --> square (map) --> sum --\
//     \                              +--> report
//      `---> label ------------------/
//
//   pgflow inspect examples/diamond.ts
//   pgflow compile examples/diamond.ts --out migrations
import { Flow } from 'pgflow-ts';

export const diamond = new Flow<{ n: number }>({ slug: 'diamond', maxAttempts: 3, timeout: 30 })
  // 1..n
  .step({ slug: 'seed' }, (input) => Array.from({ length: input.run.n }, (_, i) => i + 1))
  // One task per element of seed's output.
  .map({ slug: 'square', array: 'seed' }, (x) => x * x)
  .step({ slug: 'sum', dependsOn: ['square'] }, (input) => input.square.reduce((a, b) => a + b, 0))
  .step({ slug: 'label', dependsOn: ['seed'] }, (input) => `sum of squares of 1..${input.seed.length}`)
  .step({ slug: 'report', dependsOn: ['sum', 'label'], maxAttempts: 1 }, (input) => ({
    text: `${input.label} = ${input.sum}`,
    sum: input.sum,
  }));

export default diamond;
