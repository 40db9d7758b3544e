#include "campaignjson.h"

namespace PromoDesk::Engine {
} // namespace PromoDesk::Engine
