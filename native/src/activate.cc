// seqcast native kernel: activations and their derivatives, with the semantics of src/kernels/js.ts.
//
// tanh and sigmoid are evaluated in double precision for every element and rounded once to float32,
// like the JavaScript backend (which calls Math.tanh / Math.exp on float64 numbers):
//  - portable path: std::tanh / std::exp from the C library;
//  - AVX2 and AVX-512 paths: a vectorised double-precision exp (range reduction by ln 2, degree-11
//    polynomial, relative error < 1e-14) and, for tanh at |x| < 1/16, its odd Taylor series. Both are far
//    below float32 resolution, so the stored value is the correctly rounded float32 of tanh / sigmoid
//    except where the exact value lies within ~1e-14 (relative) of a rounding boundary: at most 1 ulp from
//    the JavaScript result, and almost always equal to it.
// sigmoid is formed as in js.ts (1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below), so it is exact at both
// tails (1 and the float32 subnormals, then 0) with no overflow; NaN stays NaN; tanh(-0) = -0.
// relu is x > 0 ? x : 0 (NaN and -0 give +0). The derivatives are computed in double exactly as js.ts
// does (dx · (1 − y²), dx · y(1 − y)), then rounded once: bit-identical to the JavaScript backend.
#include <cmath>
#include <cstring>

#include "seqcast.h"

#if SEQCAST_X86
#include <immintrin.h>
#define SEQCAST_T512 \
  __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma,avx")))
#define SEQCAST_T256 __attribute__((target("avx2,fma,avx")))
#endif

namespace seqcast {

namespace scalar {

namespace {

inline double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

}  // namespace

void activate(int act, float* x, int64_t n) {
  switch (act) {
    case kTanh:
      for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(std::tanh(static_cast<double>(x[i])));
      return;
    case kSigmoid:
      for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(sigmoid(static_cast<double>(x[i])));
      return;
    case kRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
      return;
    default:
      return;
  }
}

void activateBackward(int act, const float* y, float* dx, int64_t n) {
  switch (act) {
    case kTanh:
      for (int64_t i = 0; i < n; ++i) {
        const double v = y[i];
        dx[i] = static_cast<float>(static_cast<double>(dx[i]) * (1.0 - v * v));
      }
      return;
    case kSigmoid:
      for (int64_t i = 0; i < n; ++i) {
        const double v = y[i];
        dx[i] = static_cast<float>(static_cast<double>(dx[i]) * (v * (1.0 - v)));
      }
      return;
    case kRelu:
      for (int64_t i = 0; i < n; ++i) {
        if (!(y[i] > 0.0f)) dx[i] = 0.0f;
      }
      return;
    default:
      return;
  }
}

}  // namespace scalar

#if SEQCAST_X86

// Taylor coefficients 1/k!, k = 11 .. 0, for e^r on |r| <= ln2/2 (truncation error < 7e-15 relative).
#define SEQCAST_EXP_COEFFS                                                                             \
  {                                                                                                    \
    2.505210838544171878e-08, 2.755731922398589065e-07, 2.755731922398589065e-06,                      \
        2.480158730158730158e-05, 1.984126984126984127e-04, 1.388888888888888889e-03,                 \
        8.333333333333333333e-03, 4.166666666666666667e-02, 1.666666666666666667e-01, 0.5, 1.0, 1.0 \
  }
// tanh(x) = x (1 + x² (c3 + x² (c5 + …))) for |x| < 1/16 (truncation error < 2e-17 relative).
#define SEQCAST_TANH_COEFFS \
  { -8.863235529902196568e-03, 2.186948853615520282e-02, -5.396825396825396825e-02, 1.333333333333333333e-01, -3.333333333333333333e-01 }

namespace avx512 {

namespace {

constexpr double kLog2e = 1.4426950408889634074;
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;

// e^x for x in [-708, 708]
SEQCAST_T512 inline __m512d exp8(__m512d x) {
  static const double c[] = SEQCAST_EXP_COEFFS;
  const __m512d n = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(kLog2e)),
                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(kLn2Hi), x);
  r = _mm512_fnmadd_pd(n, _mm512_set1_pd(kLn2Lo), r);
  __m512d p = _mm512_set1_pd(c[0]);
  for (int i = 1; i < 12; ++i) p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(c[i]));
  return _mm512_scalef_pd(p, n);
}

// 1 / d for d in [1, 2^60): the 14-bit estimate refined by two Newton steps (relative error < 1e-15).
SEQCAST_T512 inline __m512d recip8(__m512d d) {
  const __m512d one = _mm512_set1_pd(1.0);
  __m512d r = _mm512_rcp14_pd(d);
  r = _mm512_fmadd_pd(r, _mm512_fnmadd_pd(d, r, one), r);
  return _mm512_fmadd_pd(r, _mm512_fnmadd_pd(d, r, one), r);
}

