// seqcast native kernel: the Node-API binding (plain C API, no node-addon-api).
//
// Exports gemm, activate, activateBackward and the fused recurrent steps lstmForwardStep,
// lstmBackwardStep, gruForwardStep and gruBackwardStep with the semantics of the Backend interface
// (src/kernels/backend.ts), for Float32Array operands only, working on the arrays' memory in place;
// plus info(), setThreads(n) and setIsa(name) for tests and benchmarks.
#define NAPI_VERSION 8
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "seqcast.h"

namespace {

using seqcast::Gemm;

// Returns false with a pending exception when a Node-API call failed.
#define CHECK_NAPI(env, call)                                         \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      bool pending = false;                                           \
      napi_is_exception_pending((env), &pending);                     \
      if (!pending) napi_throw_error((env), nullptr, "seqcast_native: Node-API call failed"); \
      return false;                                                   \
    }                                                                 \
  } while (0)

bool typeError(napi_env env, const char* fmt, const char* name) {
  char msg[200];
  std::snprintf(msg, sizeof msg, fmt, name);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return false;
}

bool rangeError(napi_env env, const char* msg) {
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
  return false;
}

bool getBool(napi_env env, napi_value v, const char* name, bool* out) {
  const napi_status st = napi_get_value_bool(env, v, out);
  if (st == napi_boolean_expected) return typeError(env, "seqcast_native: %s must be a boolean", name);
  CHECK_NAPI(env, st);
  return true;
}

// A non-negative integer below 2^53.
bool getIndex(napi_env env, napi_value v, const char* name, int64_t* out) {
  double d;
  const napi_status st = napi_get_value_double(env, v, &d);
  if (st == napi_number_expected) return typeError(env, "seqcast_native: %s must be a number", name);
  CHECK_NAPI(env, st);
  if (!(d >= 0 && d <= 9007199254740991.0) || std::floor(d) != d) {
    char msg[200];
    std::snprintf(msg, sizeof msg, "seqcast_native: %s must be a non-negative integer (got %g)", name, d);
    return rangeError(env, msg);
  }
  *out = static_cast<int64_t>(d);
  return true;
}

bool getFloat32(napi_env env, napi_value v, const char* name, float** data, int64_t* length) {
  bool isTyped = false;
  CHECK_NAPI(env, napi_is_typedarray(env, v, &isTyped));
  if (!isTyped) return typeError(env, "seqcast_native: %s must be a Float32Array", name);
  napi_typedarray_type type;
  size_t len = 0;
  void* ptr = nullptr;
  CHECK_NAPI(env, napi_get_typedarray_info(env, v, &type, &len, &ptr, nullptr, nullptr));
  if (type != napi_float32_array) return typeError(env, "seqcast_native: %s must be a Float32Array", name);
  *data = static_cast<float*>(ptr);
  *length = static_cast<int64_t>(len);
  return true;
}

// Activation: the name ('linear', 'tanh', 'sigmoid', 'relu') or its code 0..3.
bool getAct(napi_env env, napi_value v, int* out) {
  napi_valuetype t;
  CHECK_NAPI(env, napi_typeof(env, v, &t));
  if (t == napi_number) {
    int32_t code;
    CHECK_NAPI(env, napi_get_value_int32(env, v, &code));
    double d;
    CHECK_NAPI(env, napi_get_value_double(env, v, &d));
    if (d == code && code >= seqcast::kLinear && code <= seqcast::kRelu) {
      *out = code;
      return true;
    }
  } else if (t == napi_string) {
    char buf[16];
    size_t n = 0;
    CHECK_NAPI(env, napi_get_value_string_utf8(env, v, buf, sizeof buf, &n));
    static const char* const names[] = {"linear", "tanh", "sigmoid", "relu"};
    for (int i = 0; i < 4; ++i) {
      if (n == std::strlen(names[i]) && std::strcmp(buf, names[i]) == 0) {
        *out = i;
        return true;
      }
    }
  }
  napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE",
                        "seqcast_native: act must be 'linear', 'tanh', 'sigmoid' or 'relu'");
  return false;
}

