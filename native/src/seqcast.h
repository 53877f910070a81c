// seqcast native kernel: shared declarations.
#pragma once

#include <cstddef>
#include <cstdint>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define SEQCAST_X86 1
#else
#define SEQCAST_X86 0
#endif

namespace seqcast {

// The instruction-set paths, from the portable one up. Every path is compiled on x86-64 with per-function
// target attributes; only the portable one elsewhere.
enum Isa { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

const char* isaName(int isa);
int bestIsa();               // the best path this CPU (and OS) supports
int currentIsa();            // the path in use
int setIsa(int isa);         // clamps to bestIsa(); returns the path in use (for tests)

// C[M, N] = op(A) · op(B) (+ C when accumulate), row-major, offsets already applied to the pointers.
struct Gemm {
  bool transA, transB, accumulate;
  int64_t M, N, K;
  const float* A;
  int64_t lda;
  const float* B;
  int64_t ldb;
  float* C;
  int64_t ldc;
};

void gemm(const Gemm& g);

// Products with fewer multiply-adds (M·N·K) than this run on the calling thread alone.
constexpr double kParallelWork = 1 << 20;

// The worker pool: maxThreads() threads with the caller: min(2, cores) by default, SEQCAST_THREADS=n
// (at most the number of cores) when set.
int maxThreads();
int threadCount();
int setThreads(int n);  // clamps to [1, maxThreads()]; returns the count in use (for tests)
// Runs fn(ctx, t) for t = 0 .. n-1 on the calling thread and up to threadCount() - 1 pool threads (each
// part on whichever thread claims it first), and returns when all have finished. Runs the parts one after
// another on the caller when the pool is busy (another Node.js worker thread is using it) or could not
// be started.
void parallelFor(int n, void (*fn)(void* ctx, int t), void* ctx);

enum Act { kLinear = 0, kTanh = 1, kSigmoid = 2, kRelu = 3 };

void activate(int act, float* x, int64_t n);
void activateBackward(int act, const float* y, float* dx, int64_t n);

// The fused recurrent steps of the Backend interface (fused.cc), offsets already applied to the pointers;
// B rows of U units, blocks contiguous ([B, 4U] for LSTM gates, [B, 3U] for GRU ones, [B, U] otherwise). No
// block written may overlap another block of the same call (addon.cc checks it).
// One LSTM time step: the C form of the step contract's LstmStep (src/kernels/backend.ts), for both
// directions. Forward: gates activated in place; c = f ⊙ cPrev + i ⊙ g, cAct = tanh(c), h = o ⊙ cAct.
// Backward: reads gates, cAct, cPrev, dh and dhNext; writes dz and dcNext. A field the direction does not
// use is null.
struct LstmStep {
  int64_t B, U;
  float* gates;
  const float* cPrev;
  float* c;
  float* cAct;
  float* h;
  const float* dh;
  const float* dhNext;
  float* dcNext;
  float* dz;
};
// One GRU (resetAfter) time step: the C form of GruStep, for both directions. Forward: gates (mx) become
// z, r, hh in place; h = z ⊙ hPrev + (1 − z) ⊙ hh. Backward: reads gates, mh, hPrev, dh; writes dMX, dMH
// and dhNext (read first). A field the direction does not use is null.
struct GruStep {
  int64_t B, U;
  float* gates;
  const float* mh;
  const float* hPrev;
  float* h;
  const float* dh;
  float* dhNext;
  float* dMX;
  float* dMH;
};

void lstmForwardStep(const LstmStep& s);
void lstmBackwardStep(const LstmStep& s);
void gruForwardStep(const GruStep& s);
void gruBackwardStep(const GruStep& s);

// Per-path entry points (defined in gemm.cc / activate.cc).
namespace scalar {
void activate(int act, float* x, int64_t n);
void activateBackward(int act, const float* y, float* dx, int64_t n);
}  // namespace scalar
#if SEQCAST_X86
namespace avx2 {
void activate(int act, float* x, int64_t n);
void activateBackward(int act, const float* y, float* dx, int64_t n);
}  // namespace avx2
namespace avx512 {
void activate(int act, float* x, int64_t n);
void activateBackward(int act, const float* y, float* dx, int64_t n);
}  // namespace avx512
#endif

}  // namespace seqcast
