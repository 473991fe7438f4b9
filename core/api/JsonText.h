#pragma once

#include "Result.h"
#include "ledger/ExactJson.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

// JSON text for the operations: requests are read with the exact reader (a
// 128-bit id must not pass through a double), responses are written as text.
namespace cabinet::api {

using ledger::JsonValue;

// The value as compact JSON text (numbers as they were written).
QByteArray writeJson(const JsonValue &value);
// A JSON string literal.
QByteArray jsonString(const QString &text);
// The object's member, or null when absent.
const JsonValue *member(const JsonValue &object, const QString &key);

// Params of an operation read as a QJsonObject, for operations with no
// exact-number fields; the error names the operation.
Result<QJsonObject> paramsObject(const QByteArray &params);
// Refuses members other than `known` (invalid_argument naming the field).
Status onlyKnownMembers(const QJsonObject &params, std::initializer_list<const char *> known);

QByteArray compact(const QJsonObject &object);
QByteArray compact(const QJsonArray &array);

} // namespace cabinet::api
