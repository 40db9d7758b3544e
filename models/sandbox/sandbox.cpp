#include "sandbox.h"

namespace PromoDesk::Sandbox {
} // namespace PromoDesk::Sandbox
