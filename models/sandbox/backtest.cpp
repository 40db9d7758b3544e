#include "backtest.h"

namespace PromoDesk::Sandbox {
} // namespace PromoDesk::Sandbox
