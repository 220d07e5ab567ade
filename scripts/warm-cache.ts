// Trains the FAQ classifier once and stores it in node_modules/.cache (src/knowledge/model-cache.ts),
// so a container built from the image starts without training. Run by the Dockerfile at build time.
import { buildFaqIndex, loadFaqTopics } from "../src/knowledge/index.js";

buildFaqIndex(loadFaqTopics());
