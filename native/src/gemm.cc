// seqcast native kernel: single-precision GEMM.
//
// C[i, j] is always computed by one fused multiply-add chain over k = 0 .. K-1 in order, starting from 0
// (or from C[i, j] when accumulating): acc = fma(op(A)[i, k], op(B)[k, j], acc). Every tile, tail, thread
// split, cache block and operand layout performs exactly that chain for each element (a K block stores
// the running float32 value in C and the next block continues from it, which is the same chain), so the
// result for C[i, j] depends only on row i of op(A), column j of op(B), the initial C[i, j] and the
// instruction-set path — not on i's position, on M, N, the blocking or the thread count. The portable
// path does the same chain with a separate multiply and add (the addon is compiled with
// -ffp-contract=off).
//
// Blocking (GotoBLAS style): for each NC-column block and KC-deep slice, op(B) is packed into NR-wide
// panels ([k][NR], zero-padded), then for each MC-row block op(A) is packed into MR-row panels ([k][MR],
// the last panel [k][mr]) and the register-tiled micro-kernel computes each MR x NR tile of C, vectorised
// along the columns. When a packed panel would serve only a few tiles (few rows of C for B, few columns
// for A), the operand is read in place instead. Large products are split into parts by columns or rows
// of C, run on the worker pool (runtime.cc).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "seqcast.h"

#if SEQCAST_X86
#include <immintrin.h>
#define SEQCAST_T512 \
  __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma,avx")))
#define SEQCAST_T256 __attribute__((target("avx2,fma,avx")))
#endif

#if defined(_WIN32)
#include <malloc.h>
#endif

namespace seqcast {

namespace {

// ---------------------------------------------------------------------------------------------------
// Per-thread packing buffers, grown on demand and kept for the next call.

struct Buffer {
  float* p = nullptr;
  size_t cap = 0;
  ~Buffer() { release(); }
  void release() {
#if defined(_WIN32)
    _aligned_free(p);
#else
    std::free(p);
#endif
    p = nullptr;
    cap = 0;
  }
  // Returns an aligned buffer of at least n floats (plus slack for over-reads), or nullptr.
  float* get(size_t n) {
    n += 64;
    if (n <= cap) return p;
    release();
    size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
#if defined(_WIN32)
    p = static_cast<float*>(_aligned_malloc(bytes, 64));
#else
    void* q = nullptr;
    if (posix_memalign(&q, 64, bytes) != 0) q = nullptr;
    p = static_cast<float*>(q);
#endif
    cap = p ? n : 0;
    return p;
  }
};

struct Workspace {
  Buffer a, b;
};

thread_local Workspace tlsWorkspace;

// Row count (in micro-tiles) up to which a non-transposed B is read in place rather than packed.
constexpr int kDirectRows = 4;
// Column count (in NR-wide panels) up to which A is read in place rather than packed.
constexpr int kDirectCols = 1;

inline int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// ---------------------------------------------------------------------------------------------------
// Packing (plain C++, shared by every path; the compiler vectorises the contiguous cases; the
// transposing cases use 8 x 8 AVX transposes on the AVX2 and AVX-512 paths).

#if SEQCAST_X86
// dst[k·dstStride + r] = src[r·srcStride + k] for r < 8, k < n (n a multiple of 8).
SEQCAST_T256 void transposeStrip8(const float* src, int64_t srcStride, float* dst, int64_t dstStride, int64_t n) {
  for (int64_t k = 0; k < n; k += 8, src += 8, dst += 8 * dstStride) {
    __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + srcStride);
    __m256 r2 = _mm256_loadu_ps(src + 2 * srcStride), r3 = _mm256_loadu_ps(src + 3 * srcStride);
    __m256 r4 = _mm256_loadu_ps(src + 4 * srcStride), r5 = _mm256_loadu_ps(src + 5 * srcStride);
    __m256 r6 = _mm256_loadu_ps(src + 6 * srcStride), r7 = _mm256_loadu_ps(src + 7 * srcStride);
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + dstStride, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * dstStride, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * dstStride, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * dstStride, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * dstStride, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * dstStride, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * dstStride, _mm256_permute2f128_ps(u3, u7, 0x31));
  }
}
#endif

