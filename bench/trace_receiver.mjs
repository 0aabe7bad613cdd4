// A stand-in Datadog Agent for benchmarks: accepts PUT/POST /v0.4/traces on loopback, answers as
// the agent does, and counts what it got. Prints "traces N requests M bytes B" when stopped.
//   node bench/trace_receiver.mjs PORT
import http from 'node:http';

const port = Number(process.argv[2] || 18126);
let traces = 0, requests = 0, bytes = 0;
const server = http.createServer((req, res) => {
  let size = 0;
  req.on('data', (chunk) => { size += chunk.length; });
  req.on('end', () => {
    requests += 1;
    bytes += size;
    traces += Number(req.headers['x-datadog-trace-count'] || 0);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"rate_by_service":{"service:,env:":1}}');
  });
});
const report = () => {
  console.log(`traces ${traces} requests ${requests} bytes ${bytes}`);
  process.exit(0);
};
process.on('SIGTERM', report);
process.on('SIGINT', report);
server.listen(port, '127.0.0.1');
