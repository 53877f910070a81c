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

// ---------------------------------------------------------------------------------------------------------
// Activations in f32x4, after Cephes' expf and tanhf (about 1–2 ulp; the tests sweep them against
// Math.exp / Math.tanh). Every lane and every scalar tail goes through these same functions.

function expv(x: v128): v128 {
  // pmax/pmin (plain maxps/minps) keep a NaN in x: it is the first operand
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.7));
  // n = round(x / ln 2); r = x − n·ln 2 in two parts (Cody–Waite)
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  const z = f32x4.mul(r, r);
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1));
  // 2^n, built in the exponent bits (n ∈ [−126, 128] after the clamp; 2^128 is split in two)
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

function sigmoidv(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
}

function tanhv(x: v128): v128 {
  const ax = f32x4.abs(x);
  // |x| < 0.625: odd polynomial
  const s = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, s), x), x);
  // otherwise: 1 − 2 / (e^{2|x|} + 1), with the sign of x
  const e = expv(f32x4.add(ax, ax));
  const large = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const signed = v128.or(large, v128.and(x, f32x4.splat(-0.0)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** Activates n floats in place: kind 1 tanh, 2 sigmoid. */
export function activate(kind: i32, x: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const p = x + ((<usize>i) << 2);
    const v = v128.load(p);
    v128.store(p, kind == 1 ? tanhv(v) : sigmoidv(v));
  }
  for (; i < n; i++) {
    const p = x + ((<usize>i) << 2);
    const v = f32x4.splat(load<f32>(p));
    store<f32>(p, f32x4.extract_lane(kind == 1 ? tanhv(v) : sigmoidv(v), 0));
  }
}

/**
 * One LSTM step after the products (Keras' default activations: sigmoid gates, tanh cell):
 * z [B, 4U] holds the pre-activations i | f | g | o and is activated in place;
 * c = f ⊙ cPrev + i ⊙ g; cAct = tanh(c); h = o ⊙ cAct. All blocks contiguous.
 */
export function lstm_forward(B: i32, U: i32, z: usize, cPrev: usize, c: usize, cAct: usize, h: usize): void {
  const rowZ = (<usize>U) << 4; // 4U floats
  const rowS = (<usize>U) << 2;
  const gate = (<usize>U) << 2; // bytes between gate blocks in a row
  for (let b = 0; b < B; b++) {
    const zr = z + <usize>b * rowZ;
    const sr = <usize>b * rowS;
    let j = 0;
    for (; j + 3 < U; j += 4) lstmForward4(zr, gate, sr, (<usize>j) << 2, cPrev, c, cAct, h);
    for (; j < U; j++) lstmForward1(zr, gate, sr, (<usize>j) << 2, cPrev, c, cAct, h);
  }
}

function lstmForward4(
  zr: usize,
  gate: usize,
  sr: usize,
  o: usize,
  cPrev: usize,
  c: usize,
  cAct: usize,
  h: usize,
): void {
  const i = sigmoidv(v128.load(zr + o));
  const f = sigmoidv(v128.load(zr + gate + o));
  const g = tanhv(v128.load(zr + 2 * gate + o));
  const og = sigmoidv(v128.load(zr + 3 * gate + o));
  v128.store(zr + o, i);
  v128.store(zr + gate + o, f);
  v128.store(zr + 2 * gate + o, g);
  v128.store(zr + 3 * gate + o, og);
  const ct = f32x4.add(f32x4.mul(f, v128.load(cPrev + sr + o)), f32x4.mul(i, g));
  const ca = tanhv(ct);
  v128.store(c + sr + o, ct);
  v128.store(cAct + sr + o, ca);
  v128.store(h + sr + o, f32x4.mul(og, ca));
}

function lstmForward1(
  zr: usize,
  gate: usize,
  sr: usize,
  o: usize,
  cPrev: usize,
  c: usize,
  cAct: usize,
  h: usize,
): void {
  const i = sigmoidv(f32x4.splat(load<f32>(zr + o)));
  const f = sigmoidv(f32x4.splat(load<f32>(zr + gate + o)));
  const g = tanhv(f32x4.splat(load<f32>(zr + 2 * gate + o)));
  const og = sigmoidv(f32x4.splat(load<f32>(zr + 3 * gate + o)));
  store<f32>(zr + o, f32x4.extract_lane(i, 0));
  store<f32>(zr + gate + o, f32x4.extract_lane(f, 0));
  store<f32>(zr + 2 * gate + o, f32x4.extract_lane(g, 0));
  store<f32>(zr + 3 * gate + o, f32x4.extract_lane(og, 0));
  const ct = f32x4.add(f32x4.mul(f, f32x4.splat(load<f32>(cPrev + sr + o))), f32x4.mul(i, g));
  const ca = tanhv(ct);
  store<f32>(c + sr + o, f32x4.extract_lane(ct, 0));
  store<f32>(cAct + sr + o, f32x4.extract_lane(ca, 0));
  store<f32>(h + sr + o, f32x4.extract_lane(f32x4.mul(og, ca), 0));
}

/**
 * One LSTM step backward, through the elementwise part (the layer then forms dhNext = dz · Uᵀ):
 * gates [B, 4U] activated (i | f | g | o), cAct = tanh(c_t), cPrev = c_{t−1}, dh = ∂L/∂h_t from the outputs,
 * dhNext and dcNext the gradients carried back from step t+1 (dcNext is updated to ∂L/∂c_{t−1});
 * writes dz [B, 4U], the gradient at the pre-activations.
 */
export function lstm_backward(
  B: i32,
  U: i32,
  gates: usize,
  cAct: usize,
  cPrev: usize,
  dh: usize,
  dhNext: usize,
  dcNext: usize,
  dz: usize,
): void {
  const rowZ = (<usize>U) << 4;
  const rowS = (<usize>U) << 2;
  const gate = (<usize>U) << 2;
  for (let b = 0; b < B; b++) {
    const gr = gates + <usize>b * rowZ;
    const dr = dz + <usize>b * rowZ;
    const sr = <usize>b * rowS;
    let j = 0;
    for (; j + 3 < U; j += 4) {
      const o = (<usize>j) << 2;
      const r = lstmBackwardV(
        v128.load(gr + o),
        v128.load(gr + gate + o),
        v128.load(gr + 2 * gate + o),
        v128.load(gr + 3 * gate + o),
        v128.load(cAct + sr + o),
        v128.load(cPrev + sr + o),
        f32x4.add(v128.load(dh + sr + o), v128.load(dhNext + sr + o)),
        v128.load(dcNext + sr + o),
        dr,
        gate,
        o,
        false,
      );
      v128.store(dcNext + sr + o, r);
    }
    for (; j < U; j++) {
      const o = (<usize>j) << 2;
      const r = lstmBackwardV(
        f32x4.splat(load<f32>(gr + o)),
        f32x4.splat(load<f32>(gr + gate + o)),
        f32x4.splat(load<f32>(gr + 2 * gate + o)),
        f32x4.splat(load<f32>(gr + 3 * gate + o)),
        f32x4.splat(load<f32>(cAct + sr + o)),
        f32x4.splat(load<f32>(cPrev + sr + o)),
        f32x4.add(f32x4.splat(load<f32>(dh + sr + o)), f32x4.splat(load<f32>(dhNext + sr + o))),
        f32x4.splat(load<f32>(dcNext + sr + o)),
        dr,
        gate,
        o,
        true,
      );
      store<f32>(dcNext + sr + o, f32x4.extract_lane(r, 0));
    }
  }
}

/** The elementwise LSTM backward for 4 lanes (or lane 0 only when `one`); returns the new dcNext. */
function lstmBackwardV(
  i: v128,
  f: v128,
  g: v128,
  og: v128,
  ca: v128,
  cp: v128,
  dhTotal: v128,
  dcNext: v128,
  dr: usize,
  gate: usize,
  o: usize,
  one: bool,
): v128 {
  const unit = f32x4.splat(1);
  // dz_o = dhTotal ⊙ tanh(c_t) ⊙ o(1 − o); the path into c_t: dhTotal ⊙ o ⊙ (1 − tanh²(c_t))
  const dzo = f32x4.mul(f32x4.mul(dhTotal, ca), f32x4.mul(og, f32x4.sub(unit, og)));
  const dc = f32x4.add(dcNext, f32x4.mul(f32x4.mul(dhTotal, og), f32x4.sub(unit, f32x4.mul(ca, ca))));
  const di = f32x4.mul(f32x4.mul(dc, g), f32x4.mul(i, f32x4.sub(unit, i)));
  const df = f32x4.mul(f32x4.mul(dc, cp), f32x4.mul(f, f32x4.sub(unit, f)));
  const dg = f32x4.mul(f32x4.mul(dc, i), f32x4.sub(unit, f32x4.mul(g, g)));
  if (one) {
    store<f32>(dr + o, f32x4.extract_lane(di, 0));
    store<f32>(dr + gate + o, f32x4.extract_lane(df, 0));
    store<f32>(dr + 2 * gate + o, f32x4.extract_lane(dg, 0));
    store<f32>(dr + 3 * gate + o, f32x4.extract_lane(dzo, 0));
  } else {
    v128.store(dr + o, di);
    v128.store(dr + gate + o, df);
    v128.store(dr + 2 * gate + o, dg);
    v128.store(dr + 3 * gate + o, dzo);
  }
  return f32x4.mul(dc, f);
}

/**
 * C[M, N] (+)= A[M, K] · B[N, K]ᵀ, A and B rows contiguous (dot products of rows, no transpose needed).
 * Each element: four lane sums over k ≡ 0, 1, 2, 3 (mod 4) in order, added as (l0 + l1) + (l2 + l3),
 * then the K mod 4 remaining products in order, then added to C: the same sequence wherever the element sits.
 */
export function gemm_nt(M: i32, N: i32, K: i32, a: usize, b: usize, c: usize, accumulate: bool): void {
  const rowA = (<usize>K) << 2;
  const K4 = K & ~3;
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    const c0 = c + ((<usize>(i * N)) << 2);
    const c1 = c0 + ((<usize>N) << 2);
    let j = 0;
    for (; j + 3 < N; j += 4) {
      const b0 = b + <usize>j * rowA;
      const b1 = b0 + rowA;
      const b2 = b1 + rowA;
      const b3 = b2 + rowA;
      let s00 = f32x4.splat(0);
      let s01 = f32x4.splat(0);
      let s02 = f32x4.splat(0);
      let s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0);
      let s11 = f32x4.splat(0);
      let s12 = f32x4.splat(0);
      let s13 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const o = (<usize>k) << 2;
        const x0 = v128.load(a0 + o);
        const x1 = v128.load(a1 + o);
        let y = v128.load(b0 + o);
        s00 = f32x4.add(s00, f32x4.mul(x0, y));
        s10 = f32x4.add(s10, f32x4.mul(x1, y));
        y = v128.load(b1 + o);
        s01 = f32x4.add(s01, f32x4.mul(x0, y));
        s11 = f32x4.add(s11, f32x4.mul(x1, y));
        y = v128.load(b2 + o);
        s02 = f32x4.add(s02, f32x4.mul(x0, y));
        s12 = f32x4.add(s12, f32x4.mul(x1, y));
        y = v128.load(b3 + o);
        s03 = f32x4.add(s03, f32x4.mul(x0, y));
        s13 = f32x4.add(s13, f32x4.mul(x1, y));
      }
      finishDot(s00, a0, b0, K4, K, c0 + ((<usize>j) << 2), accumulate);
      finishDot(s01, a0, b1, K4, K, c0 + ((<usize>(j + 1)) << 2), accumulate);
      finishDot(s02, a0, b2, K4, K, c0 + ((<usize>(j + 2)) << 2), accumulate);
      finishDot(s03, a0, b3, K4, K, c0 + ((<usize>(j + 3)) << 2), accumulate);
      finishDot(s10, a1, b0, K4, K, c1 + ((<usize>j) << 2), accumulate);
      finishDot(s11, a1, b1, K4, K, c1 + ((<usize>(j + 1)) << 2), accumulate);
      finishDot(s12, a1, b2, K4, K, c1 + ((<usize>(j + 2)) << 2), accumulate);
      finishDot(s13, a1, b3, K4, K, c1 + ((<usize>(j + 3)) << 2), accumulate);
    }
    for (; j < N; j++) {
      const bj = b + <usize>j * rowA;
      dot1(a0, bj, K4, K, c0 + ((<usize>j) << 2), accumulate);
      dot1(a1, bj, K4, K, c1 + ((<usize>j) << 2), accumulate);
    }
  }
  for (; i < M; i++) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + ((<usize>(i * N)) << 2);
    for (let j = 0; j < N; j++) dot1(a0, b + <usize>j * rowA, K4, K, c0 + ((<usize>j) << 2), accumulate);
  }
}

