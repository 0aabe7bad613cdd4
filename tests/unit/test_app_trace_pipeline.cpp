// The trace pipeline's fan-out to local consumers: a consumer's Wants is asked before any copy is
// made, a consumer that declines gets nothing, and the last consumer that wants a chunk takes the
// chunk itself (no copy). Without an Agent or OTLP URL the pipeline has no exporters.
#include <gtest/gtest.h>

#include <vector>

#include "app/trace_pipeline.hpp"

namespace srelab::app {
namespace {

struct Received {
  std::vector<const telemetry::SpanData*> buffers;  // the chunk's storage as received
  int calls = 0;
};

class TracePipelineTest : public ::testing::Test {
 protected:
  TracePipelineTest() : pipeline_(config(), clock_, registry_) {}

  static TracingConfig config() {
    TracingConfig tracing;
    tracing.send = false;
    return tracing;
  }

  TracePipeline::Consumer into(Received& received) {
    return [&received](telemetry::TraceChunk&& chunk) {
      ++received.calls;
      received.buffers.push_back(chunk.data());
      telemetry::TraceChunk kept = std::move(chunk);
    };
  }

  // Sends a two-span chunk; returns the address of its storage before it left.
  const telemetry::SpanData* send() {
    telemetry::TraceChunk chunk(2);
    const telemetry::SpanData* storage = chunk.data();
    pipeline_.sink()(std::move(chunk));
    return storage;
  }

  ManualClock clock_;
  telemetry::Registry registry_;
  TracePipeline pipeline_;
};

TEST_F(TracePipelineTest, TheLastConsumerThatWantsTheChunkTakesIt) {
  Received copy;
  Received declined;
  Received last;
  int asked = 0;
  pipeline_.add_consumer(into(copy));
  pipeline_.add_consumer(into(declined), [&asked](const telemetry::TraceChunk& chunk) {
    ++asked;
    EXPECT_EQ(chunk.size(), 2u) << "asked with the chunk itself";
    return false;
  });
  pipeline_.add_consumer(into(last), [](const telemetry::TraceChunk&) { return true; });

  const telemetry::SpanData* original = send();
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(declined.calls, 0);
  ASSERT_EQ(copy.calls, 1);
  EXPECT_NE(copy.buffers[0], original) << "an earlier consumer gets a copy";
  ASSERT_EQ(last.calls, 1);
  EXPECT_EQ(last.buffers[0], original) << "the last one that wants it gets the chunk itself";
}

TEST_F(TracePipelineTest, WhenTheLastConsumerDeclinesTheOneBeforeTakesTheChunk) {
  Received first;
  Received last;
  bool wanted = false;
  pipeline_.add_consumer(into(first));
  pipeline_.add_consumer(into(last), [&wanted](const telemetry::TraceChunk&) { return wanted; });

  const telemetry::SpanData* original = send();
  ASSERT_EQ(first.calls, 1);
  EXPECT_EQ(first.buffers[0], original) << "no copy made for a consumer that declined";
  EXPECT_EQ(last.calls, 0);

  wanted = true;
  const telemetry::SpanData* second = send();
  ASSERT_EQ(first.calls, 2);
  EXPECT_NE(first.buffers[1], second);
  ASSERT_EQ(last.calls, 1);
  EXPECT_EQ(last.buffers[0], second);
}

TEST_F(TracePipelineTest, NobodyWantsIt) {
  Received only;
  pipeline_.add_consumer(into(only), [](const telemetry::TraceChunk&) { return false; });
  send();
  EXPECT_EQ(only.calls, 0);
  EXPECT_TRUE(pipeline_.exporters().empty());
}

TEST_F(TracePipelineTest, ConsumersAreBounded) {
  for (std::size_t i = 0; i < TracePipeline::kMaxConsumers; ++i)
    pipeline_.add_consumer([](telemetry::TraceChunk&&) {});
  EXPECT_THROW(pipeline_.add_consumer([](telemetry::TraceChunk&&) {}), std::length_error);
}

}  // namespace
}  // namespace srelab::app
