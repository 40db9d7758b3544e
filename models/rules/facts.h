#pragma once

#include "common/result.h"
#include "evaluator.h"

#include <QJsonObject>

namespace PromoDesk::Rules {

// Facts from JSON, as `promodesk-cli rules explain` and the simulator take them:
//   {"customer": {"country": "IE", "total_spent": 12000, "last_order_at": "2026-10-01T10:00:00Z",
//                 "birthdate": "1990-02-28", "tags": ["staff"], "metadata": {"pet_type": "dog"},
//                 "consents": {"email": true}, "segments": ["seg_1"],
//                 "events": [{"type": "cart_abandoned", "at": "…"}],
//                 "redemptions": [{"campaign": "camp_1", "at": "…"}]},
//    "order": {"amount": 8760, "channel": "web", "metadata": {…},
//              "items": [{"sku": "…", "product": "…", "category": "Dog Food", "quantity": 2, "price": 4599}]},
//    "now": "2026-11-24T12:00:00Z", "timezone": "Europe/Dublin"}
// Customer keys are the attribute names without "customer."; money is integer cents;
// times are ISO-8601. Errors name the field ("customer.total_spent: …").
Result<Facts> factsFromJson(const QJsonObject &object);

} // namespace PromoDesk::Rules
