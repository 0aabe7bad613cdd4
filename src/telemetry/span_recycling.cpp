#include "telemetry/span_recycling.hpp"

#include <iterator>
#include <utility>

namespace srelab::telemetry::span_recycling {
namespace {

struct Recycled {
  std::vector<TraceChunk> chunks;
  std::size_t spans = 0;  // in `chunks`
};

Recycled& recycled() {
  thread_local Recycled cache;
  return cache;
}

std::size_t retained_bytes(const SpanData& span) {
  return span.service.capacity() + span.name.capacity() + span.resource.capacity() +
         span.type.capacity() + span.meta.retained_bytes() + span.metrics.retained_bytes();
}

}  // namespace

TraceChunk take_chunk() {
  auto& cache = recycled();
  if (cache.chunks.empty()) {
    TraceChunk chunk;
    chunk.reserve(4);  // a cache hit's root and Redis span, without regrowing
    return chunk;
  }
  TraceChunk chunk = std::move(cache.chunks.back());
  cache.chunks.pop_back();
  cache.spans -= chunk.size();
  return chunk;
}

TraceChunk set_aside(TraceChunk& chunk, std::size_t used) {
  TraceChunk aside;
  if (used >= chunk.size()) return aside;
  aside.assign(std::make_move_iterator(chunk.begin() + static_cast<std::ptrdiff_t>(used)),
               std::make_move_iterator(chunk.end()));
  chunk.resize(used);
  return aside;
}

void give_back(TraceChunk& chunk, TraceChunk& set_aside) {
  auto& cache = recycled();
  for (SpanData& span : set_aside) chunk.push_back(std::move(span));
  set_aside.clear();
  if (chunk.empty() || cache.chunks.size() >= kMaxRecycledChunks) return;
  if (cache.spans + chunk.size() > kMaxRecycledSpans) {
    if (cache.spans >= kMaxRecycledSpans) return;
    chunk.resize(kMaxRecycledSpans - cache.spans);
  }
  for (SpanData& span : chunk) {
    if (retained_bytes(span) > kMaxRecycledSpanBytes) span = SpanData{};  // a long error message
  }
  cache.spans += chunk.size();
  cache.chunks.push_back(std::move(chunk));
  chunk = TraceChunk{};
}

SpanData& scratch() {
  thread_local SpanData empty;
  empty = SpanData{};
  return empty;
}

}  // namespace srelab::telemetry::span_recycling
