/**
 * seqcast's WebAssembly SIMD kernels, in AssemblyScript (compiled by `npm run build:wasm` into
 * src/kernels/wasm-binary.ts).
 *
 * The JavaScript side (src/kernels/wasm.ts) copies the operands into this module's memory, packed:
 * B as a row-major K×N block, C as a row-major M×N block, A with element strides (rowStride, colStride),
 * so one kernel serves every transpose combination.
 *
 * Every element of C is computed by the same arithmetic wherever it sits, in a full tile or in a tail:
 * c ← c + a·b in float32, k = 0 … K−1 in order, with no fused multiply-add. So a row's result does not
 * depend on its position in the batch, and the SIMD lanes and the scalar tail agree bit for bit.
 */

/** C[M, N] (+)= op(A)[M, K] · B[K, N], with op(A)[i, k] = A[i·rs + k·cs]. Pointers are byte addresses. */
export function gemm(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  rs: i32,
  cs: i32,
  b: usize,
  c: usize,
  accumulate: bool,
): void {
  const rowBytes = (<usize>N) << 2;
  const kBytes = (<usize>cs) << 2;
  let i = 0;
  for (; i + 3 < M; i += 4) {
    const a0 = a + ((<usize>(i * rs)) << 2);
    const a1 = a0 + ((<usize>rs) << 2);
    const a2 = a1 + ((<usize>rs) << 2);
    const a3 = a2 + ((<usize>rs) << 2);
    const c0 = c + <usize>i * rowBytes;
    const c1 = c0 + rowBytes;
    const c2 = c1 + rowBytes;
    const c3 = c2 + rowBytes;
    let j = 0;
    // 4 rows × 8 columns: 8 accumulators, 2 B vectors, 1 broadcast A value.
    for (; j + 7 < N; j += 8) {
      const o = (<usize>j) << 2;
      let s00 = accumulate ? v128.load(c0 + o) : f32x4.splat(0);
      let s01 = accumulate ? v128.load(c0 + o, 16) : f32x4.splat(0);
      let s10 = accumulate ? v128.load(c1 + o) : f32x4.splat(0);
      let s11 = accumulate ? v128.load(c1 + o, 16) : f32x4.splat(0);
      let s20 = accumulate ? v128.load(c2 + o) : f32x4.splat(0);
      let s21 = accumulate ? v128.load(c2 + o, 16) : f32x4.splat(0);
      let s30 = accumulate ? v128.load(c3 + o) : f32x4.splat(0);
      let s31 = accumulate ? v128.load(c3 + o, 16) : f32x4.splat(0);
      let pb = b + o;
      let pa = <usize>0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let x = f32x4.splat(load<f32>(a0 + pa));
        s00 = f32x4.add(s00, f32x4.mul(x, b0));
        s01 = f32x4.add(s01, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(a1 + pa));
        s10 = f32x4.add(s10, f32x4.mul(x, b0));
        s11 = f32x4.add(s11, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(a2 + pa));
        s20 = f32x4.add(s20, f32x4.mul(x, b0));
        s21 = f32x4.add(s21, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(a3 + pa));
        s30 = f32x4.add(s30, f32x4.mul(x, b0));
        s31 = f32x4.add(s31, f32x4.mul(x, b1));
        pb += rowBytes;
        pa += kBytes;
      }
      v128.store(c0 + o, s00);
      v128.store(c0 + o, s01, 16);
      v128.store(c1 + o, s10);
      v128.store(c1 + o, s11, 16);
      v128.store(c2 + o, s20);
      v128.store(c2 + o, s21, 16);
      v128.store(c3 + o, s30);
      v128.store(c3 + o, s31, 16);
    }
    for (; j < N; j++) {
      column(a0, c0, j, N, K, kBytes, b, accumulate);
      column(a1, c1, j, N, K, kBytes, b, accumulate);
      column(a2, c2, j, N, K, kBytes, b, accumulate);
      column(a3, c3, j, N, K, kBytes, b, accumulate);
    }
  }
  for (; i < M; i++) {
    const a0 = a + ((<usize>(i * rs)) << 2);
    const c0 = c + <usize>i * rowBytes;
    let j = 0;
    for (; j + 7 < N; j += 8) {
      const o = (<usize>j) << 2;
      let s00 = accumulate ? v128.load(c0 + o) : f32x4.splat(0);
      let s01 = accumulate ? v128.load(c0 + o, 16) : f32x4.splat(0);
      let pb = b + o;
      let pa = <usize>0;
      for (let k = 0; k < K; k++) {
        const x = f32x4.splat(load<f32>(a0 + pa));
        s00 = f32x4.add(s00, f32x4.mul(x, v128.load(pb)));
        s01 = f32x4.add(s01, f32x4.mul(x, v128.load(pb, 16)));
        pb += rowBytes;
        pa += kBytes;
      }
      v128.store(c0 + o, s00);
      v128.store(c0 + o, s01, 16);
    }
    for (; j < N; j++) column(a0, c0, j, N, K, kBytes, b, accumulate);
  }
}

/** One element C[i, j] by the same arithmetic as a SIMD lane. */
function column(
  ai: usize,
  ci: usize,
  j: i32,
  N: i32,
  K: i32,
  kBytes: usize,
  b: usize,
  accumulate: bool,
): void {
  const pc = ci + ((<usize>j) << 2);
  let s: f32 = accumulate ? load<f32>(pc) : 0;
  let pb = b + ((<usize>j) << 2);
  const step = (<usize>N) << 2;
  let pa = ai;
  for (let k = 0; k < K; k++) {
    s = s + load<f32>(pa) * load<f32>(pb);
    pb += step;
    pa += kBytes;
  }
  store<f32>(pc, s);
}

/** dst[cols, rows] ← srcᵀ for a row-major src[rows, cols]; both contiguous. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const TILE = 8;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        for (let cc = c0; cc < c1; cc++) {
          store<f32>(dst + ((<usize>(cc * rows + r)) << 2), load<f32>(src + ((<usize>(r * cols + cc)) << 2)));
        }
      }
    }
  }
}
