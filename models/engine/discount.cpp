#include "discount.h"

namespace PromoDesk::Engine {
} // namespace PromoDesk::Engine
