// Child process of the kill -9 test: an instance sending campaign rows from DATABASE_URL to the
// Bot API stand-in at API_ROOT, until it is killed.
import { engineFor } from "../../src/channels/engine.js";
import { ChannelHub } from "../../src/channels/hub.js";
import { createTelegramAdapter } from "../../src/channels/telegram/index.js";
import "../../src/campaigns/index.js"; // the campaigns' send-time guard, as every instance has it
import { openDatabase } from "../../src/db/client.js";
import { ManualClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/log.js";
import { createRuntime } from "../../src/runtime.js";
import { TEST_TOKEN } from "../channels/telegram/bot-api-stand-in.js";
import { testConfig } from "../helpers/runtime.js";

const log = createLogger("silent");
const rt = await createRuntime(testConfig(), {
  log,
  clock: new ManualClock(process.env.NOW),
  database: await openDatabase({ engine: "postgres", url: process.env.DATABASE_URL!, max: 4 }),
});
const hub = new ChannelHub().register(
  createTelegramAdapter({
    token: TEST_TOKEN,
    apiRoot: process.env.API_ROOT!,
    mode: "webhook",
    webhookSecret: "s3cret",
    log,
    sink: async () => {},
  }),
);
const engine = engineFor(rt, hub, {
  pacing: { telegram: { perSecond: 60, perRecipientPerSecond: 1 } },
  pollMs: 50,
  leaseMs: 3_000,
  retryBaseMs: 0,
  retryMaxMs: 0,
  maxAttempts: 3,
});
await engine.start();
process.stdout.write("started\n");
