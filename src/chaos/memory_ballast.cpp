#include "chaos/memory_ballast.hpp"

#include <sys/mman.h>

#include <cstring>
#include <new>
#include <utility>

namespace srelab::chaos {
namespace {

// Blocks of 1 MiB: small enough that a request is met closely, large enough that the number of
// mappings stays far below the kernel's limit (vm.max_map_count, 65530 by default) for any
// sensible cap.
constexpr std::size_t kBlockBytes = std::size_t{1} << 20;

// Not zero: the kernel backs untouched, or zero-filled, anonymous pages with one shared zero page
// until they are written; a non-zero byte on every page makes each page resident of its own.
constexpr int kFill = 0xa5;

}  // namespace

result<void> MemoryBallast::add(std::size_t bytes) {
  std::lock_guard lock(mutex_);
  if (bytes > cap_bytes_ - size_bytes_) return errc::invalid_argument;
  // Reserved first, so a bad_alloc part-way leaves the blocks added so far correctly counted.
  blocks_.reserve(blocks_.size() + (bytes + kBlockBytes - 1) / kBlockBytes);
  while (bytes > 0) {
    const std::size_t block = bytes < kBlockBytes ? bytes : kBlockBytes;
    blocks_.emplace_back(block);
    size_bytes_ += block;
    bytes -= block;
  }
  return {};
}

std::size_t MemoryBallast::clear() {
  std::vector<Block> freed;
  std::size_t held = 0;
  {
    std::lock_guard lock(mutex_);
    freed.swap(blocks_);
    held = std::exchange(size_bytes_, 0);
  }
  return held;  // `freed` unmaps here, outside the lock
}

std::size_t MemoryBallast::size_bytes() const {
  std::lock_guard lock(mutex_);
  return size_bytes_;
}

MemoryBallast::Block::Block(std::size_t bytes)
    : data_(mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)),
      bytes_(bytes) {
  if (data_ == MAP_FAILED) throw std::bad_alloc();
  std::memset(data_, kFill, bytes_);
}

MemoryBallast::Block::Block(Block&& other) noexcept
    : data_(std::exchange(other.data_, MAP_FAILED)), bytes_(std::exchange(other.bytes_, 0)) {}

MemoryBallast::Block::~Block() {
  if (data_ != MAP_FAILED) munmap(data_, bytes_);
}

}  // namespace srelab::chaos
