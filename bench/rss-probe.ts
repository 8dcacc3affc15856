/**
 * Run in a child process by bench/run.ts: loads the catalogue and builds our retriever, nothing
 * else (no peer libraries), and prints the process memory as one JSON line.
 */
import { createLexicalRetriever } from "../src/search/index.ts";
import { loadBenchCatalogue } from "./catalogue.ts";
import { memorySnapshot } from "./memory.ts";

const catalogue = loadBenchCatalogue();
const retriever = createLexicalRetriever(catalogue);
retriever.search("đăng ký khai sinh", 10);
const now = memorySnapshot();
console.log(
  JSON.stringify({
    rss_mb: now.rss,
    heap_mb: now.heapUsed,
    external_mb: now.external,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    procedures: catalogue.length,
  }),
);