SEQCAST_T512 inline __m512d sigmoid8(__m512d x) {
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d ax = _mm512_min_pd(_mm512_abs_pd(x), _mm512_set1_pd(700.0));  // NaN -> 700
  const __m512d e = exp8(_mm512_sub_pd(_mm512_setzero_pd(), ax));
  const __mmask8 pos = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GE_OQ);
  const __m512d s = _mm512_mul_pd(_mm512_mask_blend_pd(pos, e, one), recip8(_mm512_add_pd(one, e)));
  return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q), s, x);
}

SEQCAST_T512 inline __m512d tanh8(__m512d x) {
  static const double c[] = SEQCAST_TANH_COEFFS;
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d ax = _mm512_abs_pd(x);
  // 1 − 2 / (e^{2|x|} + 1), with the sign of x
  const __m512d t = _mm512_min_pd(_mm512_add_pd(ax, ax), _mm512_set1_pd(40.0));  // NaN -> 40
  const __m512d e = exp8(t);
  const __m512d big = _mm512_fnmadd_pd(_mm512_set1_pd(2.0), recip8(_mm512_add_pd(e, one)), one);
  __m512d res = _mm512_or_pd(big, _mm512_and_pd(x, _mm512_set1_pd(-0.0)));
  // small |x|: the odd series (only when some lane needs it)
  const __mmask8 isSmall = _mm512_cmp_pd_mask(ax, _mm512_set1_pd(0.0625), _CMP_LT_OQ);
  if (isSmall) {
    const __m512d x2 = _mm512_mul_pd(x, x);
    __m512d p = _mm512_set1_pd(c[0]);
    for (int i = 1; i < 5; ++i) p = _mm512_fmadd_pd(p, x2, _mm512_set1_pd(c[i]));
    res = _mm512_mask_blend_pd(isSmall, res, _mm512_mul_pd(x, _mm512_fmadd_pd(p, x2, one)));
  }
  return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q), res, x);
}

template <int ACT>
SEQCAST_T512 inline __m256 apply8(__m256 v) {
  const __m512d d = _mm512_cvtps_pd(v);
  return _mm512_cvtpd_ps(ACT == kTanh ? tanh8(d) : sigmoid8(d));
}

template <int ACT>
SEQCAST_T512 void smooth(float* x, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a = apply8<ACT>(_mm256_loadu_ps(x + i));
    const __m256 b = apply8<ACT>(_mm256_loadu_ps(x + i + 8));
    _mm256_storeu_ps(x + i, a);
    _mm256_storeu_ps(x + i + 8, b);
  }
  for (; i < n; i += 8) {
    const int m = n - i < 8 ? static_cast<int>(n - i) : 8;
    const __mmask8 k = static_cast<__mmask8>((1u << m) - 1u);
    _mm256_mask_storeu_ps(x + i, k, apply8<ACT>(_mm256_maskz_loadu_ps(k, x + i)));
  }
}

}  // namespace

SEQCAST_T512 void activate(int act, float* x, int64_t n) {
  switch (act) {
    case kTanh: return smooth<kTanh>(x, n);
    case kSigmoid: return smooth<kSigmoid>(x, n);
    case kRelu: {
      const __m512 zero = _mm512_setzero_ps();
      for (int64_t i = 0; i < n; i += 16) {
        const int m = n - i < 16 ? static_cast<int>(n - i) : 16;
        const __mmask16 k = static_cast<__mmask16>((1u << m) - 1u);
        const __m512 v = _mm512_maskz_loadu_ps(k, x + i);
        _mm512_mask_storeu_ps(x + i, k, _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ), v));
      }
      return;
    }
    default:
      return;
  }
}

SEQCAST_T512 void activateBackward(int act, const float* y, float* dx, int64_t n) {
  if (act == kLinear) return;
  const __m512d one = _mm512_set1_pd(1.0);
  for (int64_t i = 0; i < n; i += 8) {
    const int m = n - i < 8 ? static_cast<int>(n - i) : 8;
    const __mmask8 k = static_cast<__mmask8>((1u << m) - 1u);
    const __m256 yf = _mm256_maskz_loadu_ps(k, y + i);
    const __m256 df = _mm256_maskz_loadu_ps(k, dx + i);
    __m256 out;
    if (act == kRelu) {
      out = _mm256_maskz_mov_ps(_mm256_cmp_ps_mask(yf, _mm256_setzero_ps(), _CMP_GT_OQ), df);
    } else {
      const __m512d v = _mm512_cvtps_pd(yf);
      const __m512d d = _mm512_cvtps_pd(df);
      const __m512d f = act == kTanh ? _mm512_sub_pd(one, _mm512_mul_pd(v, v))
                                     : _mm512_mul_pd(v, _mm512_sub_pd(one, v));
      out = _mm512_cvtpd_ps(_mm512_mul_pd(d, f));
    }
    _mm256_mask_storeu_ps(dx + i, k, out);
  }
}

}  // namespace avx512

