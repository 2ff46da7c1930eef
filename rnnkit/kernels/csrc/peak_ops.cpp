// Binding of the peak-rate probe (peak.h): checks its arguments and runs it.
#include <torch/library.h>

#include "peak.h"

namespace rnnkit {
namespace {

double fma_peak(int64_t threads, int64_t iterations) {
  TORCH_CHECK(threads >= 1 && threads <= 4096, "fma_peak: threads must be 1..4096, got ", threads);
  TORCH_CHECK(iterations >= 1, "fma_peak: iterations must be positive, got ", iterations);
  return fma_rate(threads, iterations);
}

}  // namespace

TORCH_LIBRARY_FRAGMENT(rnnkit, m) { m.def("fma_peak(int threads, int iterations) -> float", &fma_peak); }

}  // namespace rnnkit
