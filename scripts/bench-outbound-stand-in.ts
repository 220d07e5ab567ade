// The Bot API stand-in of bench:outbound in a process of its own, as Telegram is: its clock and
// event loop are not stalled by the engine's database work, so arrival times are what a remote
// server would see. Talks to the benchmark over IPC; times are epoch milliseconds.
import { performance } from "node:perf_hooks";
import { BotApiStandIn } from "../test/channels/telegram/bot-api-stand-in.js";

const api = new BotApiStandIn();
api.limits = JSON.parse(process.env.STAND_IN_LIMITS ?? "{}") as BotApiStandIn["limits"];
const apiRoot = await api.listen();
const epoch = (t: number) => performance.timeOrigin + t;
process.send?.({ type: "ready", apiRoot });

process.on("message", (m: { type: string }) => {
  if (m.type === "stats") {
    process.send?.({
      type: "stats",
      tooManyRequests: api.tooManyRequests,
      ignoredRetryAfter: api.ignoredRetryAfter,
      tooManyAt: api.tooManyAt.map(epoch),
      tooManyWhy: api.tooManyWhy,
    });
  }
  if (m.type === "close") void api.close().then(() => process.exit(0));
});

let reported = 0;
for (;;) {
  await api.waitForDelivered(reported + 1);
  const batch = api.delivered.slice(reported);
  reported += batch.length;
  process.send?.({ type: "delivered", items: batch.map((d) => ({ chatId: d.chatId, text: d.text, at: epoch(d.at) })) });
}
