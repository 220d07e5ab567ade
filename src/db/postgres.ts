// postgres.js, with a fix for a fault that takes the whole process down when a connection dies
// inside a transaction (database restart, failover, a network cut): the driver's own ROLLBACK
// is written to the closed socket from a setImmediate, a TypeError no caller can catch
// (porsager/postgres issues #1066, #1154, #1208, still open in 3.4.10; seen here in the 60-s
// database outage of `npm run fault:db-outage`). The same teardown leaves a stale write timer,
// so a connection that survived it could never send its startup message again.
//
// npm has no patch mechanism and a postinstall patcher would not run in `npm ci --omit=dev`
// images, so the fix is applied as the module is loaded: a load hook (node:module register)
// edits five places of connection.js (and resets one stale error) and three of index.js (a
// transaction that lost its connection sends nothing more to it). Everything in this project imports postgres.js from here,
// never from "postgres" directly, so the hook is in place before the driver is first loaded.
// When the driver's code no longer matches, loading fails loudly instead of running unfixed.
import { register } from "node:module";
import type PostgresModule from "postgres";

// Runs in Node's loader thread: plain JavaScript, no imports.
const loadHook = String.raw`
const connectionEdits = [
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
  // What was sent on a closed socket is never answered, even when the close came with an error:
  // between the socket's error and its close a transaction's ROLLBACK can still be queued, and
  // left in place it stood first in line on the reconnected socket, so every later query of that
  // connection waited forever.
  ["    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n",
   "    if (query || sent.length)\n      error(Errors.connection('CONNECTION_CLOSED', options, socket))\n"],
];
// A transaction whose connection closed under it must not send its ROLLBACK (or anything else)
// to that connection again: by then the pool has handed the connection to a queued transaction,
// whose BEGIN the stray ROLLBACK would take the place of (that transaction then never settled)
// or undo. The transaction remembers that its connection is lost and rejects what comes after.
const indexEdits = [
  ["    let savepoints = 0\n      , connection\n",
   "    let savepoints = 0\n      , lost = false\n      , connection\n"],
  ["        new Promise((_, reject) => connection.onclose = reject)\n",
   "        new Promise((_, reject) => connection.onclose = e => (lost = true, reject(e)))\n"],
  ["      function handler(q) {\n        q.catch(e => uncaughtError || (uncaughtError = e))\n        c.queue === full\n",
   "      function handler(q) {\n        q.catch(e => uncaughtError || (uncaughtError = e))\n        if (lost)\n          return q.reject(Errors.connection('CONNECTION_CLOSED', options))\n        c.queue === full\n"],
];
const patched = [
  [/[\\/]node_modules[\\/]postgres[\\/]src[\\/]connection\.js$/, connectionEdits],
  [/[\\/]node_modules[\\/]postgres[\\/]src[\\/]index\.js$/, indexEdits],
];
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  const edits = patched.find(([file]) => file.test(url))?.[1];
  if (!edits) return result;
  let source = String(result.source);
  for (const [from, to] of edits) {
    if (source.split(from).length !== 2)
      throw new Error("postgres.js changed: src/db/postgres.ts no longer matches its connection.js / index.js; review the fix before upgrading");
    source = source.replace(from, to);
  }
  return { ...result, source };
}
`;
register(`data:text/javascript,${encodeURIComponent(loadHook)}`);

const postgres: typeof PostgresModule = (await import("postgres")).default;
export default postgres;
