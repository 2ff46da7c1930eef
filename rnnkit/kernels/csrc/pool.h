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

#include <algorithm>
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
  static constexpr size_t kAlign = 64;

  // The data pointer is the block itself (its context too, as c10's raw_allocate and oneDNN's
  // scratch allocations require); the pool remembers each live block's size.
  c10::DataPtr allocate(size_t bytes) override {
    const size_t size = round_up(bytes);
    void* block = take(size);
    if (block == nullptr) {
      block = std::aligned_alloc(kAlign, size);
      if (block == nullptr) throw std::bad_alloc();
      std::lock_guard<std::mutex> lock(mutex_);
      live_[block] = size;
    }
    return {block, block, &BlockPool::give_back, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &BlockPool::give_back; }

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
    for (auto& entry : free_) {
      live_.erase(entry.second);
      std::free(entry.second);
    }
    free_.clear();
    cached_ = 0;
  }

  // Whether ``block`` is one the pool handed out and has not had back.
  bool owns(void* block) {
    std::lock_guard<std::mutex> lock(mutex_);
    return live_.count(block) != 0;
  }

  static BlockPool& instance() {
    static BlockPool* pool = new BlockPool();  // never destroyed, see above
    return *pool;
  }

  // Keep the freed block, making room by freeing others (shapes that changed, e.g. the last
  // batch of an epoch or another length bucket); a block larger than the whole pool goes back.
  static void give_back(void* block) {
    BlockPool& pool = instance();
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(pool.mutex_);
      auto found = pool.live_.find(block);
      TORCH_INTERNAL_ASSERT(found != pool.live_.end(), "rnnkit pool: a block it did not hand out came back");
      const size_t size = found->second;
      if (size > pool.limit_) {
        pool.live_.erase(found);
        evicted.push_back(block);
      } else {
        while (pool.cached_ + size > pool.limit_) {
          auto victim = pool.free_.begin();
          pool.cached_ -= victim->first;
          pool.live_.erase(victim->second);
          evicted.push_back(victim->second);
          pool.free_.erase(victim);
        }
        pool.free_.emplace(size, block);
        pool.cached_ += size;
      }
    }
    for (void* b : evicted) std::free(b);
  }

 private:
  BlockPool() {
    const char* env = std::getenv("RNNKIT_POOL_MB");
    limit_ = (env != nullptr ? std::strtoull(env, nullptr, 10) : 512ull) << 20;
  }

  static size_t round_up(size_t bytes) {  // 4 KB steps: one block serves a few nearby sizes
    return ((std::max<size_t>(bytes, 1) + 4095) / 4096) * 4096;
  }

  void* take(size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = free_.find(size);
    if (found == free_.end()) {
      ++misses_;
      return nullptr;
    }
    void* block = found->second;
    free_.erase(found);
    cached_ -= size;
    ++hits_;
    return block;
  }

  std::mutex mutex_;
  std::unordered_multimap<size_t, void*> free_;  // size -> free block
  std::unordered_map<void*, size_t> live_;       // every block the pool holds, free or in use -> size
  size_t cached_ = 0, limit_ = 0;
  int64_t hits_ = 0, misses_ = 0;
};

// torch's CPU allocator while a training step runs (rnnkit.kernels.pool): requests of at least
// kMinBytes come from the pool, smaller ones from the allocator it replaced. The large ones are
// the tensors glibc maps and unmaps (or trims) on every step -- oneDNN's LSTM workspace, the
// activations kept for backward, an Embedding table's gradient -- measured at about 10,000 minor
// page faults (40 MB of fresh pages) per step of a BiLSTM classifier and of torch's GRU language
// model on a 2-core Zen 3; small ones stay on glibc's heap, which serves them without faults.
class PooledCpuAllocator final : public c10::Allocator {
 public:
  static constexpr size_t kMinBytes = 64 * 1024;

  explicit PooledCpuAllocator(c10::Allocator* fallback) : fallback_(fallback) {
    set_fallback_deleter(fallback->raw_deleter());
  }

  c10::DataPtr allocate(size_t bytes) override {
    return bytes >= kMinBytes ? BlockPool::instance().allocate(bytes) : fallback_->allocate(bytes);
  }

  void copy_data(void* dest, const void* src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }

  // c10's raw_deallocate hands back a pointer without saying who made it: the pool's own blocks
  // go back to the pool, the rest to the allocator this one stands in front of.
  c10::DeleterFnPtr raw_deleter() const override { return &PooledCpuAllocator::release; }

  c10::Allocator* fallback() const { return fallback_; }

  static void set_fallback_deleter(c10::DeleterFnPtr deleter) { fallback_deleter() = deleter; }

 private:
  static c10::DeleterFnPtr& fallback_deleter() {
    static c10::DeleterFnPtr deleter = nullptr;
    return deleter;
  }

  static void release(void* block) {
    if (BlockPool::instance().owns(block)) {
      BlockPool::give_back(block);
    } else {
      TORCH_INTERNAL_ASSERT(fallback_deleter() != nullptr, "rnnkit pool: no deleter for a foreign block");
      fallback_deleter()(block);
    }
  }

  c10::Allocator* fallback_;
};

// at::empty, from the pool.
inline at::Tensor pooled_empty(at::IntArrayRef shape, const at::TensorOptions& options) {
  return at::detail::empty_generic(shape, &BlockPool::instance(),
                                   c10::DispatchKeySet(c10::DispatchKey::CPU),
                                   c10::typeMetaToScalarType(options.dtype()), std::nullopt);
}

}  // namespace rnnkit