// Checks that every element of a `rows` x `cols` matrix at `off` with leading dimension `ld` lies inside
// an array of `length` elements (nothing is touched when rows or cols is 0), and that rows do not overlap.
bool checkMatrix(napi_env env, const char* name, const char* ldName, int64_t off, int64_t rows, int64_t cols,
                 int64_t ld, int64_t length) {
  if (rows == 0 || cols == 0) return true;
  char msg[240];
  if (rows > 1 && ld < cols) {
    std::snprintf(msg, sizeof msg, "seqcast_native: %s = %lld is smaller than the row length %lld of %s", ldName,
                  static_cast<long long>(ld), static_cast<long long>(cols), name);
    return rangeError(env, msg);
  }
  // all terms < 2^53 each; the sum is checked in double, then exactly
  const double lastD = static_cast<double>(off) + static_cast<double>(rows - 1) * static_cast<double>(ld) +
                       static_cast<double>(cols - 1);
  if (lastD >= static_cast<double>(length) || off + (rows - 1) * ld + (cols - 1) >= length) {
    std::snprintf(msg, sizeof msg,
                  "seqcast_native: %s is out of range: the product reads or writes index %.0f, but %s has %lld "
                  "elements",
                  name, lastD, name, static_cast<long long>(length));
    return rangeError(env, msg);
  }
  return true;
}

// Reads argc arguments, or throws "<name> takes <argc> arguments".
bool getArgs(napi_env env, napi_callback_info info, const char* name, size_t want, napi_value* argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < want) {
    char msg[120];
    std::snprintf(msg, sizeof msg, "seqcast_native: %s takes %zu arguments", name, want);
    napi_throw_type_error(env, "ERR_MISSING_ARGS", msg);
    return false;
  }
  return true;
}

napi_value Gemm_(napi_env env, napi_callback_info info) {
  napi_value argv[15];
  if (!getArgs(env, info, "gemm", 15, argv)) return nullptr;
  Gemm g{};
  int64_t M, N, K, aOff, lda, bOff, ldb, cOff, ldc, aLen, bLen, cLen;
  float *A, *B, *C;
  if (!getBool(env, argv[0], "transA", &g.transA) || !getBool(env, argv[1], "transB", &g.transB) ||
      !getIndex(env, argv[2], "M", &M) || !getIndex(env, argv[3], "N", &N) || !getIndex(env, argv[4], "K", &K) ||
      !getFloat32(env, argv[5], "A", &A, &aLen) || !getIndex(env, argv[6], "aOff", &aOff) ||
      !getIndex(env, argv[7], "lda", &lda) || !getFloat32(env, argv[8], "B", &B, &bLen) ||
      !getIndex(env, argv[9], "bOff", &bOff) || !getIndex(env, argv[10], "ldb", &ldb) ||
      !getFloat32(env, argv[11], "C", &C, &cLen) || !getIndex(env, argv[12], "cOff", &cOff) ||
      !getIndex(env, argv[13], "ldc", &ldc) || !getBool(env, argv[14], "accumulate", &g.accumulate)) {
    return nullptr;
  }
  if (M >= (int64_t{1} << 31) || N >= (int64_t{1} << 31) || K >= (int64_t{1} << 31)) {
    rangeError(env, "seqcast_native: M, N and K must be below 2^31");
    return nullptr;
  }
  // A and B are read only when the product has terms; C whenever it has elements.
  const bool terms = M > 0 && N > 0 && K > 0;
  if (terms) {
    if (!checkMatrix(env, "A", "lda", aOff, g.transA ? K : M, g.transA ? M : K, lda, aLen) ||
        !checkMatrix(env, "B", "ldb", bOff, g.transB ? N : K, g.transB ? K : N, ldb, bLen)) {
      return nullptr;
    }
  }
  if (!checkMatrix(env, "C", "ldc", cOff, M, N, ldc, cLen)) return nullptr;
  g.M = M;
  g.N = N;
  g.K = K;
  g.A = terms ? A + aOff : A;
  g.lda = lda;
  g.B = terms ? B + bOff : B;
  g.ldb = ldb;
  g.C = M > 0 && N > 0 ? C + cOff : C;
  g.ldc = ldc;
  seqcast::gemm(g);
  return nullptr;
}

