#include "simulatorcases.h"

namespace PromoDesk::Sandbox {
} // namespace PromoDesk::Sandbox
