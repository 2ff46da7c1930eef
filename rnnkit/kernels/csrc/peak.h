// The machine's fp32 multiply-add rate, measured: every thread runs independent chains of
// vector multiply-adds (acc = acc * m + a) from registers, with no memory traffic. Enough chains
// to cover the multiply-add latency times the number of FMA pipes of current x86-64 and ARM
// cores (4-cycle latency, 2-4 pipes), in the machine's widest vectors under -march=native.
// The benchmark reports its rows as a fraction of this rate (rnnkit/kernels/peak.py).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace rnnkit {

#if defined(__AVX512F__)
constexpr int kPeakBytes = 64, kPeakChains = 16;  // 16 of 32 zmm registers
#elif defined(__AVX__)
constexpr int kPeakBytes = 32, kPeakChains = 12;  // 12 of 16 ymm registers
#else
constexpr int kPeakBytes = 16, kPeakChains = 16;  // NEON / SSE: 16 of 32 (or 16) registers
#endif

// Multiply-adds of one thread: 2 * lanes * chains * iterations floating-point operations.
// The result is returned so that the compiler cannot drop the loop.
inline float fma_chains(int64_t iterations) {
  typedef float V __attribute__((vector_size(kPeakBytes)));
  V acc[kPeakChains];
  for (int j = 0; j < kPeakChains; ++j) acc[j] = V{} + float(j) * 1e-3f;
  const V m = V{} + 0.999999f, a = V{} + 1e-6f;  // acc converges to 1: no overflow, no denormals
  for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kPeakChains; ++j) acc[j] = acc[j] * m + a;
  }
  V sum = V{};
  for (int j = 0; j < kPeakChains; ++j) sum += acc[j];
  return sum[0];
}

inline int64_t fma_flops_per_iteration() {
  return 2 * static_cast<int64_t>(kPeakBytes / sizeof(float)) * kPeakChains;
}

// Floating-point operations per second of `threads` threads running fma_chains at once, timed
// from a common start to the last thread's end.
inline double fma_rate(int64_t threads, int64_t iterations) {
  std::atomic<int64_t> ready{0};
  std::atomic<bool> go{false};
  std::vector<float> sinks(threads);
  std::vector<std::thread> pool;
  for (int64_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      sinks[t] = fma_chains(iterations);
    });
  while (ready.load() < threads) {
  }
  const auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  for (auto& thread : pool) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  volatile float sink = 0;
  for (float s : sinks) sink = sink + s;
  return double(fma_flops_per_iteration()) * iterations * threads / seconds;
}

}  // namespace rnnkit
