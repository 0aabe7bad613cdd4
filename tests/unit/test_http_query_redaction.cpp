// Secrets in a query string never reach a trace's http.url; everything else stays as sent.
#include <gtest/gtest.h>

#include "http/query_redaction.hpp"

namespace srelab::http {
namespace {

struct Case {
  const char* query;
  const char* redacted;
};

TEST(QueryRedaction, SecretsByNameOrByLookAreRedactedWhole) {
  const Case cases[] = {
      {"", ""},
      {"requests=5&seed=3", "requests=5&seed=3"},
      {"password=hunter2", "<redacted>"},
      {"user=ann&Password=hunter2&x=1", "user=ann&<redacted>&x=1"},
      {"db_passwd=a&pwd=b&passphrase=c", "<redacted>&<redacted>&<redacted>"},
      {"api_key=k1&apikey=k2&access_key_id=k3&SecretKey=k4",
       "<redacted>&<redacted>&<redacted>&<redacted>"},
      {"key=plain&monkey=banana", "key=plain&monkey=banana"},
      {"access_token=t&refresh_token=r&token=x", "<redacted>&<redacted>&<redacted>"},
      {"X-Amz-Signature=abc&signed=1&sign=2", "<redacted>&<redacted>&<redacted>"},
      {"auth=a&authorization=b&client_secret=c", "<redacted>&<redacted>&<redacted>"},
      {"consumer_key=a&consumer_id=b", "<redacted>&<redacted>"},
      {"q=Bearer%20abc.def", "<redacted>"},
      {"jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "<redacted>"},
      {"t=ghp_0123456789abcdefghijklmnopqrstuvwxyz", "<redacted>"},
      {"password", "password"},  // a name without a value has nothing to hide
      {"a=1&&b=2&", "a=1&&b=2&"},
      {"password_hint=pet", "password_hint=pet"},
  };
  for (const Case& c : cases) EXPECT_EQ(redact_query(c.query), c.redacted) << c.query;
}

}  // namespace
}  // namespace srelab::http
