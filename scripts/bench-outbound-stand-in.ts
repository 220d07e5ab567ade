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

// Summary mode (bench:reminders:deliver, ~145,000 messages): the sender's process is measured, so it
// is sent counts, not every message; doubles are counted here, by chat.
if (process.env.STAND_IN_SUMMARY) {
  const perChat = new Map<string, number>();
  let counted = 0;
  let doubled = 0;
  const progress = () => {
    for (; counted < api.delivered.length; counted++) {
      const chat = api.delivered[counted]!.chatId;
      const n = (perChat.get(chat) ?? 0) + 1;
      perChat.set(chat, n);
      if (n > 1) doubled++;
    }
    const first = api.delivered[0];
    const last = api.delivered.at(-1);
    process.send?.({
      type: "progress",
      delivered: api.delivered.length,
      chats: perChat.size,
      doubled,
      firstAt: first ? epoch(first.at) : null,
      lastAt: last ? epoch(last.at) : null,
    });
  };
  setInterval(progress, 500);
} else
  for (let reported = 0; ;) {
    await api.waitForDelivered(reported + 1);
    const batch = api.delivered.slice(reported);
    reported += batch.length;
    process.send?.({ type: "delivered", items: batch.map((d) => ({ chatId: d.chatId, text: d.text, at: epoch(d.at) })) });
  }
