// The memory finished traces leave behind, kept per thread for the next ones (span.cpp's, not
// a public interface): a traced request then fills a chunk whose spans' strings and tag maps
// already have their capacity, and takes its segment from a list of blocks, instead of going to
// malloc a dozen times. Everything here belongs to the calling thread; what one thread gives
// back, only it takes again. Bounded in count, and a span that grew large (a long error message)
// is let go.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "telemetry/span.hpp"

namespace srelab::telemetry::span_recycling {

// The bounds of what one thread keeps (spans counted in the chunks kept). A thread has as many
// traces open as it has requests in flight (each waits on Redis or Postgres with its spans
// held), so the pools must cover that concurrency: a pool smaller than it runs dry under load,
// and every request beyond it goes to malloc for its spans and gives them to free again (seen
// with a pool of 32 spans at 64 connections on two threads). Spans over kMaxRecycledSpanBytes
// are let go: ~2 MB a thread at most.
inline constexpr std::size_t kMaxRecycledSpans = 512;
inline constexpr std::size_t kMaxRecycledChunks = 256;
inline constexpr std::size_t kMaxRecycledSegments = 256;
inline constexpr std::size_t kMaxRecycledSpanBytes = 4096;

// A chunk for a new segment: one an earlier trace left, its spans still holding their capacity
// (the segment refills them in order, and adds spans past its end), else an empty one with
// room for a few spans.
TraceChunk take_chunk();
// Before the sink sees `chunk`: the spans past the first `used` (kept from an earlier, longer
// trace) are moved out, to join the chunk again in give_back(). Usually none: nothing moves.
TraceChunk set_aside(TraceChunk& chunk, std::size_t used);
// What a sink left of a chunk (spans it moved away are empty), with what was set aside: kept
// for take_chunk() within the bounds above, else let go.
void give_back(TraceChunk& chunk, TraceChunk& set_aside);
// An empty SpanData of this thread, for spans that record nothing to answer data() with.
SpanData& scratch();

// The allocator of segments (one per trace, held by shared_ptr): blocks of one object come back
// to a short list of this thread's. Blocks freed on another thread join that thread's list.
template <class T>
struct RecyclingAllocator {
  using value_type = T;
  RecyclingAllocator() = default;
  template <class U>
  RecyclingAllocator(const RecyclingAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    auto& blocks = free_blocks();
    if (n == 1 && !blocks.empty()) {
      void* block = blocks.back();
      blocks.pop_back();
      return static_cast<T*>(block);
    }
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    auto& blocks = free_blocks();
    if (n == 1 && blocks.size() < kMaxBlocks) {
      blocks.push_back(p);  // capacity reserved up front: no allocation here
      return;
    }
    std::allocator<T>().deallocate(p, n);
  }
  friend bool operator==(const RecyclingAllocator&, const RecyclingAllocator&) { return true; }

 private:
  static constexpr std::size_t kMaxBlocks = kMaxRecycledSegments;
  struct Blocks {
    std::vector<void*> free;
    Blocks() { free.reserve(kMaxBlocks); }
    ~Blocks() {
      for (void* block : free) std::allocator<T>().deallocate(static_cast<T*>(block), 1);
    }
  };
  static std::vector<void*>& free_blocks() {
    thread_local Blocks blocks;
    return blocks.free;
  }
};

}  // namespace srelab::telemetry::span_recycling
