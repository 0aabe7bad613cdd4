#include <gtest/gtest.h>

#include <string>

#include "telemetry/span_recycling.hpp"

namespace srelab::telemetry::span_recycling {
namespace {

TEST(SpanRecycling, ASpanGivenBackKeepsItsCapacityForTheNextTake) {
  TraceChunk chunk = take_chunk();
  EXPECT_TRUE(chunk.empty());
  SpanData span;
  span.resource.assign(100, 'r');
  span.meta.set("a.key.longer.than.small.strings", std::string(200, 'v'));
  chunk.push_back(std::move(span));
  give_back(chunk);
  EXPECT_TRUE(chunk.empty());

  // Whatever the last trace left is there (the tracer sets every field); clearing keeps room.
  const std::unique_ptr<SpanData> reused = take_span();
  reused->resource.clear();
  reused->meta.clear();
  EXPECT_GE(reused->resource.capacity(), 100u);
  EXPECT_GE(reused->meta.retained_bytes(), 200u);
}

TEST(SpanRecycling, ALargeSpanIsLetGo) {
  // Empty what this thread holds, so the next take tells what give_back kept.
  std::vector<std::unique_ptr<SpanData>> drained;
  for (std::size_t i = 0; i < 2 * kMaxRecycledSpans; ++i) drained.push_back(take_span());
  drained.clear();  // destroyed, not given back

  TraceChunk chunk = take_chunk();
  SpanData large;
  large.meta.set("error.message", std::string(100'000, 'x'));
  chunk.push_back(std::move(large));
  give_back(chunk);
  EXPECT_LT(take_span()->meta.retained_bytes(), 4096u);
}

TEST(SpanRecycling, TheAllocatorHandsBackTheBlockItWasGiven) {
  RecyclingAllocator<std::string> allocator;
  std::string* first = allocator.allocate(1);
  allocator.deallocate(first, 1);
  std::string* second = allocator.allocate(1);
  EXPECT_EQ(second, first);
  allocator.deallocate(second, 1);
  std::string* several = allocator.allocate(3);  // only single objects are recycled
  EXPECT_NE(several, nullptr);
  allocator.deallocate(several, 3);
}

TEST(SpanRecycling, TheScratchSpanIsEmptyEachTime) {
  scratch().meta.set("left", "over");
  EXPECT_TRUE(scratch().meta.empty());
}

}  // namespace
}  // namespace srelab::telemetry::span_recycling
