// Binding of the output pool (pool.h): its counters, and a way to hand its free blocks back.
#include <c10/core/CPUAllocator.h>
#include <torch/library.h>

#include <mutex>

#include "pool.h"

namespace rnnkit {
namespace {

std::vector<int64_t> pool_stats() { return BlockPool::instance().stats(); }

void pool_release() { BlockPool::instance().release(); }

// Installs (on=true) or removes the pooled allocator as torch's CPU allocator; returns whether it
// was installed before, so a caller can put back what it found. The registry keeps the allocator
// with the highest priority given; both directions use the same one, so each call takes effect.
bool pool_cpu_tensors(bool on) {
  constexpr uint8_t kPriority = 100;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  static PooledCpuAllocator* pooled = nullptr;
  c10::Allocator* current = c10::GetCPUAllocator();
  const bool was_on = pooled != nullptr && current == pooled;
  if (on && !was_on) {
    if (pooled == nullptr || pooled->fallback() != current) pooled = new PooledCpuAllocator(current);  // kept: live tensors may point at it
    c10::SetCPUAllocator(pooled, kPriority);
  } else if (!on && was_on) {
    c10::SetCPUAllocator(pooled->fallback(), kPriority);
  }
  return was_on;
}

}  // namespace

TORCH_LIBRARY_FRAGMENT(rnnkit, m) {
  m.def("pool_stats() -> int[]", &pool_stats);
  m.def("pool_release() -> ()", &pool_release);
  m.def("pool_cpu_tensors(bool on) -> bool", &pool_cpu_tensors);
}

}  // namespace rnnkit
