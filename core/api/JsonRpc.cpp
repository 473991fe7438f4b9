#include "api/JsonRpc.h"

#include "api/Dispatcher.h"
#include "api/JsonText.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::api {

int jsonRpcCode(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return jsonrpc::InvalidParams;
    case ErrorCode::Internal: return jsonrpc::InternalError;
    case ErrorCode::NotFound: return -32001;
    case ErrorCode::AlreadyExists: return -32002;
    case ErrorCode::Conflict: return -32003;
    case ErrorCode::FailedPrecondition: return -32004;
    case ErrorCode::RefusedByPolicy: return -32005;
    case ErrorCode::BudgetExhausted: return -32006;
    case ErrorCode::ResourceExhausted: return -32007;
    case ErrorCode::Unauthenticated: return -32008;
    case ErrorCode::PermissionDenied: return -32009;
    case ErrorCode::Unavailable: return -32010;
    case ErrorCode::Timeout: return -32011;
    case ErrorCode::Cancelled: return -32012;
    case ErrorCode::DataLoss: return -32013;
    }
    return jsonrpc::InternalError;
}

QByteArray errorResponse(const QByteArray &id, int code, const QString &message, const Error *error)
{
    QByteArray out = QByteArrayLiteral("{\"jsonrpc\":\"2.0\",\"id\":") + id + QByteArrayLiteral(",\"error\":{\"code\":")
            + QByteArray::number(code) + QByteArrayLiteral(",\"message\":") + jsonString(message);
    if (error) {
        QJsonObject data { { QStringLiteral("code"), errorCodeName(error->code) } };
        if (!error->field.isEmpty())
            data.insert(QStringLiteral("field"), error->field);
        out += QByteArrayLiteral(",\"data\":") + compact(data);
    }
    return out + QByteArrayLiteral("}}");
}

QByteArray errorResponse(const QByteArray &id, const Error &error)
{
    return errorResponse(id, jsonRpcCode(error.code), error.message, &error);
}

QByteArray resultResponse(const QByteArray &id, const QByteArray &result)
{
    return QByteArrayLiteral("{\"jsonrpc\":\"2.0\",\"id\":") + id + QByteArrayLiteral(",\"result\":") + result + '}';
}

Error errorFromResponse(const QByteArray &errorObjectJson)
{
    const QJsonObject error = QJsonDocument::fromJson(errorObjectJson).object();
    const QJsonObject data = error.value(QStringLiteral("data")).toObject();
    ErrorCode code = ErrorCode::Internal;
    if (!errorCodeFromName(data.value(QStringLiteral("code")).toString(), &code)) {
        const int rpc = error.value(QStringLiteral("code")).toInt();
        code = rpc == jsonrpc::InvalidParams || rpc == jsonrpc::InvalidRequest || rpc == jsonrpc::ParseError
                ? ErrorCode::InvalidArgument
                : rpc == jsonrpc::MethodNotFound ? ErrorCode::NotFound : ErrorCode::Internal;
    }
    return Error { code, error.value(QStringLiteral("message")).toString(), data.value(QStringLiteral("field")).toString() };
}

Session::Session(const Dispatcher &dispatcher, Send send, Admit admit, Transport transport)
    : m_dispatcher(dispatcher), m_send(std::move(send)), m_admit(std::move(admit)), m_transport(std::move(transport)),
      m_alive(std::make_shared<bool>(true))
{
}

Session::~Session()
{
    *m_alive = false;
}

namespace {

bool validId(const JsonValue &id)
{
    return id.type == JsonValue::Type::String || id.type == JsonValue::Type::Number || id.type == JsonValue::Type::Null;
}

} // namespace

void Session::handle(const QByteArray &message)
{
    auto document = ledger::parseExactJson(message);
    if (!document) {
        m_send(errorResponse("null", jsonrpc::ParseError, QStringLiteral("parse error: ") + document.error().message));
        return;
    }
    if (!document->isArray()) {
        call(writeJson(*document), [send = m_send, alive = m_alive](std::optional<QByteArray> response) {
            if (*alive && response)
                send(*response);
        });
        return;
    }
    if (document->items.empty()) {
        m_send(errorResponse("null", jsonrpc::InvalidRequest, QStringLiteral("an empty batch")));
        return;
    }
    if (document->items.size() > size_t(jsonrpc::BatchMax)) {
        m_send(errorResponse("null", jsonrpc::InvalidRequest,
                             QStringLiteral("a batch holds at most %1 requests, got %2").arg(jsonrpc::BatchMax).arg(document->items.size())));
        return;
    }
    // The batch's answer goes out once every call in it has answered.
    struct Batch {
        std::vector<std::optional<QByteArray>> responses;
        size_t pending = 0;
    };
    auto batch = std::make_shared<Batch>();
    batch->responses.resize(document->items.size());
    batch->pending = document->items.size();
    for (size_t i = 0; i < document->items.size(); ++i) {
        call(writeJson(document->items[i]), [batch, i, send = m_send, alive = m_alive](std::optional<QByteArray> response) {
            batch->responses[i] = std::move(response);
            if (--batch->pending > 0 || !*alive)
                return;
            QByteArray out;
            for (const auto &one : batch->responses) {
                if (one)
                    out += (out.isEmpty() ? "[" : ",") + *one;
            }
            if (!out.isEmpty())
                send(out + ']');
        });
    }
}

