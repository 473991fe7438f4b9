#pragma once

#include "Result.h"

#include <ScenarioEngine.h>

#include <QJsonObject>

namespace cabinet::scenario {

// Scenario parameters as JSON: the field names of gpu::ScenarioParams. Omitted
// fields keep their defaults; an unknown field, a value of the wrong type or
// an out-of-range value is an error naming the field.
Result<gpu::ScenarioParams> paramsFromJson(const QJsonObject &json, gpu::ScenarioParams base = {});
// The engine names the field a problem is about first ("horizon_days must be
// ..."): that field, or empty when the message names none.
QString problemField(const std::string &problem);
QJsonObject paramsToJson(const gpu::ScenarioParams &params);

QJsonObject resultToJson(const gpu::ScenarioResult &result);

} // namespace cabinet::scenario
