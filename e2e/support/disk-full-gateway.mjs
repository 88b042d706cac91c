// For the storage spec only: the built gateway, started as `mcp-gateway start
// --port N --home DIR` would start it, with a handle on the connection that
// commits the recording (the writer thread's) so the test can fill the "disk". Lines on stdin: `full` sets max_page_count to
// the pages in use, after which every write fails with SQLITE_FULL ("database
// or disk is full"), the error a full file system gives; `space` raises it
// again. Each command is acknowledged on stdout ("disk: full").
import { createInterface } from 'node:readline';

const { startGateway } = await import(new URL('../../packages/gateway/dist/index.js', import.meta.url).href);

const arg = (name) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};

const gateway = await startGateway({ home: arg('--home'), port: Number(arg('--port')) });
const { writer } = gateway;
const roomy = writer.pragma('max_page_count');

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'full') writer.pragma(`max_page_count = ${writer.pragma('page_count')}`);
  else if (line === 'space') writer.pragma(`max_page_count = ${roomy}`);
  else return;
  process.stdout.write(`disk: ${line}\n`);
});
process.once('SIGTERM', () => {
  void gateway.close().then(() => process.exit(0));
});
process.stdout.write(`listening on ${gateway.url}\n`);
