// Flow shapes and changes, against the database of the PG* environment:
// `node --import pgflow-ts/register examples/shapes.ts`.
import postgres from 'postgres';
import { Flow, registerFlow } from 'pgflow-ts';

const sql = postgres({ onnotice: () => {} });

const v1 = new Flow<{ url: string }>({ slug: 'shapes_demo' })
  .step({ slug: 'fetch', timeout: 30 }, (input) => input.run.url)
  .step({ slug: 'size', dependsOn: ['fetch'] }, (input) => input.fetch.length);

await registerFlow(sql, v1); // creates the flow, all or nothing
await registerFlow(sql, v1); // the same shape again: a no-op

// Another shape under the same slug is refused, every difference listed.
const v2 = new Flow<{ url: string }>({ slug: 'shapes_demo' })
  .step({ slug: 'fetch', timeout: 30 }, (input) => input.run.url)
  .step({ slug: 'store', dependsOn: ['fetch'] }, () => null);
try {
  await registerFlow(sql, v2);
} catch (error) {
  console.log((error as Error).message);
  // flow "shapes_demo" already exists with another shape:
  //   step "store" added: deps [fetch], type single
  //   step "size" removed
}

// Options are not part of the shape: change them in place, runs or not.
await sql`select pgflow.set_step_options('shapes_demo', 'fetch', timeout => 120)`;
const [shape] = await sql`select pgflow.get_flow_shape('shapes_demo') as shape`;
console.log(JSON.stringify(shape!.shape));

await sql`select pgflow.delete_flow_and_data('shapes_demo')`; // development only
await sql.end();
