// seqcast native kernel: instruction-set dispatch and the persistent worker pool.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "seqcast.h"

namespace seqcast {

// ---------------------------------------------------------------------------------------------------
// Dispatch

namespace {

int detectIsa() {
#if SEQCAST_X86
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the wider registers (XCR0).
  // (VL and DQ come with AVX-512F on every CPU but the Xeon Phi; the activations use them.)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma")) {
    return kAvx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return kAvx2;
#endif
  return kScalar;
}

const int kBest = detectIsa();
std::atomic<int> gIsa{kBest};

}  // namespace

const char* isaName(int isa) {
  switch (isa) {
    case kAvx512: return "avx512";
    case kAvx2: return "avx2";
    default: return "scalar";
  }
}

int bestIsa() { return kBest; }
int currentIsa() { return gIsa.load(std::memory_order_relaxed); }
int setIsa(int isa) {
  if (isa < kScalar) isa = kScalar;
  if (isa > kBest) isa = kBest;
  gIsa.store(isa);
  return isa;
}

void activate(int act, float* x, int64_t n) {
  switch (currentIsa()) {
#if SEQCAST_X86
    case kAvx512: return avx512::activate(act, x, n);
    case kAvx2: return avx2::activate(act, x, n);
#endif
    default: return scalar::activate(act, x, n);
  }
}

void activateBackward(int act, const float* y, float* dx, int64_t n) {
  switch (currentIsa()) {
#if SEQCAST_X86
    case kAvx512: return avx512::activateBackward(act, y, dx, n);
    case kAvx2: return avx2::activateBackward(act, y, dx, n);
#endif
    default: return scalar::activateBackward(act, y, dx, n);
  }
}

// ---------------------------------------------------------------------------------------------------
// Worker pool: created on first use, never destroyed (its threads sleep on a condition variable and end
// with the process). One job at a time; a caller that finds it busy (another Node.js worker thread in
// the same process) runs its parts itself.

namespace {

inline void cpuRelax() {
#if SEQCAST_X86
  __builtin_ia32_pause();
#endif
}

// min(2, cores), or SEQCAST_THREADS (1 … cores) when set.
int configuredThreads() {
  const unsigned hw = std::thread::hardware_concurrency();
  const int cores = hw == 0 ? 1 : static_cast<int>(std::min(hw, 64u));
  int n = std::min(2, cores);
  if (const char* env = std::getenv("SEQCAST_THREADS")) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != env && v >= 1) n = static_cast<int>(std::min<long>(v, cores));
  }
  return n;
}

const int kMaxThreads = configuredThreads();

// How long an idle worker keeps polling for the next job before it sleeps.
constexpr int kWorkerSpinMicros = 20;
std::atomic<int> gThreads{kMaxThreads};

class Pool {
 public:
  // Starts up to n - 1 workers; returns how many threads (with the caller) can take part.
  int ensure(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    while (static_cast<int>(workers_.size()) < n - 1) {
      const int id = static_cast<int>(workers_.size()) + 1;
      try {
        workers_.emplace_back([this, id] { loop(id); });
      } catch (...) {
        break;
      }
    }
    return static_cast<int>(workers_.size()) + 1;
  }

  // Runs fn(ctx, t) for every t < parts on the caller and up to threads - 1 workers, each part claimed
  // by whichever thread gets to it first (so a worker that the OS is slow to schedule costs nothing: the
  // caller takes its part), and returns when every part has finished.
  void run(int parts, int threads, void (*fn)(void*, int), void* ctx) {
    uint32_t gen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn_ = fn;
      ctx_ = ctx;
      parts_ = parts;
      helpers_ = threads - 1;
      finished_.store(0, std::memory_order_relaxed);
      gen = ++lastGeneration_;
      claim_.store(static_cast<uint64_t>(gen) << 32, std::memory_order_release);
      generation_.store(gen, std::memory_order_release);
    }
    wake_.notify_all();
    work(gen, parts, fn, ctx);
    // a brief spin (at most ~100 µs) before sleeping: the parts usually finish at about the same time
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    while (finished_.load(std::memory_order_acquire) != parts && std::chrono::steady_clock::now() < until) {
      for (int i = 0; i < 16; ++i) cpuRelax();
    }
    if (finished_.load(std::memory_order_acquire) != parts) {
      std::unique_lock<std::mutex> lock(mu_);
      done_.wait(lock, [&] { return finished_.load(std::memory_order_acquire) == parts; });
    }
  }

  std::mutex busy;  // held by the caller of run() for the whole job

 private:
  // Claims the next part of job `gen`; false when none is left (or a newer job has started).
  bool claim(uint32_t gen, int parts, int* t) {
    uint64_t s = claim_.load(std::memory_order_acquire);
    for (;;) {
      if (static_cast<uint32_t>(s >> 32) != gen || static_cast<int>(static_cast<uint32_t>(s)) >= parts) return false;
      if (claim_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) {
        *t = static_cast<int>(static_cast<uint32_t>(s));
        return true;
      }
    }
  }

  void work(uint32_t gen, int parts, void (*fn)(void*, int), void* ctx) {
    int t;
    while (claim(gen, parts, &t)) {
      fn(ctx, t);
      if (finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == parts) {
        std::lock_guard<std::mutex> lock(mu_);
        done_.notify_all();
      }
    }
  }

  void loop(int id) {
    uint32_t seen = 0;
    for (;;) {
      // Poll a little for the next job (products usually come in quick succession, one per time step),
      // then sleep.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kWorkerSpinMicros);
      while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) {
        for (int i = 0; i < 16; ++i) cpuRelax();
      }
      void (*fn)(void*, int);
      void* ctx;
      int parts;
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
        seen = generation_.load(std::memory_order_relaxed);
        if (id > helpers_) continue;
        fn = fn_;
        ctx = ctx_;
        parts = parts_;
      }
      work(seen, parts, fn, ctx);
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  // the current job, written under mu_
  void (*fn_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
  int parts_ = 0;
  int helpers_ = 0;
  uint32_t lastGeneration_ = 0;
  std::atomic<uint32_t> generation_{0};
  std::atomic<uint64_t> claim_{0};  // (generation << 32) | next unclaimed part
  std::atomic<int> finished_{0};
};

Pool* pool() {
  static Pool* p = new Pool();  // intentionally never deleted: worker threads outlive static destructors
  return p;
}

}  // namespace

int maxThreads() { return kMaxThreads; }
int threadCount() { return gThreads.load(std::memory_order_relaxed); }
int setThreads(int n) {
  if (n < 1) n = 1;
  if (n > kMaxThreads) n = kMaxThreads;
  gThreads.store(n);
  return n;
}

void parallelFor(int n, void (*fn)(void* ctx, int t), void* ctx) {
  int threads = std::min(n, threadCount());
  if (threads > 1) {
    Pool* p = pool();
    std::unique_lock<std::mutex> busy(p->busy, std::try_to_lock);
    if (busy.owns_lock()) {
      threads = std::min(threads, p->ensure(threads));
      if (threads > 1) {
        p->run(n, threads, fn, ctx);
        return;
      }
    }
  }
  for (int t = 0; t < n; ++t) fn(ctx, t);
}

}  // namespace seqcast