void Session::call(const QByteArray &requestJson, std::function<void(std::optional<QByteArray>)> done)
{
    auto parsed = ledger::parseExactJson(requestJson);
    const auto invalid = [&](const QByteArray &id, const QString &why) { done(errorResponse(id, jsonrpc::InvalidRequest, why)); };
    if (!parsed || !parsed->isObject())
        return invalid("null", QStringLiteral("a request is a JSON object"));
    const JsonValue *idValue = member(*parsed, QStringLiteral("id"));
    if (idValue && !validId(*idValue))
        return invalid("null", QStringLiteral("an id is a string, a number or null"));
    const QByteArray id = idValue ? writeJson(*idValue) : QByteArrayLiteral("null");
    const bool notification = !idValue;
    const JsonValue *version = member(*parsed, QStringLiteral("jsonrpc"));
    const JsonValue *method = member(*parsed, QStringLiteral("method"));
    if (!version || version->type != JsonValue::Type::String || version->text != u"2.0")
        return invalid(id, QStringLiteral("\"jsonrpc\" must be \"2.0\""));
    if (!method || method->type != JsonValue::Type::String)
        return invalid(id, QStringLiteral("\"method\" must be a string"));
    for (const QString &key : parsed->keys) {
        if (key != u"jsonrpc" && key != u"method" && key != u"params" && key != u"id")
            return invalid(id, QStringLiteral("unknown member \"%1\"").arg(key.left(64)));
    }
    const JsonValue *paramsValue = member(*parsed, QStringLiteral("params"));
    if (paramsValue && !paramsValue->isObject() && !paramsValue->isArray())
        return invalid(id, QStringLiteral("\"params\" must be an object or an array"));

    // A notification gets no answer, whatever happens.
    const auto answer = [done, notification](std::optional<QByteArray> response) { done(notification ? std::nullopt : response); };
    if (paramsValue && paramsValue->isArray())
        return answer(errorResponse(id, jsonrpc::InvalidParams, QStringLiteral("params are named: pass an object")));
    const QByteArray params = paramsValue ? writeJson(*paramsValue) : QByteArrayLiteral("{}");

    if (m_transport.method) {
        if (auto served = m_transport.method(method->text, params))
            return answer(*served ? resultResponse(id, **served) : errorResponse(id, served->error()));
    }
    if (method->text == jsonrpc::IdentifyMethod) {
        const JsonValue *actorText = paramsValue ? member(*paramsValue, QStringLiteral("actor")) : nullptr;
        auto actor = Actor::parse(actorText && actorText->type == JsonValue::Type::String ? actorText->text : QString());
        if (!actor)
            return answer(errorResponse(id, actor.error()));
        if (m_admit) {
            if (auto admitted = m_admit(*actor); !admitted)
                return answer(errorResponse(id, admitted.error()));
        }
        m_actor = *actor;
        return answer(resultResponse(id, compact(QJsonObject { { QStringLiteral("actor"), m_actor->toString() } })));
    }
    const Operation *operation = findOperation(method->text);
    if (!operation)
        return answer(errorResponse(id, jsonrpc::MethodNotFound,
                                    QStringLiteral("no operation named '%1' (see api.list)").arg(method->text.left(100))));
    if (!m_actor) {
        const Error error { ErrorCode::Unauthenticated,
                            QStringLiteral("call %1 first, with {\"actor\": \"operator:NAME\"}").arg(jsonrpc::IdentifyMethod) };
        return answer(errorResponse(id, error));
    }
    std::function<void()> answered;
    if (m_transport.admitCall) {
        auto admitted = m_transport.admitCall(operation->info);
        if (!admitted)
            return answer(errorResponse(id, admitted.error()));
        answered = std::move(*admitted);
    }
    m_dispatcher.call(method->text, *m_actor, params, [answer, id, answered](Result<QByteArray> result) {
        if (answered)
            answered();
        answer(result ? resultResponse(id, *result) : errorResponse(id, result.error()));
    });
}

} // namespace cabinet::api
