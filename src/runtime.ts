// The Runtime is everything a domain function needs: configuration, database, logger, texts,
// clock, and the conversation composed from its domains. main.ts builds one for the process;
// tests build one per file on a fresh database.
import type { Config } from "./config/index.js";
import { seedAreas } from "./areas/index.js";
import { lockDataDir } from "./db/data-dir-lock.js";
import { openDatabase, type Database, type Db } from "./db/client.js";
import { migrate } from "./db/migrate.js";
import { createI18n, type I18n } from "./i18n/index.js";
import { systemClock, type Clock } from "./lib/clock.js";
import type { Logger } from "./lib/log.js";
import { loadNikKey, nikVault, type NikVault } from "./children/nik.js";
import { sealPlainNiks } from "./children/index.js";
import { composeConversation, type Conversation } from "./conversation/compose.js";
import type { ConversationDomain } from "./conversation/domain.js";
import { CONVERSATION_DOMAINS } from "./domains.js";

export interface Runtime {
  config: Config;
  db: Db;
  engine: Database["engine"];
  log: Logger;
  i18n: I18n;
  clock: Clock;
  /** Seals and opens children's NIK (the key is never in the database). */
  nik: NikVault;
  /** Dialogues, handlers and the command-word table of the core and every domain. */
  conversation: Conversation;
  /** LISTEN/NOTIFY on the database (the outbound engine's wake-up across instances), when it has it. */
  listen?: Database["listen"];
  /** Releases the database (and the data folder's lock). */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  log: Logger;
  clock?: Clock;
  /** An already open database (tests); otherwise opened from the configuration. */
  database?: Database;
  /** The domains taking part in conversations; all of them (domains.ts) by default. */
  domains?: readonly ConversationDomain[];
}

/** Opens the database, applies migrations, seeds the geography and loads the texts. */
export async function createRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { log } = options;
  // First, before any database work: a command word or dialogue claimed twice stops the start.
  const conversation = composeConversation(options.domains ?? CONVERSATION_DOMAINS);
  let release = () => {};
  let database = options.database;
  if (!database) {
    if (config.database === "pglite") {
      release = lockDataDir(config.DATA_DIR);
      log.info({ dataDir: config.DATA_DIR }, "using the embedded database (PGlite)");
    } else {
      log.info("using PostgreSQL");
    }
    try {
      database =
        config.database === "pglite"
          ? await openDatabase({ engine: "pglite", dataDir: config.DATA_DIR })
          : await openDatabase({ engine: "postgres", url: config.DATABASE_URL as string, max: config.DB_POOL_MAX });
    } catch (err) {
      release();
      throw err;
    }
  }
  const db = database.db;
  const close = async () => {
    await database.close();
    release();
  };
  try {
    const { applied, total } = await migrate(db);
    log.info({ applied, total }, "database migrations up to date");
    const seeded = await seedAreas(db);
    if (seeded) log.info({ areas: seeded }, "seeded Balangan's kecamatan and desa");
    const i18n = await createI18n();
    const nikKey = loadNikKey(config);
    if (nikKey.source === "new-file")
      log.warn({ file: config.NIK_KEY_FILE }, "created a new NIK key file: back it up apart from the database, or set NIK_KEY");
    const nik = nikVault(nikKey.key);
    const sealed = await sealPlainNiks(db, nik);
    if (sealed) log.info({ children: sealed }, "sealed NIK stored before encryption");
    const listen = database.listen?.bind(database);
    return {
      config,
      db,
      engine: database.engine,
      log,
      i18n,
      clock: options.clock ?? systemClock,
      nik,
      conversation,
      close,
      ...(listen ? { listen } : {}),
    };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
