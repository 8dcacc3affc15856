/** The offline assistant over the bundled catalogue: shared by main.ts and cli.ts. */
import { createAssistant, type Assistant } from "./assistant/index.ts";
import { loadCatalogue, type Procedure } from "./catalogue/index.ts";
import { createLexicalRetriever, type Retriever } from "./search/index.ts";

export interface OfflineAssistant {
  catalogue: Procedure[];
  retriever: Retriever;
  assistant: Assistant;
}

export function buildOfflineAssistant(opts: {
  catalogueFile?: string | undefined;
  onError?: (err: unknown) => void;
}): OfflineAssistant {
  const catalogue = loadCatalogue(opts.catalogueFile);
  const retriever = createLexicalRetriever(catalogue);
  const assistant = createAssistant({
    catalogue,
    retriever,
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  return { catalogue, retriever, assistant };
}