bool checkRange(napi_env env, const char* name, int64_t off, int64_t n, int64_t length) {
  if (n == 0 || off + n <= length) return true;
  char msg[200];
  std::snprintf(msg, sizeof msg,
                "seqcast_native: %s is out of range: elements %lld .. %lld requested, but %s has %lld elements",
                name, static_cast<long long>(off), static_cast<long long>(off + n - 1), name,
                static_cast<long long>(length));
  return rangeError(env, msg);
}

napi_value Activate(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!getArgs(env, info, "activate", 4, argv)) return nullptr;
  int act;
  float* x;
  int64_t len, off, n;
  if (!getAct(env, argv[0], &act) || !getFloat32(env, argv[1], "x", &x, &len) ||
      !getIndex(env, argv[2], "off", &off) || !getIndex(env, argv[3], "n", &n) ||
      !checkRange(env, "x", off, n, len)) {
    return nullptr;
  }
  if (n > 0) seqcast::activate(act, x + off, n);
  return nullptr;
}

napi_value ActivateBackward(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!getArgs(env, info, "activateBackward", 6, argv)) return nullptr;
  int act;
  float *y, *dx;
  int64_t yLen, dxLen, yOff, dxOff, n;
  if (!getAct(env, argv[0], &act) || !getFloat32(env, argv[1], "y", &y, &yLen) ||
      !getIndex(env, argv[2], "yOff", &yOff) || !getFloat32(env, argv[3], "dx", &dx, &dxLen) ||
      !getIndex(env, argv[4], "dxOff", &dxOff) || !getIndex(env, argv[5], "n", &n) ||
      !checkRange(env, "y", yOff, n, yLen) || !checkRange(env, "dx", dxOff, n, dxLen)) {
    return nullptr;
  }
  if (n > 0) seqcast::activateBackward(act, y + yOff, dx + dxOff, n);
  return nullptr;
}

// ---------------------------------------------------------------------------------------------------
// The fused recurrent steps (fused.cc), with the arguments of the Backend methods of the same names.

// One block a step reads or writes: `count` elements of `array` from `off` (the argument `at`, or 0).
struct Block {
  const char* array;
  const char* at;  // nullptr: the block starts at 0
  float* data;
  int64_t length;
  int64_t off;
  double count;
  bool written;
};

std::uintptr_t blockBegin(const Block& b) { return reinterpret_cast<std::uintptr_t>(b.data + b.off); }
std::uintptr_t blockEnd(const Block& b) { return blockBegin(b) + static_cast<std::uintptr_t>(b.count) * 4; }

// Checks, before anything is written, that every block lies inside its array and that no block written
// shares memory with another block of the call (the kernels read their inputs through __restrict
// pointers); one-line RangeError naming the argument otherwise.
bool checkBlocks(napi_env env, const Block* blocks, int n) {
  char msg[300];
  for (int i = 0; i < n; ++i) {
    const Block& b = blocks[i];
    // off < 2^53 and length far below: a sum rounded in double still compares right with length (and once
    // it passes, every index of the block fits easily in int64)
    const double end = static_cast<double>(b.off) + b.count;
    if (end > static_cast<double>(b.length)) {
      if (b.at != nullptr) {
        std::snprintf(msg, sizeof msg,
                      "seqcast_native: %s is out of range: the step uses elements %lld .. %.0f (%s = %lld), but %s "
                      "has %lld elements",
                      b.array, static_cast<long long>(b.off), end - 1, b.at, static_cast<long long>(b.off), b.array,
                      static_cast<long long>(b.length));
      } else {
        std::snprintf(msg, sizeof msg,
                      "seqcast_native: %s is out of range: the step uses elements 0 .. %.0f, but %s has %lld "
                      "elements",
                      b.array, end - 1, b.array, static_cast<long long>(b.length));
      }
      return rangeError(env, msg);
    }
  }
  for (int i = 0; i < n; ++i) {
    if (!blocks[i].written) continue;
    for (int j = 0; j < n; ++j) {
      if (j == i || (blocks[j].written && j < i)) continue;  // each pair of written blocks once
      const Block& w = blocks[i];
      const Block& o = blocks[j];
      if (blockBegin(w) < blockEnd(o) && blockBegin(o) < blockEnd(w)) {
        std::snprintf(msg, sizeof msg,
                      "seqcast_native: the blocks of %s%s%s and %s%s%s overlap: a block the step writes must not "
                      "share memory with another of its blocks",
                      w.array, w.at != nullptr ? " at " : "", w.at != nullptr ? w.at : "", o.array,
                      o.at != nullptr ? " at " : "", o.at != nullptr ? o.at : "");
        return rangeError(env, msg);
      }
    }
  }
  return true;
}

