#include "telemetry/tracing/client_span.hpp"

#include <string_view>

namespace srelab::telemetry {

void tag_client_span(Span& span, const PeerEndpoint& peer) {
  if (!span.recording()) return;
  if (!peer.service_suffix.empty()) {
    std::string service(span.base_service());
    service.append("-").append(peer.service_suffix);
    span.set_service(service);
  }
  span.set_type(peer.type);
  span.set_tag("span.kind", "client");
  span.set_tag("component", peer.component);
  span.set_tag("db.system", peer.system);
  span.set_tag("db.type", peer.system);
  span.set_tag("out.host", peer.host);
  if (peer.port != 0) span.set_metric("network.destination.port", peer.port);
  if (!peer.db_name.empty()) span.set_tag("db.name", peer.db_name);
  if (!peer.db_user.empty()) span.set_tag("db.user", peer.db_user);
  const bool from_db_name = peer.peer_service_from_db_name && !peer.db_name.empty();
  span.set_tag("peer.service", from_db_name ? peer.db_name : peer.host);
  span.set_tag("_dd.peer.service.source", from_db_name ? "db.name" : "out.host");
  span.set_metric(kMeasuredMetric, 1);
}

}  // namespace srelab::telemetry
