#include "promotion.h"

namespace PromoDesk::Sandbox {
} // namespace PromoDesk::Sandbox