// B and U: non-negative integers (when either is 0 the step touches nothing).
bool getShape(napi_env env, const napi_value* argv, int64_t* B, int64_t* U) {
  return getIndex(env, argv[0], "B", B) && getIndex(env, argv[1], "U", U);
}

// lstmForwardStep(B, U, gates, zOff, c, sPrev, sOff, cAct, aOff, h)
napi_value LstmForwardStep(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!getArgs(env, info, "lstmForwardStep", 10, argv)) return nullptr;
  int64_t B, U, zOff, sPrev, sOff, aOff, gLen, cLen, aLen, hLen;
  float *gates, *c, *cAct, *h;
  if (!getShape(env, argv, &B, &U) || !getFloat32(env, argv[2], "gates", &gates, &gLen) ||
      !getIndex(env, argv[3], "zOff", &zOff) || !getFloat32(env, argv[4], "c", &c, &cLen) ||
      !getIndex(env, argv[5], "sPrev", &sPrev) || !getIndex(env, argv[6], "sOff", &sOff) ||
      !getFloat32(env, argv[7], "cAct", &cAct, &aLen) || !getIndex(env, argv[8], "aOff", &aOff) ||
      !getFloat32(env, argv[9], "h", &h, &hLen)) {
    return nullptr;
  }
  if (B == 0 || U == 0) return nullptr;
  const double n = static_cast<double>(B) * static_cast<double>(U);
  const Block blocks[] = {
      {"gates", "zOff", gates, gLen, zOff, 4 * n, true}, {"c", "sPrev", c, cLen, sPrev, n, false},
      {"c", "sOff", c, cLen, sOff, n, true},             {"cAct", "aOff", cAct, aLen, aOff, n, true},
      {"h", "sOff", h, hLen, sOff, n, true},
  };
  if (!checkBlocks(env, blocks, 5)) return nullptr;
  seqcast::LstmStep s{};
  s.B = B;
  s.U = U;
  s.gates = gates + zOff;
  s.cPrev = c + sPrev;
  s.c = c + sOff;
  s.cAct = cAct + aOff;
  s.h = h + sOff;
  seqcast::lstmForwardStep(s);
  return nullptr;
}

// lstmBackwardStep(B, U, gates, zOff, cAct, aOff, c, sPrev, dh, dhOff, dhNext, dcNext, dz)
napi_value LstmBackwardStep(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!getArgs(env, info, "lstmBackwardStep", 13, argv)) return nullptr;
  int64_t B, U, zOff, aOff, sPrev, dhOff, gLen, aLen, cLen, dhLen, dnLen, dcLen, dzLen;
  float *gates, *cAct, *c, *dh, *dhNext, *dcNext, *dz;
  if (!getShape(env, argv, &B, &U) || !getFloat32(env, argv[2], "gates", &gates, &gLen) ||
      !getIndex(env, argv[3], "zOff", &zOff) || !getFloat32(env, argv[4], "cAct", &cAct, &aLen) ||
      !getIndex(env, argv[5], "aOff", &aOff) || !getFloat32(env, argv[6], "c", &c, &cLen) ||
      !getIndex(env, argv[7], "sPrev", &sPrev) || !getFloat32(env, argv[8], "dh", &dh, &dhLen) ||
      !getIndex(env, argv[9], "dhOff", &dhOff) || !getFloat32(env, argv[10], "dhNext", &dhNext, &dnLen) ||
      !getFloat32(env, argv[11], "dcNext", &dcNext, &dcLen) || !getFloat32(env, argv[12], "dz", &dz, &dzLen)) {
    return nullptr;
  }
  if (B == 0 || U == 0) return nullptr;
  const double n = static_cast<double>(B) * static_cast<double>(U);
  const Block blocks[] = {
      {"gates", "zOff", gates, gLen, zOff, 4 * n, false}, {"cAct", "aOff", cAct, aLen, aOff, n, false},
      {"c", "sPrev", c, cLen, sPrev, n, false},           {"dh", "dhOff", dh, dhLen, dhOff, n, false},
      {"dhNext", nullptr, dhNext, dnLen, 0, n, false},     {"dcNext", nullptr, dcNext, dcLen, 0, n, true},
      {"dz", "zOff", dz, dzLen, zOff, 4 * n, true},
  };
  if (!checkBlocks(env, blocks, 7)) return nullptr;
  seqcast::LstmStep s{};
  s.B = B;
  s.U = U;
  s.gates = gates + zOff;
  s.cAct = cAct + aOff;
  s.cPrev = c + sPrev;
  s.dh = dh + dhOff;
  s.dhNext = dhNext;
  s.dcNext = dcNext;
  s.dz = dz + zOff;
  seqcast::lstmBackwardStep(s);
  return nullptr;
}

