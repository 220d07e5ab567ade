// Child process of the kill -9 test: claims due reminders on DATABASE_URL, says "claimed" and
// hangs inside the transaction until it is killed.
import { openDatabase } from "../../src/db/client.js";
import { ManualClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/log.js";
import { dispatchDue } from "../../src/reminders/dispatch.js";
import { createRuntime } from "../../src/runtime.js";
import { testConfig } from "../helpers/runtime.js";

const url = process.env.DATABASE_URL!;
const rt = await createRuntime(testConfig(), {
  log: createLogger("silent"),
  clock: new ManualClock(process.env.NOW),
  database: await openDatabase({ engine: "postgres", url, max: 2 }),
});
await dispatchDue(rt, undefined, {
  beforeCommit: async () => {
    process.stdout.write("claimed\n");
    await new Promise(() => {}); // never commits
  },
});
