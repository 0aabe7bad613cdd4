#include <gtest/gtest.h>

#include <string>

#include "telemetry/span_recycling.hpp"

namespace srelab::telemetry::span_recycling {
namespace {

// Empties what this thread keeps, so the next take tells what give_back kept.
void drain() {
  for (std::size_t i = 0; i <= kMaxRecycledChunks; ++i) (void)take_chunk();
}

SpanData span_with_resource(std::string resource) {
  SpanData span;
  span.resource = std::move(resource);
  return span;
}

TEST(SpanRecycling, AChunkGivenBackKeepsItsSpansCapacityForTheNextTake) {
  drain();
  TraceChunk chunk = take_chunk();
  EXPECT_TRUE(chunk.empty());
  SpanData span;
  span.resource.assign(100, 'r');
  span.meta.set("a.key.longer.than.small.strings", std::string(200, 'v'));
  chunk.push_back(std::move(span));
  TraceChunk none;
  give_back(chunk, none);

  // Whatever the last trace left is there (the tracer sets every field); clearing keeps room.
  TraceChunk reused = take_chunk();
  ASSERT_EQ(reused.size(), 1u);
  reused[0].resource.clear();
  reused[0].meta.clear();
  EXPECT_GE(reused[0].resource.capacity(), 100u);
  EXPECT_GE(reused[0].meta.retained_bytes(), 200u);
}

TEST(SpanRecycling, ALargeSpanIsLetGo) {
  drain();
  TraceChunk chunk = take_chunk();
  SpanData large;
  large.meta.set("error.message", std::string(100'000, 'x'));
  chunk.push_back(std::move(large));
  TraceChunk none;
  give_back(chunk, none);
  TraceChunk reused = take_chunk();
  ASSERT_EQ(reused.size(), 1u);
  EXPECT_LT(reused[0].meta.retained_bytes(), 4096u);
}

TEST(SpanRecycling, SpansSetAsideJoinTheChunkAgain) {
  drain();
  TraceChunk chunk{span_with_resource("a"), span_with_resource("b"), span_with_resource("c")};
  TraceChunk aside = set_aside(chunk, 1);  // the trace used one span
  ASSERT_EQ(chunk.size(), 1u);
  ASSERT_EQ(aside.size(), 2u);
  EXPECT_TRUE(set_aside(chunk, 1).empty()) << "nothing past what was used";
  give_back(chunk, aside);
  const TraceChunk reused = take_chunk();
  ASSERT_EQ(reused.size(), 3u);
  EXPECT_EQ(reused[0].resource, "a");
  EXPECT_EQ(reused[1].resource, "b");
  EXPECT_EQ(reused[2].resource, "c");
}

TEST(SpanRecycling, NoMoreSpansThanTheBoundAreKept) {
  drain();
  TraceChunk chunk(kMaxRecycledSpans + 10);
  TraceChunk none;
  give_back(chunk, none);
  EXPECT_EQ(take_chunk().size(), kMaxRecycledSpans);
  TraceChunk empty_after = take_chunk();
  EXPECT_TRUE(empty_after.empty()) << "one chunk was kept, with the bound's worth of spans";
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
