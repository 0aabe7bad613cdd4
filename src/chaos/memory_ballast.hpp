// The "memory leak" of POST /chaos/leak: memory that is allocated, written to (so it is resident,
// and RSS really grows) and kept until DELETE /chaos/leak. Capped, thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "core/errc.hpp"

namespace srelab::chaos {

class MemoryBallast {
 public:
  explicit MemoryBallast(std::size_t cap_bytes) : cap_bytes_(cap_bytes) {}

  // Adds `bytes`; errc::invalid_argument when it would pass the cap (nothing is added then).
  // Throws std::bad_alloc when the system has no memory to map (like new would).
  result<void> add(std::size_t bytes);
  std::size_t clear();  // frees everything; returns how many bytes were held
  std::size_t size_bytes() const;
  std::size_t cap_bytes() const { return cap_bytes_; }

 private:
  // One anonymous private mapping, unmapped when destroyed. Mapped directly rather than taken
  // from new[]: glibc would serve a 1 MiB new[] by mmap only until the first one is freed, after
  // which its dynamic mmap threshold rises and later blocks come from the heap, which free() need
  // not give back; DELETE /chaos/leak must make RSS fall every time, not just the first.
  class Block {
   public:
    explicit Block(std::size_t bytes);  // maps and writes every page
    Block(Block&& other) noexcept;
    Block& operator=(Block&&) = delete;
    ~Block();

   private:
    void* data_;
    std::size_t bytes_;
  };

  mutable std::mutex mutex_;
  std::size_t cap_bytes_;
  std::size_t size_bytes_ = 0;
  std::vector<Block> blocks_;
};

}  // namespace srelab::chaos
