#include "telemetry/msgpack_writer.hpp"

#include <algorithm>

namespace srelab::telemetry {

void MsgpackWriter::grow(std::size_t count) {
  // The room doubles with what this writer wrote (from a span's worth), so resizes are rare; it
  // is measured from the writer's start, not the target's: resize zero-fills, and a target that
  // is a large batch being appended to must not be filled to its end for every trace.
  constexpr std::size_t kFirstRoom = 512;
  const std::size_t room = std::max(size_ - start_, kFirstRoom);
  out_->resize(size_ + std::max(count, room));
}

}  // namespace srelab::telemetry
