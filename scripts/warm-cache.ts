// Run by `npm install` (the `prepare` script) and the Docker build: prepares what every start
// would otherwise redo, in node_modules/.cache/balanting/ — the trained FAQ classifier
// (src/knowledge/model-cache.ts) and an empty, migrated embedded database to copy for a new data
// folder (src/db/pglite-template.ts). Both are optional: when this fails the service still
// starts, only slower, so a failure here warns and never fails the install.
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { prepareTemplate } from "../src/db/pglite-template.js";
import { buildFaqIndex, loadFaqTopics } from "../src/knowledge/index.js";

try {
  buildFaqIndex(loadFaqTopics());
} catch (err) {
  console.warn(`warm-cache: the FAQ model was not cached (${(err as Error).message}); it will be trained at start`);
}
try {
  await prepareTemplate(async (dir) => {
    const database = await openDatabase({ engine: "pglite", dataDir: dir });
    try {
      await migrate(database.db);
    } finally {
      await database.close();
    }
  });
} catch (err) {
  console.warn(`warm-cache: no prepared embedded database (${(err as Error).message}); a new one is created at first start`);
}
