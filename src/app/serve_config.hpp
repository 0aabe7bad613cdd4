// The service's configuration, finalized once at start-up from flags, environment and defaults.
// Components take only these finalized, validated values.
#pragma once

#include <cstddef>

#include "app/dogstatsd_sender.hpp"
#include "app/option_values.hpp"
#include "catalog/admin_access.hpp"
#include "catalog/controls.hpp"
#include "catalog/product_service.hpp"
#include "core/errc.hpp"
#include "http/server.hpp"
#include "postgres/pool.hpp"
#include "redis/client.hpp"

namespace srelab::app {

struct ServeConfig {
  http::ServerSettings server;
  std::size_t threads = 1;
  postgres::PoolSettings pool;
  redis::ClientSettings redis;
  catalog::ProductServiceSettings products;
  catalog::ControlsSettings controls;
  catalog::AdminAccess admin;
  telemetry::DogStatsdSettings dogstatsd_tags;  // env, service, version
  DogStatsdTarget dogstatsd;                    // host empty: metrics are not sent
};

// errc::invalid_argument when a value is bad; values.error() then says which and why.
result<ServeConfig> finalize_serve_config(OptionValues& values);

// Parses redis://[:password@]host[:port][/db]; false when it is not such a URL.
bool parse_redis_url(std::string_view url, redis::ClientSettings& settings);

}  // namespace srelab::app
