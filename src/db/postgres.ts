// postgres.js, with a fix for a fault that takes the whole process down when a connection dies
// inside a transaction (database restart, failover, a network cut): the driver's own ROLLBACK
// is written to the closed socket from a setImmediate, a TypeError no caller can catch
// (porsager/postgres issues #1066, #1154, #1208, still open in 3.4.10; seen here in the 60-s
// database outage of `npm run fault:db-outage`). The same teardown leaves a stale write timer,
// so a connection that survived it could never send its startup message again.
//
// npm has no patch mechanism and a postinstall patcher would not run in `npm ci --omit=dev`
// images, so the fix is applied as the module is loaded: a load hook (node:module register)
// edits four places of connection.js (and resets one stale error). Everything in this project imports postgres.js from here,
// never from "postgres" directly, so the hook is in place before the driver is first loaded.
// When the driver's code no longer matches, loading fails loudly instead of running unfixed.
import { register } from "node:module";
import type PostgresModule from "postgres";

// Runs in Node's loader thread: plain JavaScript, no imports.
const loadHook = String.raw`
const edits = [
  // A query given to a connection whose socket is gone is rejected, not written.
  ["    if (terminated)\n      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))\n",
   "    if (terminated)\n      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))\n\n    if (!socket)\n      return (queryError(q, Errors.connection('CONNECTION_CLOSED', options)), true)\n"],
  // A write scheduled before the socket closed is dropped.
  ["  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
   "  function nextWrite(fn) {\n    if (!socket)\n      return (chunk = nextWriteTimer = null, true)\n    const x = socket.write(chunk, fn)\n"],
  // terminate() and closed() forget the pending bytes and the timer with the socket; closed()
  // also the dead session's last error, which would otherwise fail the first query after reconnecting.
  ["    clearImmediate(nextWriteTimer)\n    if (socket) {\n",
   "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {\n"],
  ["    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
   "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = errorResponse = null\n    socket.removeListener('data', data)\n"],
];
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!/[\\/]node_modules[\\/]postgres[\\/]src[\\/]connection\.js$/.test(url)) return result;
  let source = String(result.source);
  for (const [from, to] of edits) {
    if (source.split(from).length !== 2)
      throw new Error("postgres.js changed: src/db/postgres.ts no longer matches its connection.js; review the fix before upgrading");
    source = source.replace(from, to);
  }
  return { ...result, source };
}
`;
register(`data:text/javascript,${encodeURIComponent(loadHook)}`);

const postgres: typeof PostgresModule = (await import("postgres")).default;
export default postgres;
