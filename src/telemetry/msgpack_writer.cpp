#include "telemetry/msgpack_writer.hpp"

#include <algorithm>

namespace srelab::telemetry {

void MsgpackWriter::grow(std::size_t count) {
  // Doubling (from a span's worth) keeps the zero-filling resize and any reallocation rare.
  constexpr std::size_t kFirstRoom = 512;
  const std::size_t wanted = std::max({size_ + count, out_->size() * 2, size_ + kFirstRoom});
  out_->resize(std::max(wanted, out_->capacity()));
}

}  // namespace srelab::telemetry