// dst[k·dstStride + r] = src[r·srcStride + k] for r < 8, k < n; the AVX transposes when `avx`.
inline void transpose8(bool avx, const float* src, int64_t srcStride, float* dst, int64_t dstStride, int64_t n) {
  int64_t k = 0;
#if SEQCAST_X86
  if (avx) {
    k = n / 8 * 8;
    transposeStrip8(src, srcStride, dst, dstStride, k);
  }
#else
  (void)avx;
#endif
  for (; k < n; ++k) {
    for (int r = 0; r < 8; ++r) dst[k * dstStride + r] = src[r * srcStride + k];
  }
}

// Ap[k * mr + r] = op(A)[i + r, pc + k], r < mr, k < kc
void packA(const Gemm& g, int64_t i, int mr, int64_t pc, int64_t kc, float* Ap, bool avx) {
  if (g.transA) {
    // op(A)[i, k] = A[k * lda + i]: mr contiguous values per k
    const float* src = g.A + pc * g.lda + i;
    for (int64_t k = 0; k < kc; ++k, src += g.lda, Ap += mr) {
      for (int r = 0; r < mr; ++r) Ap[r] = src[r];
    }
  } else if (mr == 8) {
    transpose8(avx, g.A + i * g.lda + pc, g.lda, Ap, 8, kc);
  } else {
    for (int r = 0; r < mr; ++r) {
      const float* src = g.A + (i + r) * g.lda + pc;
      float* dst = Ap + r;
      for (int64_t k = 0; k < kc; ++k) dst[k * mr] = src[k];
    }
  }
}

