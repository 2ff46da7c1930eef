// A reuse pool for the ops' outputs and workspaces (states and gates kept for backward, gradients,
// the input projection): tens of megabytes per training call. Freed through the system allocator,
// glibc hands such blocks back to the system (munmap or a heap trim) and takes one page fault per
// 4 KB to get them again on the next call, a 2.5 ms tax on a 5.8 ms forward at batch 32 unless
// MALLOC_TRIM_THRESHOLD_ was raised. Here a freed block waits, by its exact size, for the next
// request of that size, so a training loop that repeats its shapes touches the same pages.
//
// The pool keeps at most RNNKIT_POOL_MB megabytes of free blocks (default 512, 0 = no pool);
// beyond that older free blocks go back to the system to make room. Tensors keep their pool block through a
// c10::Allocator, so they stay ordinary resizable CPU tensors. The pool is never destroyed:
// tensors freed at interpreter exit may still return blocks to it.
#pragma once

#include <ATen/ATen.h>
#include <ATen/EmptyTensor.h>
#include <c10/core/Allocator.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

namespace rnnkit {

class BlockPool final : public c10::Allocator {
 public:
  static constexpr size_t kAlign = 64, kHeader = 64;  // header: the block's size, cache-line apart

  c10::DataPtr allocate(size_t bytes) override {
    const size_t size = round_up(bytes);
    void* base = take(size);
    if (base == nullptr) {
      base = std::aligned_alloc(kAlign, size + kHeader);
      if (base == nullptr) throw std::bad_alloc();
      *static_cast<size_t*>(base) = size;
    }
    void* data = static_cast<char*>(base) + kHeader;
    return {data, base, &BlockPool::give_back, c10::Device(c10::DeviceType::CPU)};
  }

  void copy_data(void* dest, const void* src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }

  // (cached bytes, hits, misses) since the process started: for tests and the benchmark notes.
  std::vector<int64_t> stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {static_cast<int64_t>(cached_), hits_, misses_};
  }

  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : free_) std::free(entry.second);
    free_.clear();
    cached_ = 0;
  }

  static BlockPool& instance() {
    static BlockPool* pool = new BlockPool();  // never destroyed, see above
    return *pool;
  }

 private:
  BlockPool() {
    const char* env = std::getenv("RNNKIT_POOL_MB");
    limit_ = (env != nullptr ? std::strtoull(env, nullptr, 10) : 512ull) << 20;
  }

  static size_t round_up(size_t bytes) {  // 4 KB steps: one block serves a few nearby sizes
    return ((bytes + 4095) / 4096) * 4096;
  }

  void* take(size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = free_.find(size);
    if (found == free_.end()) {
      ++misses_;
      return nullptr;
    }
    void* base = found->second;
    free_.erase(found);
    cached_ -= size;
    ++hits_;
    return base;
  }

  // Keep the freed block, making room by freeing others (shapes that changed, e.g. the last
  // batch of an epoch or another length bucket); a block larger than the whole pool goes back.
  static void give_back(void* base) {
    BlockPool& pool = instance();
    const size_t size = *static_cast<size_t*>(base);
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(pool.mutex_);
      if (size > pool.limit_) {
        evicted.push_back(base);
      } else {
        while (pool.cached_ + size > pool.limit_) {
          auto victim = pool.free_.begin();
          pool.cached_ -= victim->first;
          evicted.push_back(victim->second);
          pool.free_.erase(victim);
        }
        pool.free_.emplace(size, base);
        pool.cached_ += size;
      }
    }
    for (void* block : evicted) std::free(block);
  }

  std::mutex mutex_;
  std::unordered_multimap<size_t, void*> free_;
  size_t cached_ = 0, limit_ = 0;
  int64_t hits_ = 0, misses_ = 0;
};

// at::empty, from the pool.
inline at::Tensor pooled_empty(at::IntArrayRef shape, const at::TensorOptions& options) {
  return at::detail::empty_generic(shape, &BlockPool::instance(),
                                   c10::DispatchKeySet(c10::DispatchKey::CPU),
                                   c10::typeMetaToScalarType(options.dtype()), std::nullopt);
}

}  // namespace rnnkit
