#pragma once

#include "Result.h"

#include <ScenarioEngine.h>

#include <QJsonObject>

namespace cabinet::scenario {

// Scenario parameters as JSON: the field names of gpu::ScenarioParams. Omitted
// fields keep their defaults; an unknown field, a value of the wrong type or
// an out-of-range value is an error naming the field.
Result<gpu::ScenarioParams> paramsFromJson(const QJsonObject &json, gpu::ScenarioParams base = {});
QJsonObject paramsToJson(const gpu::ScenarioParams &params);

QJsonObject resultToJson(const gpu::ScenarioResult &result);

} // namespace cabinet::scenario
