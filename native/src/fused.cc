// seqcast native kernel: the fused recurrent steps behind the Backend's step methods
// (src/kernels/backend.ts, the step contract; src/kernels/native.ts calls these around the recurrent
// product): the elementwise part of one LSTM or GRU (resetAfter) time step, with Keras' default
// activations (sigmoid gates, tanh candidate and cell), on the typed arrays' memory in place.
//
// Each step performs the arithmetic of the general step loops (src/kernels/steps.ts) on the native
// backend, operation for operation: the activations through the same per-path activate() as the
// backend's activate (double precision, rounded once to float32), every other expression in double
// precision, as JavaScript evaluates it, rounded to float32 exactly where the loops store a value into
// a Float32Array. So a fused step gives bit for bit what the general loops give on the same path
// (the addon is compiled with -ffp-contract=off: no multiply-add is fused).
//
// The blocks are [B, 4U] (LSTM gates i | f | g | o), [B, 3U] (GRU z | r | h) and [B, U], contiguous;
// addon.cc checks that each lies inside its array and that no block written overlaps another block,
// which is what lets the loops below take __restrict pointers. A row's gates are activated in place by
// activate() (one call per gate run of the row), then the rest of the row is formed in one plain loop
// that the compiler vectorises; each path compiles the same loops with its own target attribute. Large
// steps are split by rows over the worker pool (runtime.cc); rows are independent, so the split never
// changes a bit.
#include "seqcast.h"

#if SEQCAST_X86
#define SEQCAST_T512 \
  __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma,avx")))
#define SEQCAST_T256 __attribute__((target("avx2,fma,avx")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SEQCAST_INLINE inline __attribute__((always_inline))
#define SEQCAST_RESTRICT __restrict__
#else
#define SEQCAST_INLINE inline
#define SEQCAST_RESTRICT
#endif

