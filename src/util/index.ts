/** Small helpers with no domain in them, shared by several folders. */
export { createKeyedQueue, type KeyedQueue, type KeyedQueueOptions } from "./keyed-queue.ts";
export { isHttpsLink } from "./https-link.ts";