// Bp[k * NR + j] = op(B)[pc + k, jc + j] for j < nr, 0 for nr <= j < NR, k < kc
template <int NR>
void packB(const Gemm& g, int64_t jc, int nr, int64_t pc, int64_t kc, float* Bp, bool avx) {
  if (!g.transB) {
    const float* src = g.B + pc * g.ldb + jc;
    for (int64_t k = 0; k < kc; ++k, src += g.ldb, Bp += NR) {
      if (nr == NR) {
        std::memcpy(Bp, src, sizeof(float) * NR);
      } else {
        int j = 0;
        for (; j < nr; ++j) Bp[j] = src[j];
        for (; j < NR; ++j) Bp[j] = 0.0f;
      }
    }
  } else {
    // op(B)[k, j] = B[j * ldb + k]: a transposition, eight then four columns of B at a time
    if (nr < NR) std::memset(Bp, 0, sizeof(float) * NR * kc);
    int j = 0;
    for (; j + 8 <= nr; j += 8) transpose8(avx, g.B + (jc + j) * g.ldb + pc, g.ldb, Bp + j, NR, kc);
    for (; j + 4 <= nr; j += 4) {
      const float* s0 = g.B + (jc + j) * g.ldb + pc;
      const float* s1 = s0 + g.ldb;
      const float* s2 = s1 + g.ldb;
      const float* s3 = s2 + g.ldb;
      float* dst = Bp + j;
      for (int64_t k = 0; k < kc; ++k, dst += NR) {
        dst[0] = s0[k];
        dst[1] = s1[k];
        dst[2] = s2[k];
        dst[3] = s3[k];
      }
    }
    for (; j < nr; ++j) {
      const float* s0 = g.B + (jc + j) * g.ldb + pc;
      float* dst = Bp + j;
      for (int64_t k = 0; k < kc; ++k, dst += NR) dst[0] = s0[k];
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Micro-kernels: C[0..mr, 0..nc) (row stride ldc) = (first ? 0 : C) + op(A) rows · B panel over kc steps.
//
// The rows of op(A) are read from a packed panel (kPacked: a[k·mr + r]) or in place (kRows: a[r·as + k],
// a non-transposed A; kCols: a[k·as + r], a transposed A). The B panel is b[k·bs + j]: packed (bs = NR)
// or read in place (bs = ldb). None of this changes the arithmetic of an element.

enum AMode { kPacked = 0, kRows = 1, kCols = 2 };

struct Tile {
  int64_t kc;
  const float* a;
  int64_t as;
  const float* b;
  int64_t bs;
  float* c;
  int64_t ldc;
  int nc;
  bool first;
};

#define SEQCAST_A_AT(AM, MR_, a, rows, as, k, r) \
  ((AM) == kPacked ? (a)[(k) * (MR_) + (r)] : (AM) == kRows ? (rows)[r][k] : (a)[(k) * (as) + (r)])

// Dispatch on the row count (1 .. MR) and the A mode to the compiled tile<MR_, AM>.
#define SEQCAST_DISPATCH_TILE(ATTR, MRMAX)                                           \
  template <int MR_>                                                                 \
  ATTR static void byMode(int am, const Tile& t) {                                   \
    if (am == kPacked) return tile<MR_, kPacked>(t);                                 \
    if (am == kRows) return tile<MR_, kRows>(t);                                     \
    return tile<MR_, kCols>(t);                                                      \
  }                                                                                  \
  template <int MR_>                                                                 \
  ATTR static void byRows(int mr, int am, const Tile& t) {                           \
    if constexpr (MR_ > 1) {                                                         \
      if (mr < MR_) return byRows<MR_ - 1>(mr, am, t);                               \
    }                                                                                \
    return byMode<MR_>(am, t);                                                       \
  }                                                                                  \
  ATTR static void micro(int mr, int am, const Tile& t) { return byRows<MRMAX>(mr, am, t); }

// Portable: NR = 8, MR = 4, separate multiply and add.
struct ScalarKernel {
  static constexpr int MR = 4, NR = 8;
  static constexpr int64_t KC = 256, MC = 128, NC = 1024;
  static constexpr bool kFma = false, kAvx = false;

  template <int MR_, int AM>
  static void tile(const Tile& t) {
    float acc[MR_][NR];
    for (int r = 0; r < MR_; ++r) {
      for (int j = 0; j < NR; ++j) acc[r][j] = (t.first || j >= t.nc) ? 0.0f : t.c[r * t.ldc + j];
    }
    const float* rows[MR_];
    for (int r = 0; r < MR_; ++r) rows[r] = t.a + r * t.as;
    const float* b = t.b;
    for (int64_t k = 0; k < t.kc; ++k, b += t.bs) {
      for (int r = 0; r < MR_; ++r) {
        const float av = SEQCAST_A_AT(AM, MR_, t.a, rows, t.as, k, r);
        for (int j = 0; j < NR; ++j) acc[r][j] = acc[r][j] + av * b[j];
      }
    }
    for (int r = 0; r < MR_; ++r) {
      for (int j = 0; j < t.nc; ++j) t.c[r * t.ldc + j] = acc[r][j];
    }
  }

  SEQCAST_DISPATCH_TILE(, MR)
};

#if SEQCAST_X86

// AVX2 + FMA: NR = 16 (two ymm), MR = 6: 12 accumulators; a partial tile works on a copy of C.
struct Avx2Kernel {
  static constexpr int MR = 6, NR = 16;
  static constexpr int64_t KC = 256, MC = 120, NC = 1024;
  static constexpr bool kFma = true, kAvx = true;

  template <int MR_, int AM>
  SEQCAST_T256 static void full(const Tile& t, float* c, int64_t ldc) {
    __m256 c0[MR_], c1[MR_];
    if (t.first) {
      for (int r = 0; r < MR_; ++r) c0[r] = c1[r] = _mm256_setzero_ps();
    } else {
      for (int r = 0; r < MR_; ++r) {
        c0[r] = _mm256_loadu_ps(c + r * ldc);
        c1[r] = _mm256_loadu_ps(c + r * ldc + 8);
      }
    }
    const float* rows[MR_];
    for (int r = 0; r < MR_; ++r) rows[r] = t.a + r * t.as;
    const float* b = t.b;
    for (int64_t k = 0; k < t.kc; ++k, b += t.bs) {
      const __m256 b0 = _mm256_loadu_ps(b);
      const __m256 b1 = _mm256_loadu_ps(b + 8);
      for (int r = 0; r < MR_; ++r) {
        const __m256 av = _mm256_set1_ps(SEQCAST_A_AT(AM, MR_, t.a, rows, t.as, k, r));
        c0[r] = _mm256_fmadd_ps(av, b0, c0[r]);
        c1[r] = _mm256_fmadd_ps(av, b1, c1[r]);
      }
    }
    for (int r = 0; r < MR_; ++r) {
      _mm256_storeu_ps(c + r * ldc, c0[r]);
      _mm256_storeu_ps(c + r * ldc + 8, c1[r]);
    }
  }

  template <int MR_, int AM>
  SEQCAST_T256 static void tile(const Tile& t) {
    if (t.nc == NR) return full<MR_, AM>(t, t.c, t.ldc);
    // the same arithmetic on a copy, lanes past nc discarded
    alignas(32) float tmp[MR_ * NR];
    for (int r = 0; r < MR_; ++r) {
      for (int j = 0; j < NR; ++j) tmp[r * NR + j] = (t.first || j >= t.nc) ? 0.0f : t.c[r * t.ldc + j];
    }
    full<MR_, AM>(t, tmp, NR);
    for (int r = 0; r < MR_; ++r) std::memcpy(t.c + r * t.ldc, tmp + r * NR, sizeof(float) * t.nc);
  }

  SEQCAST_DISPATCH_TILE(SEQCAST_T256, MR)
};

// AVX-512F + FMA: NR = 32 (two zmm), MR = 8: 16 accumulators; column tails by masked loads and stores.
struct Avx512Kernel {
  static constexpr int MR = 8, NR = 32;
  static constexpr int64_t KC = 384, MC = 128, NC = 1024;
  static constexpr bool kFma = true, kAvx = true;

  template <int MR_, int AM>
  SEQCAST_T512 static void tile(const Tile& t) {
    const int nc = t.nc;
    const __mmask16 m0 = nc >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << nc) - 1u);
    const __mmask16 m1 =
        nc >= 32 ? 0xFFFF : nc <= 16 ? 0 : static_cast<__mmask16>((1u << (nc - 16)) - 1u);
    float* c = t.c;
    const int64_t ldc = t.ldc;
    __m512 c0[MR_], c1[MR_];
    if (t.first) {
      for (int r = 0; r < MR_; ++r) c0[r] = c1[r] = _mm512_setzero_ps();
    } else {
      for (int r = 0; r < MR_; ++r) {
        c0[r] = _mm512_maskz_loadu_ps(m0, c + r * ldc);
        c1[r] = _mm512_maskz_loadu_ps(m1, c + r * ldc + 16);
      }
    }
    const float* rows[MR_];
    for (int r = 0; r < MR_; ++r) rows[r] = t.a + r * t.as;
    const float* b = t.b;
    if (nc > 16) {
      for (int64_t k = 0; k < t.kc; ++k, b += t.bs) {
        const __m512 b0 = _mm512_loadu_ps(b);
        const __m512 b1 = _mm512_loadu_ps(b + 16);
        for (int r = 0; r < MR_; ++r) {
          const __m512 av = _mm512_set1_ps(SEQCAST_A_AT(AM, MR_, t.a, rows, t.as, k, r));
          c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
          c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
        }
      }
    } else {
      // at most 16 columns: the second vector's lanes would all be discarded
      for (int64_t k = 0; k < t.kc; ++k, b += t.bs) {
        const __m512 b0 = _mm512_loadu_ps(b);
        for (int r = 0; r < MR_; ++r) {
          c0[r] = _mm512_fmadd_ps(_mm512_set1_ps(SEQCAST_A_AT(AM, MR_, t.a, rows, t.as, k, r)), b0, c0[r]);
        }
      }
    }
    for (int r = 0; r < MR_; ++r) {
      _mm512_mask_storeu_ps(c + r * ldc, m0, c0[r]);
      _mm512_mask_storeu_ps(c + r * ldc + 16, m1, c1[r]);
    }
  }

  SEQCAST_DISPATCH_TILE(SEQCAST_T512, MR)
};

#endif  // SEQCAST_X86

// ---------------------------------------------------------------------------------------------------
// The unblocked chain over C[i0..i1, j0..j1): the same per-element arithmetic as the micro-kernels
// (fused when `fused`), used only when the packing buffers cannot be allocated.
void gemmUnblocked(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1, bool fused) {
  for (int64_t i = i0; i < i1; ++i) {
    for (int64_t j = j0; j < j1; ++j) {
      float acc = g.accumulate ? g.C[i * g.ldc + j] : 0.0f;
      for (int64_t k = 0; k < g.K; ++k) {
        const float a = g.transA ? g.A[k * g.lda + i] : g.A[i * g.lda + k];
        const float b = g.transB ? g.B[j * g.ldb + k] : g.B[k * g.ldb + j];
        acc = fused ? std::fma(a, b, acc) : acc + a * b;
      }
      g.C[i * g.ldc + j] = acc;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The blocked driver over C[i0..i1, j0..j1), all of K.

template <class Kern>
void gemmBlock(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  constexpr int MR = Kern::MR, NR = Kern::NR;
  constexpr int64_t KC = Kern::KC, MC = Kern::MC, NC = Kern::NC;
  // With few rows, each panel of B would serve only one or two tiles: read a non-transposed B in place
  // rather than pack it. With few columns, each panel of A would serve only one or two tiles: read A in
  // place. (Full-width panels only: a partial B panel is always packed, so nothing past the data is read.)
  const bool directB = !g.transB && i1 - i0 <= kDirectRows * MR;
  const bool directA = j1 - j0 <= kDirectCols * NR;
  Workspace& ws = tlsWorkspace;
  const int64_t kcMax = std::min(KC, g.K);
  float* Ap = directA ? nullptr : ws.a.get(static_cast<size_t>(std::min(MC, roundUp(i1 - i0, MR)) * kcMax));
  float* Bp = ws.b.get(static_cast<size_t>(kcMax * std::min(NC, roundUp(j1 - j0, NR))));
  if ((!directA && !Ap) || !Bp) return gemmUnblocked(g, i0, i1, j0, j1, Kern::kFma);
  Tile t{};
  t.ldc = g.ldc;
  for (int64_t jc = j0; jc < j1; jc += NC) {
    const int64_t nc = std::min(NC, j1 - jc);
    for (int64_t pc = 0; pc < g.K; pc += KC) {
      const int64_t kc = std::min(KC, g.K - pc);
      t.kc = kc;
      t.first = !g.accumulate && pc == 0;
      for (int64_t q = 0; q < nc; q += NR) {
        const int ncols = static_cast<int>(std::min<int64_t>(NR, nc - q));
        if (!directB || ncols < NR) packB<NR>(g, jc + q, ncols, pc, kc, Bp + q * kc, Kern::kAvx);
      }
      for (int64_t ic = i0; ic < i1; ic += MC) {
        const int64_t mc = std::min(MC, i1 - ic);
        if (!directA) {
          for (int64_t r = 0; r < mc; r += MR) {
            packA(g, ic + r, static_cast<int>(std::min<int64_t>(MR, mc - r)), pc, kc, Ap + r * kc, Kern::kAvx);
          }
        }
        for (int64_t q = 0; q < nc; q += NR) {
          t.nc = static_cast<int>(std::min<int64_t>(NR, nc - q));
          const bool direct = directB && t.nc == NR;
          t.b = direct ? g.B + pc * g.ldb + jc + q : Bp + q * kc;
          t.bs = direct ? g.ldb : NR;
          for (int64_t r = 0; r < mc; r += MR) {
            const int mr = static_cast<int>(std::min<int64_t>(MR, mc - r));
            int am;
            if (!directA) {
              am = kPacked;
              t.a = Ap + r * kc;
              t.as = 0;
            } else if (g.transA) {
              am = kCols;
              t.a = g.A + pc * g.lda + ic + r;
              t.as = g.lda;
            } else {
              am = kRows;
              t.a = g.A + (ic + r) * g.lda + pc;
              t.as = g.lda;
            }
            t.c = g.C + (ic + r) * g.ldc + jc + q;
            Kern::micro(mr, am, t);
          }
        }
      }
    }
  }
}

struct Part {
  const Gemm* g;
  void (*block)(const Gemm&, int64_t, int64_t, int64_t, int64_t);
  int64_t rowStep, colStep;  // part t covers rows [t·rowStep, …) or, when rowStep is 0, columns [t·colStep, …)
  int parts;
};

void runPart(void* ctx, int t) {
  Part& p = *static_cast<Part*>(ctx);
  const Gemm& g = *p.g;
  if (p.rowStep) {
    const int64_t i0 = std::min(g.M, t * p.rowStep), i1 = std::min(g.M, i0 + p.rowStep);
    if (i0 < i1) p.block(g, i0, i1, 0, g.N);
  } else {
    const int64_t j0 = std::min(g.N, t * p.colStep), j1 = std::min(g.N, j0 + p.colStep);
    if (j0 < j1) p.block(g, 0, g.M, j0, j1);
  }
}

template <class Kern>
void run(const Gemm& g) {
  int threads = threadCount();
  if (threads > 16) threads = 16;
  const double work = static_cast<double>(g.M) * static_cast<double>(g.N) * static_cast<double>(g.K);
  if (threads <= 1 || work < kParallelWork) return gemmBlock<Kern>(g, 0, g.M, 0, g.N);
  Part p{};
  p.g = &g;
  p.block = &gemmBlock<Kern>;
  // Each part packs its own panels, so a split by columns repeats the packing of A (M·K values per part)
  // and a split by rows that of B (K·N per part): split the larger dimension of C. The parts are claimed
  // dynamically, so with a small repeated cost there are twice as many parts as threads (a thread that
  // the OS runs late then takes fewer of them).
  const bool byCols = g.N >= 2 * Kern::NR && (g.M <= g.N || g.M < 2 * Kern::MR * threads);
  if (byCols) {
    const int want = threads * (4 * g.M <= g.N ? 2 : 1);
    p.colStep = roundUp((g.N + want - 1) / want, Kern::NR);
    p.parts = static_cast<int>((g.N + p.colStep - 1) / p.colStep);
  } else {
    p.rowStep = roundUp((g.M + threads - 1) / threads, Kern::MR);
    p.parts = static_cast<int>((g.M + p.rowStep - 1) / p.rowStep);
  }
  parallelFor(p.parts, runPart, &p);
}

// Touched address range of a strided matrix of `rows` rows of `cols` values.
struct Span {
  const char* lo;
  const char* hi;  // one past the last byte
};

Span spanOf(const float* p, int64_t rows, int64_t cols, int64_t ld) {
  const float* last = p + (rows - 1) * ld + (cols - 1);
  return {reinterpret_cast<const char*>(p), reinterpret_cast<const char*>(last + 1)};
}

bool overlaps(Span a, Span b) { return a.lo < b.hi && b.lo < a.hi; }

// Heap copy that frees itself.
struct Owned {
  float* p = nullptr;
  ~Owned() { std::free(p); }
};

}  // namespace

// ---------------------------------------------------------------------------------------------------

void gemm(const Gemm& in) {
  Gemm g = in;
  if (g.M == 0 || g.N == 0) return;
  if (g.K == 0) {
    if (!g.accumulate) {
      for (int64_t i = 0; i < g.M; ++i) std::memset(g.C + i * g.ldc, 0, sizeof(float) * g.N);
    }
    return;
  }
  // An operand that shares memory with C (other elements of the same buffer, interleaved) is copied
  // first, so that every input is read before any output is written.
  const Span sc = spanOf(g.C, g.M, g.N, g.ldc);
  Owned copyA, copyB;
  if (overlaps(sc, g.transA ? spanOf(g.A, g.K, g.M, g.lda) : spanOf(g.A, g.M, g.K, g.lda))) {
    copyA.p = static_cast<float*>(std::malloc(sizeof(float) * g.M * g.K));
    if (copyA.p) {
      for (int64_t i = 0; i < g.M; ++i) {
        for (int64_t k = 0; k < g.K; ++k) {
          copyA.p[i * g.K + k] = g.transA ? g.A[k * g.lda + i] : g.A[i * g.lda + k];
        }
      }
      g.A = copyA.p;
      g.transA = false;
      g.lda = g.K;
    }
  }
  if (overlaps(sc, g.transB ? spanOf(g.B, g.N, g.K, g.ldb) : spanOf(g.B, g.K, g.N, g.ldb))) {
    copyB.p = static_cast<float*>(std::malloc(sizeof(float) * g.K * g.N));
    if (copyB.p) {
      for (int64_t k = 0; k < g.K; ++k) {
        for (int64_t j = 0; j < g.N; ++j) {
          copyB.p[k * g.N + j] = g.transB ? g.B[j * g.ldb + k] : g.B[k * g.ldb + j];
        }
      }
      g.B = copyB.p;
      g.transB = false;
      g.ldb = g.N;
    }
  }
  switch (currentIsa()) {
#if SEQCAST_X86
    case kAvx512: return run<Avx512Kernel>(g);
    case kAvx2: return run<Avx2Kernel>(g);
#endif
    default: return run<ScalarKernel>(g);
  }
}

}  // namespace seqcast
