#pragma once

namespace PromoDesk::Store {
} // namespace PromoDesk::Store
