#include "telemetry/span_recycling.hpp"

#include <utility>

namespace srelab::telemetry::span_recycling {
namespace {

// `ready` holds spans with their capacity; `shells` the heap objects Spans held after their
// contents went into a chunk.
struct Recycled {
  std::vector<std::unique_ptr<SpanData>> ready;
  std::vector<std::unique_ptr<SpanData>> shells;
  std::vector<TraceChunk> chunks;
};

Recycled& recycled() {
  thread_local Recycled cache;
  return cache;
}

std::size_t retained_bytes(const SpanData& span) {
  return span.service.capacity() + span.name.capacity() + span.resource.capacity() +
         span.type.capacity() + span.meta.retained_bytes() + span.metrics.retained_bytes();
}

std::unique_ptr<SpanData> pop(std::vector<std::unique_ptr<SpanData>>& from) {
  std::unique_ptr<SpanData> span = std::move(from.back());
  from.pop_back();
  return span;
}

}  // namespace

std::unique_ptr<SpanData> take_span() {
  auto& cache = recycled();
  if (!cache.ready.empty()) return pop(cache.ready);
  if (!cache.shells.empty()) return pop(cache.shells);
  return std::make_unique<SpanData>();
}

void give_back_shell(std::unique_ptr<SpanData> shell) {
  auto& shells = recycled().shells;
  if (shells.size() < kMaxRecycledSpans) shells.push_back(std::move(shell));
}

TraceChunk take_chunk() {
  auto& chunks = recycled().chunks;
  if (chunks.empty()) {
    TraceChunk chunk;
    chunk.reserve(4);  // a cache hit's root and Redis span, without regrowing
    return chunk;
  }
  TraceChunk chunk = std::move(chunks.back());
  chunks.pop_back();
  return chunk;
}

void give_back(TraceChunk& chunk) {
  auto& cache = recycled();
  for (SpanData& span : chunk) {
    if (cache.ready.size() >= kMaxRecycledSpans) break;
    if (retained_bytes(span) > kMaxRecycledSpanBytes) continue;
    std::unique_ptr<SpanData> holder =
        cache.shells.empty() ? std::make_unique<SpanData>() : pop(cache.shells);
    *holder = std::move(span);
    cache.ready.push_back(std::move(holder));
  }
  chunk.clear();
  if (cache.chunks.size() < kMaxRecycledChunks && chunk.capacity() > 0)
    cache.chunks.push_back(std::move(chunk));
}

SpanData& scratch() {
  thread_local SpanData empty;
  empty = SpanData{};
  return empty;
}

}  // namespace srelab::telemetry::span_recycling
