#include "simulator.h"

namespace PromoDesk::Sandbox {
} // namespace PromoDesk::Sandbox
