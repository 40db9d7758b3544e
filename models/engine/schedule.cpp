#include "schedule.h"

namespace PromoDesk::Engine {
} // namespace PromoDesk::Engine
