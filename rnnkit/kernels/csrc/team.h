// Column teams: how one recurrence uses several cores.
//
// A step's product h_{t-1} @ U is small (tens of microseconds), so forking threads for it, then
// again for the gate math, costs as much as it saves. Instead the threads of one team stay
// together for the whole sequence, each owning a contiguous slice of the hidden units: it
// multiplies the full state by its own columns of every gate (its weights stay in its cache),
// applies the gate math to those columns, and meets the others at one barrier per step, the point
// where the next step needs every unit of the new state.
#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <thread>

namespace rnnkit {

// Slices start on multiples of this many units, so each begins on a 64-byte boundary.
constexpr int64_t kSliceAlign = 16;

// A team is used once a step's product has this many multiply-adds (about half a microsecond on
// one core). Measured (two threads, batch 1-32, 32-256 units): at 2^15 teams were as fast or
// faster than one thread on every shape but SimpleRNN inference at 32 units (15% slower); at
// batch 1 with 64 units (2^12-2^14) a forced team gained nothing (GRU, LSTM) or lost (SimpleRNN
// inference, 1.3x slower). RNNKIT_TEAM_MIN_MACS overrides it (tests set 0 to force teams).
inline int64_t team_min_macs() {
  const char* env = std::getenv("RNNKIT_TEAM_MIN_MACS");
  return env != nullptr ? std::atoll(env) : int64_t(1) << 15;
}

// A barrier for the members of one team. It spins briefly, because its waits are microseconds
// long, then yields, so that on a busy machine a waiting member hands its core to one that was
// descheduled. Measured with two threads forced onto one core: spinning 20000 times before
// yielding made a GRU layer at batch 16 19x slower than one thread, 100 times 1.2x; with two
// free cores both counts run equally fast. Each member arrives with a weight, the number of
// slices it owns; the barrier opens when the weights add up to the team's slice count.
class StepBarrier {
 public:
  explicit StepBarrier(int64_t slices) : slices_(slices) {}

  void wait(int64_t weight) {
    if (weight == slices_) return;
    const int64_t generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(weight, std::memory_order_acq_rel) + weight == slices_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
      return;
    }
    for (int64_t spins = 0; generation_.load(std::memory_order_acquire) == generation; ++spins) {
      if (spins < 100) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      } else {
        std::this_thread::yield();
      }
    }
  }

 private:
  alignas(64) std::atomic<int64_t> arrived_{0};
  alignas(64) std::atomic<int64_t> generation_{0};
  const int64_t slices_;
};

// The hidden units [begin, end) one member owns, and how many slices that is (its barrier weight).
struct Columns {
  int64_t begin, end, weight;
  int64_t width() const { return end - begin; }
};

class Team {
 public:
  // units: the hidden size to split; step_macs: multiply-adds of one step's recurrent product.
  Team(int64_t units, int64_t step_macs) : units_(units) {
    const int64_t threads = at::get_num_threads();
#if AT_PARALLEL_OPENMP
    // Members must run at the same time; OpenMP's team guarantees that, a task pool would not.
    if (threads > 1 && !at::in_parallel_region() && step_macs >= team_min_macs())
      slices_ = std::max<int64_t>(1, std::min(threads, units / kSliceAlign));
#else
    (void)threads, (void)step_macs;
#endif
  }

  int64_t slices() const { return slices_; }

  // fn(Columns, StepBarrier&) runs once per member; all members run concurrently.
  template <typename F>
  void run(F&& fn) const {
    StepBarrier barrier(slices_);
    if (slices_ == 1) {
      fn(Columns{0, units_, 1}, barrier);
      return;
    }
    at::parallel_for(0, slices_, 1, [&](int64_t s0, int64_t s1) {
      fn(Columns{edge(s0), edge(s1), s1 - s0}, barrier);
    });
  }

 private:
  int64_t edge(int64_t slice) const {
    if (slice == slices_) return units_;
    return units_ * slice / slices_ / kSliceAlign * kSliceAlign;
  }

  int64_t units_;
  int64_t slices_ = 1;
};

// The columns [c0, c0 + w) of each of `blocks` side-by-side blocks of width `units` in the
// (k, ld) row-major matrix src, copied next to each other into dst (k, blocks * w): one member's
// share of a gate-stacked weight matrix. With a single full-width slice src is returned as is.
template <typename T>
const T* gather_columns(const T* src, int64_t k, int64_t ld, int64_t blocks, int64_t units,
                        int64_t c0, int64_t w, T* dst) {
  if (w == units && ld == blocks * units) return src;
  for (int64_t r = 0; r < k; ++r)
    for (int64_t g = 0; g < blocks; ++g)
      std::copy(src + r * ld + g * units + c0, src + r * ld + g * units + c0 + w,
                dst + (r * blocks + g) * w);
  return dst;
}

}  // namespace rnnkit