// gruForwardStep(B, U, gates, mh, g, h, hp, ht)
napi_value GruForwardStep(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!getArgs(env, info, "gruForwardStep", 8, argv)) return nullptr;
  int64_t B, U, g, hp, ht, gLen, mLen, hLen;
  float *gates, *mh, *h;
  if (!getShape(env, argv, &B, &U) || !getFloat32(env, argv[2], "gates", &gates, &gLen) ||
      !getFloat32(env, argv[3], "mh", &mh, &mLen) || !getIndex(env, argv[4], "g", &g) ||
      !getFloat32(env, argv[5], "h", &h, &hLen) || !getIndex(env, argv[6], "hp", &hp) ||
      !getIndex(env, argv[7], "ht", &ht)) {
    return nullptr;
  }
  if (B == 0 || U == 0) return nullptr;
  const double n = static_cast<double>(B) * static_cast<double>(U);
  const Block blocks[] = {
      {"gates", "g", gates, gLen, g, 3 * n, true}, {"mh", "g", mh, mLen, g, 3 * n, false},
      {"h", "hp", h, hLen, hp, n, false},           {"h", "ht", h, hLen, ht, n, true},
  };
  if (!checkBlocks(env, blocks, 4)) return nullptr;
  seqcast::GruStep s{};
  s.B = B;
  s.U = U;
  s.gates = gates + g;
  s.mh = mh + g;
  s.hPrev = h + hp;
  s.h = h + ht;
  seqcast::gruForwardStep(s);
  return nullptr;
}

// gruBackwardStep(B, U, gates, mh, g, h, hp, dh, dhNext, dMX, dMH)
napi_value GruBackwardStep(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!getArgs(env, info, "gruBackwardStep", 11, argv)) return nullptr;
  int64_t B, U, g, hp, gLen, mLen, hLen, dhLen, dnLen, dxLen, dmLen;
  float *gates, *mh, *h, *dh, *dhNext, *dMX, *dMH;
  if (!getShape(env, argv, &B, &U) || !getFloat32(env, argv[2], "gates", &gates, &gLen) ||
      !getFloat32(env, argv[3], "mh", &mh, &mLen) || !getIndex(env, argv[4], "g", &g) ||
      !getFloat32(env, argv[5], "h", &h, &hLen) || !getIndex(env, argv[6], "hp", &hp) ||
      !getFloat32(env, argv[7], "dh", &dh, &dhLen) || !getFloat32(env, argv[8], "dhNext", &dhNext, &dnLen) ||
      !getFloat32(env, argv[9], "dMX", &dMX, &dxLen) || !getFloat32(env, argv[10], "dMH", &dMH, &dmLen)) {
    return nullptr;
  }
  if (B == 0 || U == 0) return nullptr;
  const double n = static_cast<double>(B) * static_cast<double>(U);
  const Block blocks[] = {
      {"gates", "g", gates, gLen, g, 3 * n, false}, {"mh", "g", mh, mLen, g, 3 * n, false},
      {"h", "hp", h, hLen, hp, n, false},            {"dh", "hp", dh, dhLen, hp, n, false},
      {"dhNext", nullptr, dhNext, dnLen, 0, n, true}, {"dMX", "g", dMX, dxLen, g, 3 * n, true},
      {"dMH", "g", dMH, dmLen, g, 3 * n, true},
  };
  if (!checkBlocks(env, blocks, 7)) return nullptr;
  seqcast::GruStep s{};
  s.B = B;
  s.U = U;
  s.gates = gates + g;
  s.mh = mh + g;
  s.hPrev = h + hp;
  s.dh = dh + hp;
  s.dhNext = dhNext;
  s.dMX = dMX + g;
  s.dMH = dMH + g;
  seqcast::gruBackwardStep(s);
  return nullptr;
}

