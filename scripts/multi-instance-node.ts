// One instance of the 3-instance run (scripts/multi-instance.ts): composed as src/main.ts does
// (configuration from the environment, runtime on the shared PostgreSQL, HTTP app, Telegram
// webhook, outbound engine), plus a linked WhatsApp account (Baileys adapter with its real owner
// lock) whose socket is a stand-in, so no real WhatsApp server is contacted. Reports to the parent
// on stdout, one JSON line per event.
import { buildApp } from "../src/app.js";
import { ChannelHub, startOutbound } from "../src/channels/index.js";
import { telegramAdapterFromConfig } from "../src/channels/telegram/index.js";
import { createWhatsAppAdapter } from "../src/channels/whatsapp/index.js";
import { loadConfig } from "../src/config/index.js";
import { createInboundSink } from "../src/conversation/index.js";
import { refreshKnowledge } from "../src/knowledge/index.js";
import { createLogger } from "../src/lib/log.js";
import { createRuntime } from "../src/runtime.js";
import { FakeSocket } from "../test/channels/whatsapp/fake-socket.js";

const name = process.env.INSTANCE ?? "?";
const report = (event: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ instance: name, event, at: Date.now(), ...extra })}\n`);

const config = loadConfig();
const rt = await createRuntime(config, { log: createLogger(config.LOG_LEVEL) });
const hub = new ChannelHub();
const sink = createInboundSink(rt, hub);
hub.onStopped(() => sink.idle());
const telegram = telegramAdapterFromConfig(config, { log: rt.log, sink });
if (telegram) hub.register(telegram);
hub.register(
  createWhatsAppAdapter({
    rt,
    sink,
    sendIntervalMs: 0,
    socketFactory: (socketConfig) => {
      report("whatsapp-socket-opened");
      const socket = new FakeSocket(socketConfig);
      setTimeout(() => socket.open(), 10);
      return socket;
    },
    printQr: () => {},
  }),
);
await refreshKnowledge(rt, rt.db, true);
const app = await buildApp(rt, { hub });
await app.listen({ port: config.PORT, host: "127.0.0.1" });
await hub.startAll();
const outbound = await startOutbound(rt, hub);
report("ready");

process.on("SIGTERM", () => {
  void (async () => {
    await hub.stopAll();
    await outbound.stop();
    await app.close();
    await rt.close();
    process.exit(0);
  })();
});
