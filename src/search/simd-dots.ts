/**
 * Dot products of one query with every row of a matrix, in WebAssembly SIMD (four float32 lanes
 * at a time). The question's cosines against the 5,665 catalogue vectors run after the model has
 * answered, on the critical path of every hybrid question: in plain JavaScript they took 3.5 ms,
 * here under 1 ms (docs/retrieval.md, Latency).
 *
 * The module is the one function below, assembled here byte by byte (no toolchain: it is 192
 * bytes). Its WebAssembly text, for reading:
 *
 *   (func (export "dots") (param $m i32) (param $q i32) (param $out i32) (param $rows i32)
 *                         (param $dims i32) (local $qend i32) (local $qq i32) (local $acc v128)
 *     block loop                                  ;; each row
 *       rows == 0 → break
 *       acc = 0; qq = q; qend = q + dims * 4
 *       loop                                      ;; four lanes at a time
 *         acc = acc + load(m) * load(qq); m += 16; qq += 16
 *         qq < qend → continue
 *       end
 *       store(out, acc[0] + acc[1] + acc[2] + acc[3]); out += 4; rows -= 1
 *       continue
 *     end end)
 */

/** Unsigned LEB128, as the binary format writes sizes and counts. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const name = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];

// Parameters 0–4: m, q, out, rows, dims; locals 5: qend, 6: qq, 7: acc.
const [M, Q, OUT, ROWS, DIMS, QEND, QQ, ACC] = [0, 1, 2, 3, 4, 5, 6, 7];
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32 = (n: number) => [0x41, n]; // n < 64: one byte
const add = 0x6a;
const load = [0xfd, 0x00, 0x02, 0x00]; // v128.load, 4-byte aligned, offset 0
const lane = (i: number) => [...get(ACC), 0xfd, 0x1f, i]; // f32x4.extract_lane i
const addTo = (local: number, n: number) => [...get(local), ...i32(n), add, ...set(local)];

const body = [
  ...[0x02, 0x02, 0x7f, 0x01, 0x7b], // locals: 2 × i32, 1 × v128
  ...[0x02, 0x40, 0x03, 0x40], // block, loop (rows)
  ...get(ROWS),
  0x45,
  0x0d,
  0x01, // rows == 0 → br_if 1 (out of the block)
  ...[0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  ...set(ACC), // acc = v128.const 0
  ...get(Q),
  ...set(QQ),
  ...get(Q),
  ...get(DIMS),
  ...i32(4),
  0x6c,
  add,
  ...set(QEND), // qend = q + dims * 4
  ...[0x03, 0x40], // loop (lanes)
  ...get(ACC),
  ...get(M),
  ...load,
  ...get(QQ),
  ...load,
  ...[0xfd, 0xe6, 0x01, 0xfd, 0xe4, 0x01],
  ...set(ACC), // acc = acc + m * qq (f32x4.mul, .add)
  ...addTo(M, 16),
  ...get(QQ),
  ...i32(16),
  add,
  0x22,
  QQ, // qq += 16 (local.tee)
  ...get(QEND),
  0x49,
  0x0d,
  0x00,
  0x0b, // qq < qend → br_if 0; end
  ...get(OUT),
  ...lane(0),
  ...lane(1),
  0x92,
  ...lane(2),
  0x92,
  ...lane(3),
  0x92, // f32.add
  ...[0x38, 0x02, 0x00], // f32.store
  ...addTo(OUT, 4),
  ...get(ROWS),
  ...i32(1),
  0x6b,
  ...set(ROWS), // rows -= 1
  ...[0x0c, 0x00, 0x0b, 0x0b, 0x0b], // br 0 (next row); end loop, block, function
];

const MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // type: (5 × i32) → ()
  ...section(3, [1, 0]), // one function of type 0
  ...section(5, [1, 0x00, 1]), // one memory, at least one page
  ...section(7, [2, ...name("memory"), 0x02, 0, ...name("dots"), 0x00, 0]),
  ...section(10, [1, ...leb(body.length), ...body]),
]);

export type Dots = (query: Float32Array) => Float32Array;

/** The part of the WebAssembly API used here (the DOM library, which declares it, is not loaded). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => {
    exports: {
      memory: { buffer: ArrayBuffer; grow(pages: number): number };
      dots: (m: number, q: number, out: number, rows: number, dims: number) => void;
    };
  };
}

/**
 * `dots(query)[r]` = row r of `matrix` (rows × dims, row-major) · query, in float32. Null where
 * WebAssembly SIMD is not available or dims is not a multiple of 4 (use a plain loop then). The
 * matrix is copied once into the module's memory; the returned array is reused by the next call.
 */
export function createSimdDots(matrix: Float32Array, dims: number): Dots | null {
  if (dims === 0 || dims % 4 !== 0 || matrix.length % dims !== 0) return null;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm?.validate(MODULE)) return null;
  const rows = matrix.length / dims;
  const { memory, dots: run } = new wasm.Instance(new wasm.Module(MODULE)).exports;
  const bytes = (matrix.length + dims + rows) * 4;
  memory.grow(Math.ceil(Math.max(0, bytes - memory.buffer.byteLength) / 65_536));
  const m = new Float32Array(memory.buffer, 0, matrix.length);
  const q = new Float32Array(memory.buffer, m.byteLength, dims);
  const out = new Float32Array(memory.buffer, m.byteLength + q.byteLength, rows);
  m.set(matrix);
  return (query) => {
    q.set(query);
    run(m.byteOffset, q.byteOffset, out.byteOffset, rows, dims);
    return out;
  };
}
