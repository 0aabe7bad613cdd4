#include "core/errc.hpp"

#include <string>

namespace srelab {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "srelab"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::ok:
        return "ok";
      case errc::invalid_argument:
        return "invalid argument";
      case errc::not_found:
        return "not found";
      case errc::timeout:
        return "timed out";
      case errc::cancelled:
        return "cancelled";
      case errc::cache_unavailable:
        return "cache unavailable";
      case errc::cache_error:
        return "cache error";
      case errc::db_unavailable:
        return "database unavailable";
      case errc::db_query_failed:
        return "database query failed";
      case errc::db_timeout:
        return "database timeout";
      case errc::pool_exhausted:
        return "pool exhausted";
      case errc::circuit_open:
        return "circuit open";
      case errc::protocol_error:
        return "protocol error";
    }
    return "unknown srelab error";
  }
};

}  // namespace

const boost::system::error_category& srelab_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace srelab
