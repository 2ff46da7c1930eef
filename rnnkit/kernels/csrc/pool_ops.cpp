// Binding of the output pool (pool.h): its counters, and a way to hand its free blocks back.
#include <torch/library.h>

#include "pool.h"

namespace rnnkit {
namespace {

std::vector<int64_t> pool_stats() { return BlockPool::instance().stats(); }

void pool_release() { BlockPool::instance().release(); }

}  // namespace

TORCH_LIBRARY_FRAGMENT(rnnkit, m) {
  m.def("pool_stats() -> int[]", &pool_stats);
  m.def("pool_release() -> ()", &pool_release);
}

}  // namespace rnnkit
