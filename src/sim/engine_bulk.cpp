#include <algorithm>

#include "catalog/answers.hpp"
#include "sim/engine.hpp"

// The bulk test (GET /products/bulk/test) on one replica: its lookups go through the replica's
// request flow without a client or the gateway, `concurrency` at a time, as
// catalog::run_bulk_test runs them, while the clients' traffic goes on.

namespace srelab::sim {

std::vector<BulkLookup> Simulation::Engine::bulk_lookups(std::size_t replica,
                                                         const std::vector<std::int32_t>& ids,
                                                         std::size_t concurrency) {
  bulk_.emplace(BulkRun{replica, ids, 0, 0, std::vector<BulkLookup>(ids.size())});
  for (std::size_t worker = 0; worker < std::max<std::size_t>(concurrency, 1); ++worker)
    start_bulk_lookup();
  constexpr std::int64_t kStep = kSecond / 1000;  // short steps: the test ends where it ends
  while (bulk_->done < bulk_->ids.size()) run_until(now_ + kStep);
  std::vector<BulkLookup> rows = std::move(bulk_->rows);
  bulk_.reset();
  return rows;
}

void Simulation::Engine::start_bulk_lookup() {
  if (bulk_->next >= bulk_->ids.size()) return;
  const std::uint32_t r = allocate();
  Request& request = requests_[r];
  request.bulk = true;
  request.bulk_index = static_cast<std::uint32_t>(bulk_->next);
  request.client_done = true;  // nobody but the bulk test waits for it
  request.due = now_;
  request.sent = now_;
  request.id = static_cast<std::uint64_t>(bulk_->ids[bulk_->next++]);
  send_to_replica(r, bulk_->replica);
}

void Simulation::Engine::finish_bulk_lookup(std::uint32_t r) {
  const Request& request = requests_[r];
  BulkLookup& row = bulk_->rows[request.bulk_index];
  row.status = request.status;
  row.source = source_name(request.source);
  row.latency_s = static_cast<double>(now_ - request.due) * 1e-9;
  if (request.status >= 400) row.error = catalog::error_status(request.cause).error;
  row.pool_active = request.pool_seen;
  ++bulk_->done;
  start_bulk_lookup();
}

}  // namespace srelab::sim