bool setProp(napi_env env, napi_value obj, const char* key, napi_value v) {
  return napi_set_named_property(env, obj, key, v) == napi_ok;
}

// { isa, bestIsa, threads, maxThreads, parallelWork }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, isa, best, threads, maxThreads, parallelWork;
  if (napi_create_object(env, &obj) != napi_ok ||
      napi_create_string_utf8(env, seqcast::isaName(seqcast::currentIsa()), NAPI_AUTO_LENGTH, &isa) != napi_ok ||
      napi_create_string_utf8(env, seqcast::isaName(seqcast::bestIsa()), NAPI_AUTO_LENGTH, &best) != napi_ok ||
      napi_create_int32(env, seqcast::threadCount(), &threads) != napi_ok ||
      napi_create_int32(env, seqcast::maxThreads(), &maxThreads) != napi_ok ||
      napi_create_double(env, seqcast::kParallelWork, &parallelWork) != napi_ok || !setProp(env, obj, "isa", isa) ||
      !setProp(env, obj, "bestIsa", best) || !setProp(env, obj, "threads", threads) ||
      !setProp(env, obj, "maxThreads", maxThreads) || !setProp(env, obj, "parallelWork", parallelWork)) {
    return nullptr;
  }
  return obj;
}

// setThreads(n): uses n threads (clamped to [1, maxThreads]) from now on; returns the count in use.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t n;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc < 1 || !getIndex(env, argv[0], "n", &n)) {
    if (argc < 1) napi_throw_type_error(env, "ERR_MISSING_ARGS", "seqcast_native: setThreads(n)");
    return nullptr;
  }
  napi_value out;
  napi_create_int32(env, seqcast::setThreads(n > 1024 ? 1024 : static_cast<int>(n)), &out);
  return out;
}

// setIsa(name): 'scalar', 'avx2' or 'avx512', clamped to what the CPU supports; returns the path in use.
napi_value SetIsa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  char buf[16] = {0};
  size_t n = 0;
  napi_valuetype t = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &t);
  if (t != napi_string || napi_get_value_string_utf8(env, argv[0], buf, sizeof buf, &n) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "seqcast_native: setIsa(name) takes a string");
    return nullptr;
  }
  int isa;
  if (std::strcmp(buf, "scalar") == 0) {
    isa = seqcast::kScalar;
  } else if (std::strcmp(buf, "avx2") == 0) {
    isa = seqcast::kAvx2;
  } else if (std::strcmp(buf, "avx512") == 0) {
    isa = seqcast::kAvx512;
  } else {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE",
                          "seqcast_native: setIsa(name): name must be 'scalar', 'avx2' or 'avx512'");
    return nullptr;
  }
  napi_value out;
  napi_create_string_utf8(env, seqcast::isaName(seqcast::setIsa(isa)), NAPI_AUTO_LENGTH, &out);
  return out;
}

}  // namespace

// The version of these exports' arguments, checked at load by src/kernels/native.ts (NATIVE_ABI_VERSION):
// raise both together whenever an export's arguments change. 2: the first numbered version (the fused
// steps' positional arguments as below); an addon without `abiVersion` is older.
constexpr int32_t kAbiVersion = 2;

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value abi;
  if (napi_create_int32(env, kAbiVersion, &abi) != napi_ok) return nullptr;
  const napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm_, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"activate", nullptr, Activate, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"activateBackward", nullptr, ActivateBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"lstmForwardStep", nullptr, LstmForwardStep, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"lstmBackwardStep", nullptr, LstmBackwardStep, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"gruForwardStep", nullptr, GruForwardStep, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"gruBackwardStep", nullptr, GruBackwardStep, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setIsa", nullptr, SetIsa, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"abiVersion", nullptr, nullptr, nullptr, nullptr, abi, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return nullptr;
  return exports;
}