namespace avx2 {

namespace {

constexpr double kLog2e = 1.4426950408889634074;
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;

// e^x for x in [-708, 708]
SEQCAST_T256 inline __m256d exp4(__m256d x) {
  static const double c[] = SEQCAST_EXP_COEFFS;
  const __m256d n =
      _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(kLn2Hi), x);
  r = _mm256_fnmadd_pd(n, _mm256_set1_pd(kLn2Lo), r);
  __m256d p = _mm256_set1_pd(c[0]);
  for (int i = 1; i < 12; ++i) p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(c[i]));
  // 2^n, n in [-1022, 1023], built in the exponent field
  const __m256i ni = _mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(n));
  const __m256i bits = _mm256_slli_epi64(_mm256_add_epi64(ni, _mm256_set1_epi64x(1023)), 52);
  return _mm256_mul_pd(p, _mm256_castsi256_pd(bits));
}

SEQCAST_T256 inline __m256d absd(__m256d x) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), x); }

SEQCAST_T256 inline __m256d sigmoid4(__m256d x) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d ax = _mm256_min_pd(absd(x), _mm256_set1_pd(700.0));  // NaN -> 700
  const __m256d e = exp4(_mm256_sub_pd(_mm256_setzero_pd(), ax));
  const __m256d pos = _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GE_OQ);
  const __m256d s = _mm256_div_pd(_mm256_blendv_pd(e, one, pos), _mm256_add_pd(one, e));
  return _mm256_blendv_pd(s, x, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
}

SEQCAST_T256 inline __m256d tanh4(__m256d x) {
  static const double c[] = SEQCAST_TANH_COEFFS;
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d ax = absd(x);
  const __m256d x2 = _mm256_mul_pd(x, x);
  __m256d p = _mm256_set1_pd(c[0]);
  for (int i = 1; i < 5; ++i) p = _mm256_fmadd_pd(p, x2, _mm256_set1_pd(c[i]));
  const __m256d small = _mm256_mul_pd(x, _mm256_fmadd_pd(p, x2, one));
  const __m256d t = _mm256_min_pd(_mm256_add_pd(ax, ax), _mm256_set1_pd(40.0));  // NaN -> 40
  const __m256d e = exp4(t);
  const __m256d big = _mm256_sub_pd(one, _mm256_div_pd(_mm256_set1_pd(2.0), _mm256_add_pd(e, one)));
  const __m256d bigSigned = _mm256_or_pd(big, _mm256_and_pd(x, _mm256_set1_pd(-0.0)));
  const __m256d res = _mm256_blendv_pd(bigSigned, small, _mm256_cmp_pd(ax, _mm256_set1_pd(0.0625), _CMP_LT_OQ));
  return _mm256_blendv_pd(res, x, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
}

template <int ACT>
SEQCAST_T256 inline __m128 apply4(__m128 v) {
  const __m256d d = _mm256_cvtps_pd(v);
  return _mm256_cvtpd_ps(ACT == kTanh ? tanh4(d) : sigmoid4(d));
}

template <int ACT>
SEQCAST_T256 void smooth(float* x, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128 a = apply4<ACT>(_mm_loadu_ps(x + i));
    const __m128 b = apply4<ACT>(_mm_loadu_ps(x + i + 4));
    _mm_storeu_ps(x + i, a);
    _mm_storeu_ps(x + i + 4, b);
  }
  for (; i < n; i += 4) {
    // the last few values through a padded copy, with the same arithmetic
    alignas(16) float t[4] = {0, 0, 0, 0};
    const int m = n - i < 4 ? static_cast<int>(n - i) : 4;
    std::memcpy(t, x + i, sizeof(float) * m);
    _mm_store_ps(t, apply4<ACT>(_mm_load_ps(t)));
    std::memcpy(x + i, t, sizeof(float) * m);
  }
}

}  // namespace

SEQCAST_T256 void activate(int act, float* x, int64_t n) {
  switch (act) {
    case kTanh: return smooth<kTanh>(x, n);
    case kSigmoid: return smooth<kSigmoid>(x, n);
    default: return scalar::activate(act, x, n);
  }
}

SEQCAST_T256 void activateBackward(int act, const float* y, float* dx, int64_t n) {
  if (act != kTanh && act != kSigmoid) return scalar::activateBackward(act, y, dx, n);
  const __m256d one = _mm256_set1_pd(1.0);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(y + i));
    const __m256d d = _mm256_cvtps_pd(_mm_loadu_ps(dx + i));
    const __m256d f =
        act == kTanh ? _mm256_sub_pd(one, _mm256_mul_pd(v, v)) : _mm256_mul_pd(v, _mm256_sub_pd(one, v));
    _mm_storeu_ps(dx + i, _mm256_cvtpd_ps(_mm256_mul_pd(d, f)));
  }
  scalar::activateBackward(act, y + i, dx + i, n - i);  // the same double arithmetic
}

}  // namespace avx2

#endif  // SEQCAST_X86

}  // namespace seqcast
