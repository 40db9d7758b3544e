#include "campaign.h"

namespace PromoDesk::Engine {
} // namespace PromoDesk::Engine
