// The HTTP edge of the error codes: errc (and a foreign category) to a status and short error.
#include <gtest/gtest.h>

#include <string>

#include "catalog/answers.hpp"

namespace srelab::catalog {
namespace {

TEST(ErrorStatus, MapsTheProductFailures) {
  EXPECT_EQ(error_status(errc::not_found).status, http::Status::not_found);
  EXPECT_EQ(error_status(errc::pool_exhausted).error, "Pool Exhausted");
  EXPECT_EQ(error_status(errc::circuit_open).status, http::Status::service_unavailable);
  EXPECT_EQ(error_status(errc::db_timeout).status, http::Status::gateway_timeout);
  EXPECT_EQ(error_status(boost::system::error_code(5, boost::system::generic_category())).status,
            http::Status::internal_server_error);
}

}  // namespace
}  // namespace srelab::catalog