namespace seqcast {

namespace {

using ActivateFn = void (*)(int act, float* x, int64_t n);

// A step is split over the worker pool when each thread gets at least this many units (B·U): where even
// a pool that has gone to sleep (about 12 µs to wake, measured) costs less than the split saves. About
// 6, 4, 1.8 and 1.2 ns per unit on one AVX-512 core for the LSTM forward, GRU forward, LSTM backward and
// GRU backward steps (the other paths are slower, so they gain at least as much).
constexpr int64_t kSplitLstmForward = 2048;
constexpr int64_t kSplitGruForward = 4096;
constexpr int64_t kSplitBackward = 8192;

inline float f32(double v) { return static_cast<float>(v); }

// gates [B, 4U] (pre-activations, activated in place); c = f ⊙ cPrev + i ⊙ g; cAct = tanh(c); h = o ⊙ cAct.
// As steps.ts: ct = f·c_{t−1} + i·g in double, stored; h = o·cAct in double, stored (the double product of
// two floats is exact, so that is the float32 product).
SEQCAST_INLINE void lstmForwardRows(ActivateFn activate, int64_t B, int64_t U, float* SEQCAST_RESTRICT gates,
                                    const float* SEQCAST_RESTRICT cPrev, float* SEQCAST_RESTRICT c,
                                    float* SEQCAST_RESTRICT cAct, float* SEQCAST_RESTRICT h) {
  for (int64_t b = 0; b < B; ++b) {
    float* SEQCAST_RESTRICT z = gates + b * 4 * U;
    activate(kSigmoid, z, 2 * U);  // i, f
    activate(kTanh, z + 2 * U, U);  // g
    activate(kSigmoid, z + 3 * U, U);  // o
    const float* SEQCAST_RESTRICT cp = cPrev + b * U;
    float* SEQCAST_RESTRICT ct = c + b * U;
    float* SEQCAST_RESTRICT ca = cAct + b * U;
    for (int64_t j = 0; j < U; ++j) {
      const float v = f32(static_cast<double>(z[U + j]) * cp[j] + static_cast<double>(z[j]) * z[2 * U + j]);
      ct[j] = v;
      ca[j] = v;
    }
    activate(kTanh, ca, U);
    float* SEQCAST_RESTRICT hr = h + b * U;
    for (int64_t j = 0; j < U; ++j) hr[j] = f32(static_cast<double>(z[3 * U + j]) * ca[j]);
  }
}

// As steps.ts' LSTM backward loops and the backend's activateBackward (dx · (1 − y²), dx · y(1 − y) in double),
// each value rounded where the loops store it: dz_o and the path into c_t are stored before their
// derivative is applied, dc is not.
SEQCAST_INLINE void lstmBackwardRows(int64_t B, int64_t U, const float* SEQCAST_RESTRICT gates,
                                     const float* SEQCAST_RESTRICT cAct, const float* SEQCAST_RESTRICT cPrev,
                                     const float* SEQCAST_RESTRICT dh, const float* SEQCAST_RESTRICT dhNext,
                                     float* SEQCAST_RESTRICT dcNext, float* SEQCAST_RESTRICT dz) {
  for (int64_t b = 0; b < B; ++b) {
    const float* SEQCAST_RESTRICT g = gates + b * 4 * U;
    float* SEQCAST_RESTRICT d = dz + b * 4 * U;
    const int64_t s = b * U;
    for (int64_t j = 0; j < U; ++j) {
      const double i = g[j], f = g[U + j], gg = g[2 * U + j], o = g[3 * U + j];
      const double ca = cAct[s + j];
      const double dhTotal = static_cast<double>(dh[s + j]) + dhNext[s + j];
      const double dzo = f32(dhTotal * ca);
      const double toC = f32(static_cast<double>(f32(dhTotal * o)) * (1.0 - ca * ca));
      const double dc = static_cast<double>(dcNext[s + j]) + toC;
      const double di = f32(dc * gg), df = f32(dc * cPrev[s + j]), dg = f32(dc * i);
      dcNext[s + j] = f32(dc * f);
      d[j] = f32(di * (i * (1.0 - i)));
      d[U + j] = f32(df * (f * (1.0 - f)));
      d[2 * U + j] = f32(dg * (1.0 - gg * gg));
      d[3 * U + j] = f32(dzo * (o * (1.0 - o)));
    }
  }
}

// gates [B, 3U] hold mx, mh [B, 3U] holds h_{t−1}·U + b[1]; as steps.ts: mx_zr += mh_zr (stored), σ;
// mx_h += r·mh_h (stored), tanh; h_t = z·h_{t−1} + (1 − z)·hh in double, stored.
SEQCAST_INLINE void gruForwardRows(ActivateFn activate, int64_t B, int64_t U, float* SEQCAST_RESTRICT gates,
                                   const float* SEQCAST_RESTRICT mh, const float* SEQCAST_RESTRICT hPrev,
                                   float* SEQCAST_RESTRICT h) {
  for (int64_t b = 0; b < B; ++b) {
    float* SEQCAST_RESTRICT x = gates + b * 3 * U;
    const float* SEQCAST_RESTRICT m = mh + b * 3 * U;
    for (int64_t k = 0; k < 2 * U; ++k) x[k] = f32(static_cast<double>(x[k]) + m[k]);
    activate(kSigmoid, x, 2 * U);  // z, r
    for (int64_t j = 0; j < U; ++j) {
      x[2 * U + j] = f32(static_cast<double>(x[2 * U + j]) + static_cast<double>(x[U + j]) * m[2 * U + j]);
    }
    activate(kTanh, x + 2 * U, U);  // hh
    const float* SEQCAST_RESTRICT hp = hPrev + b * U;
    float* SEQCAST_RESTRICT ht = h + b * U;
    for (int64_t j = 0; j < U; ++j) {
      const double z = x[j];
      ht[j] = f32(z * hp[j] + (1.0 - z) * x[2 * U + j]);
    }
  }
}

// As steps.ts' GRU backward loops (resetAfter) and the backend's activateBackward, each value rounded where the
// loops store it; dht is not stored.
SEQCAST_INLINE void gruBackwardRows(int64_t B, int64_t U, const float* SEQCAST_RESTRICT gates,
                                    const float* SEQCAST_RESTRICT mh, const float* SEQCAST_RESTRICT hPrev,
                                    const float* SEQCAST_RESTRICT dh, float* SEQCAST_RESTRICT dhNext,
                                    float* SEQCAST_RESTRICT dMX, float* SEQCAST_RESTRICT dMH) {
  for (int64_t b = 0; b < B; ++b) {
    const int64_t o = b * 3 * U;
    const int64_t s = b * U;
    for (int64_t j = 0; j < U; ++j) {
      const double z = gates[o + j], r = gates[o + U + j], hh = gates[o + 2 * U + j];
      const double dht = static_cast<double>(dh[s + j]) + dhNext[s + j];
      const double dzPre = f32(static_cast<double>(f32(dht * (static_cast<double>(hPrev[s + j]) - hh))) *
                               (z * (1.0 - z)));
      const double dhhPre = f32(static_cast<double>(f32(dht * (1.0 - z))) * (1.0 - hh * hh));
      dhNext[s + j] = f32(dht * z);
      const double drPre = f32(static_cast<double>(f32(dhhPre * mh[o + 2 * U + j])) * (r * (1.0 - r)));
      dMX[o + j] = static_cast<float>(dzPre);
      dMX[o + U + j] = static_cast<float>(drPre);
      dMX[o + 2 * U + j] = static_cast<float>(dhhPre);
      dMH[o + j] = static_cast<float>(dzPre);
      dMH[o + U + j] = static_cast<float>(drPre);
      dMH[o + 2 * U + j] = f32(dhhPre * r);
    }
  }
}

// The same loops compiled once per path, with that path's activate().
#define SEQCAST_FUSED_PATH(NS, TARGET, ACTIVATE)                                              \
  namespace NS {                                                                             \
  TARGET void lstmForward(const LstmStep& s) {                                                \
    lstmForwardRows(ACTIVATE, s.B, s.U, s.gates, s.cPrev, s.c, s.cAct, s.h);                  \
  }                                                                                          \
  TARGET void lstmBackward(const LstmStep& s) {                                               \
    lstmBackwardRows(s.B, s.U, s.gates, s.cAct, s.cPrev, s.dh, s.dhNext, s.dcNext, s.dz);     \
  }                                                                                          \
  TARGET void gruForward(const GruStep& s) {                                                  \
    gruForwardRows(ACTIVATE, s.B, s.U, s.gates, s.mh, s.hPrev, s.h);                          \
  }                                                                                          \
  TARGET void gruBackward(const GruStep& s) {                                                 \
    gruBackwardRows(s.B, s.U, s.gates, s.mh, s.hPrev, s.dh, s.dhNext, s.dMX, s.dMH);          \
  }                                                                                          \
  }

SEQCAST_FUSED_PATH(portable, , scalar::activate)
#if SEQCAST_X86
SEQCAST_FUSED_PATH(wide256, SEQCAST_T256, avx2::activate)
SEQCAST_FUSED_PATH(wide512, SEQCAST_T512, avx512::activate)
#endif

#undef SEQCAST_FUSED_PATH

// p + o, or null for a field the step's direction does not use.
template <class T>
T* at(T* p, int64_t o) {
  return p == nullptr ? nullptr : p + o;
}

// Rows b0 .. b1-1 of a step.
LstmStep rows(const LstmStep& s, int64_t b0, int64_t b1) {
  const int64_t o = b0 * s.U;
  return {b1 - b0,         s.U,           at(s.gates, 4 * o), at(s.cPrev, o), at(s.c, o),
          at(s.cAct, o),   at(s.h, o),    at(s.dh, o),        at(s.dhNext, o), at(s.dcNext, o),
          at(s.dz, 4 * o)};
}
GruStep rows(const GruStep& s, int64_t b0, int64_t b1) {
  const int64_t o = b0 * s.U;
  return {b1 - b0,        s.U,         at(s.gates, 3 * o),  at(s.mh, 3 * o),    at(s.hPrev, o),
          at(s.h, o),     at(s.dh, o), at(s.dhNext, o),     at(s.dMX, 3 * o),   at(s.dMH, 3 * o)};
}

template <class Step>
struct RowSplit {
  const Step* step;
  void (*fn)(const Step&);
  int parts;
};

// Runs fn on the step's rows, split into parts over the worker pool when there are at least `minUnits`
// units (B·U) per thread. Every element is computed alone, so the split never changes a result.
template <class Step>
void splitRows(const Step& s, void (*fn)(const Step&), int64_t minUnits) {
  int64_t parts = threadCount();
  if (parts > s.B) parts = s.B;
  if (parts > 1 && s.B * s.U < minUnits * parts) parts = 1;
  if (parts <= 1) return fn(s);
  RowSplit<Step> split{&s, fn, static_cast<int>(parts)};
  parallelFor(
      split.parts,
      [](void* ctx, int t) {
        const RowSplit<Step>& p = *static_cast<const RowSplit<Step>*>(ctx);
        const int64_t B = p.step->B;
        p.fn(rows(*p.step, B * t / p.parts, B * (t + 1) / p.parts));
      },
      &split);
}

template <class Step>
void dispatch(const Step& s, void (*scalarFn)(const Step&), void (*avx2Fn)(const Step&),
              void (*avx512Fn)(const Step&), int64_t minUnits) {
  switch (currentIsa()) {
    case kAvx512: return splitRows(s, avx512Fn, minUnits);
    case kAvx2: return splitRows(s, avx2Fn, minUnits);
    default: return splitRows(s, scalarFn, minUnits);
  }
}

}  // namespace

#if SEQCAST_X86
#define SEQCAST_PATHS(FN) portable::FN, wide256::FN, wide512::FN
#else
#define SEQCAST_PATHS(FN) portable::FN, portable::FN, portable::FN
#endif

void lstmForwardStep(const LstmStep& s) { dispatch(s, SEQCAST_PATHS(lstmForward), kSplitLstmForward); }
void lstmBackwardStep(const LstmStep& s) { dispatch(s, SEQCAST_PATHS(lstmBackward), kSplitBackward); }
void gruForwardStep(const GruStep& s) { dispatch(s, SEQCAST_PATHS(gruForward), kSplitGruForward); }
void gruBackwardStep(const GruStep& s) { dispatch(s, SEQCAST_PATHS(gruBackward), kSplitBackward); }

#undef SEQCAST_PATHS

}  // namespace seqcast
