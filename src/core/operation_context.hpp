// The context of one operation (an HTTP request, or one lookup of a bulk test) that travels down
// the request path. Later issues hang the span, the chaos verdicts and the breaker decision here.
#pragma once

#include "core/clock.hpp"

namespace srelab {

struct OperationContext {
  Clock::time_point started{};
};

}  // namespace srelab
