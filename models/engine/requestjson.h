#pragma once

#include "common/result.h"
#include "engine/engine.h"

#include <QJsonObject>

namespace PromoDesk::Engine {

// The JSON of qualify / validate / redeem / rollback (docs/cli.md), in Voucherify's
// shapes: {"customer": {"id" | "source_id", …}, "order": {"source_id", "items": […]},
// "redeemables": [{"object": "voucher", "id": "CODE"}], "options": {"explain": true},
// "now": ISO-8601}. Errors name the field ("order.items[2].quantity").
Result<Request> requestFromJson(const QJsonObject &object);
// The request as JSON that requestFromJson reads back to the same request (a guest's
// attributes are not written back; "now" only when set).
QJsonObject requestToJson(const Request &request);

QJsonObject validationToJson(const Validation &validation, bool redeemed);
QJsonObject redeemableToJson(const RedeemableResult &result, bool redeemed);
QJsonObject rollbackToJson(const Rollback &rollback, qint64 now);

} // namespace PromoDesk::Engine