function dot1(a: usize, b: usize, K4: i32, K: i32, pc: usize, accumulate: bool): void {
  let s = f32x4.splat(0);
  for (let k = 0; k < K4; k += 4) {
    const o = (<usize>k) << 2;
    s = f32x4.add(s, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  finishDot(s, a, b, K4, K, pc, accumulate);
}

function finishDot(s: v128, a: usize, b: usize, K4: i32, K: i32, pc: usize, accumulate: bool): void {
  let t: f32 =
    f32x4.extract_lane(s, 0) +
    f32x4.extract_lane(s, 1) +
    (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  for (let k = K4; k < K; k++) t += load<f32>(a + ((<usize>k) << 2)) * load<f32>(b + ((<usize>k) << 2));
  store<f32>(pc, accumulate ? load<f32>(pc) + t : t);
}

/**
 * One GRU step (resetAfter, Keras' default activations) after the recurrent product:
 * gates [B, 3U] hold mx = x·W + b[0] (z | r | h blocks), mh [B, 3U] holds h_{t−1}·U + b[1];
 * gates become z = σ(mx_z + mh_z), r = σ(mx_r + mh_r), hh = tanh(mx_h + r ⊙ mh_h);
 * h = z ⊙ hPrev + (1 − z) ⊙ hh. hPrev and h are contiguous [B, U] blocks.
 */
export function gru_forward(B: i32, U: i32, gates: usize, mh: usize, hPrev: usize, h: usize): void {
  const row3 = (<usize>U * 3) << 2;
  const gate = (<usize>U) << 2;
  for (let b = 0; b < B; b++) {
    const gr = gates + <usize>b * row3;
    const mr = mh + <usize>b * row3;
    const sr = <usize>b * gate;
    let j = 0;
    for (; j + 3 < U; j += 4) {
      const o = (<usize>j) << 2;
      const z = sigmoidv(f32x4.add(v128.load(gr + o), v128.load(mr + o)));
      const r = sigmoidv(f32x4.add(v128.load(gr + gate + o), v128.load(mr + gate + o)));
      const hh = tanhv(f32x4.add(v128.load(gr + 2 * gate + o), f32x4.mul(r, v128.load(mr + 2 * gate + o))));
      v128.store(gr + o, z);
      v128.store(gr + gate + o, r);
      v128.store(gr + 2 * gate + o, hh);
      const hp = v128.load(hPrev + sr + o);
      v128.store(h + sr + o, f32x4.add(f32x4.mul(z, hp), f32x4.mul(f32x4.sub(f32x4.splat(1), z), hh)));
    }
    for (; j < U; j++) {
      const o = (<usize>j) << 2;
      const z = sigmoidv(f32x4.splat(load<f32>(gr + o) + load<f32>(mr + o)));
      const r = sigmoidv(f32x4.splat(load<f32>(gr + gate + o) + load<f32>(mr + gate + o)));
      const hh = tanhv(
        f32x4.add(
          f32x4.splat(load<f32>(gr + 2 * gate + o)),
          f32x4.mul(r, f32x4.splat(load<f32>(mr + 2 * gate + o))),
        ),
      );
      store<f32>(gr + o, f32x4.extract_lane(z, 0));
      store<f32>(gr + gate + o, f32x4.extract_lane(r, 0));
      store<f32>(gr + 2 * gate + o, f32x4.extract_lane(hh, 0));
      const hp = f32x4.splat(load<f32>(hPrev + sr + o));
      const ht = f32x4.add(f32x4.mul(z, hp), f32x4.mul(f32x4.sub(f32x4.splat(1), z), hh));
      store<f32>(h + sr + o, f32x4.extract_lane(ht, 0));
    }
  }
}

/**
 * One GRU step backward (resetAfter), the elementwise part: with dht = dh + dhNext,
 * dzPre = dht ⊙ (hPrev − hh) ⊙ z(1−z), dhhPre = dht ⊙ (1−z) ⊙ (1−hh²), drPre = dhhPre ⊙ mh_h ⊙ r(1−r);
 * writes dMX = [dzPre, drPre, dhhPre], dMH = [dzPre, drPre, dhhPre ⊙ r] and dhNext = dht ⊙ z
 * (the layer then adds dMH · Uᵀ to dhNext).
 */
export function gru_backward(
  B: i32,
  U: i32,
  gates: usize,
  mh: usize,
  hPrev: usize,
  dh: usize,
  dhNext: usize,
  dMX: usize,
  dMH: usize,
): void {
  const row3 = (<usize>U * 3) << 2;
  const gate = (<usize>U) << 2;
  for (let b = 0; b < B; b++) {
    const off = <usize>b * row3;
    const sr = <usize>b * gate;
    let j = 0;
    for (; j + 3 < U; j += 4) {
      const o = (<usize>j) << 2;
      const r = gruBackwardV(
        v128.load(gates + off + o),
        v128.load(gates + off + gate + o),
        v128.load(gates + off + 2 * gate + o),
        v128.load(mh + off + 2 * gate + o),
        v128.load(hPrev + sr + o),
        f32x4.add(v128.load(dh + sr + o), v128.load(dhNext + sr + o)),
        dMX + off + o,
        dMH + off + o,
        gate,
        false,
      );
      v128.store(dhNext + sr + o, r);
    }
    for (; j < U; j++) {
      const o = (<usize>j) << 2;
      const r = gruBackwardV(
        f32x4.splat(load<f32>(gates + off + o)),
        f32x4.splat(load<f32>(gates + off + gate + o)),
        f32x4.splat(load<f32>(gates + off + 2 * gate + o)),
        f32x4.splat(load<f32>(mh + off + 2 * gate + o)),
        f32x4.splat(load<f32>(hPrev + sr + o)),
        f32x4.splat(load<f32>(dh + sr + o) + load<f32>(dhNext + sr + o)),
        dMX + off + o,
        dMH + off + o,
        gate,
        true,
      );
      store<f32>(dhNext + sr + o, f32x4.extract_lane(r, 0));
    }
  }
}

function gruBackwardV(
  z: v128,
  r: v128,
  hh: v128,
  mhh: v128,
  hp: v128,
  dht: v128,
  px: usize,
  pm: usize,
  gate: usize,
  one: bool,
): v128 {
  const unit = f32x4.splat(1);
  const dz = f32x4.mul(f32x4.mul(dht, f32x4.sub(hp, hh)), f32x4.mul(z, f32x4.sub(unit, z)));
  const dhh = f32x4.mul(f32x4.mul(dht, f32x4.sub(unit, z)), f32x4.sub(unit, f32x4.mul(hh, hh)));
  const dr = f32x4.mul(f32x4.mul(dhh, mhh), f32x4.mul(r, f32x4.sub(unit, r)));
  const dhr = f32x4.mul(dhh, r);
  if (one) {
    store<f32>(px, f32x4.extract_lane(dz, 0));
    store<f32>(px + gate, f32x4.extract_lane(dr, 0));
    store<f32>(px + 2 * gate, f32x4.extract_lane(dhh, 0));
    store<f32>(pm, f32x4.extract_lane(dz, 0));
    store<f32>(pm + gate, f32x4.extract_lane(dr, 0));
    store<f32>(pm + 2 * gate, f32x4.extract_lane(dhr, 0));
  } else {
    v128.store(px, dz);
    v128.store(px + gate, dr);
    v128.store(px + 2 * gate, dhh);
    v128.store(pm, dz);
    v128.store(pm + gate, dr);
    v128.store(pm + 2 * gate, dhr);
  }
  return f32x4.mul(dht, z);
}
