#include "server/HttpRequest.h"

namespace cabinet::server {

namespace {

Error malformed(const QString &why)
{
    return Error { ErrorCode::InvalidArgument, QStringLiteral("not an HTTP request: ") + why };
}

// RFC 9110's token characters, for methods and header names.
bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!ok)
            return false;
    }
    return true;
}

const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 500: return "Internal Server Error";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    }
    return "Error";
}

} // namespace

QByteArray HttpRequest::header(const QByteArray &lowerName) const
{
    for (const auto &[name, value] : headers)
        if (name == lowerName)
            return value;
    return {};
}

bool HttpRequest::isWebSocketUpgrade() const
{
    const QList<QByteArray> connection = header("connection").toLower().split(',');
    return header("upgrade").toLower() == "websocket"
            && std::any_of(connection.begin(), connection.end(), [](const QByteArray &word) { return word.trimmed() == "upgrade"; });
}

Result<std::optional<HttpRequest>> parseHttpRequest(const QByteArray &bytes, qsizetype bytesMax)
{
    const qsizetype end = bytes.indexOf("\r\n\r\n");
    if (end < 0 || end + 4 > bytesMax) {
        if (bytes.size() >= bytesMax || end + 4 > bytesMax)
            return Error { ErrorCode::ResourceExhausted, QStringLiteral("the request's headers are over %1 bytes").arg(bytesMax) };
        return std::optional<HttpRequest>();
    }
    const QList<QByteArray> lines = bytes.left(end).split('\n');
    const QList<QByteArray> first = lines.first().chopped(lines.first().endsWith('\r') ? 1 : 0).split(' ');
    if (first.size() != 3 || !isToken(first[0]) || !first[1].startsWith('/') || !first[2].startsWith("HTTP/1."))
        return malformed(QStringLiteral("the request line is not METHOD /path HTTP/1.x"));
    HttpRequest request;
    request.method = first[0];
    const qsizetype question = first[1].indexOf('?');
    request.path = question < 0 ? first[1] : first[1].left(question);
    request.query = question < 0 ? QByteArray() : first[1].mid(question + 1);
    request.version = first[2];
    request.headerBytes = end + 4;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].endsWith('\r') ? lines[i].chopped(1) : lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.left(colon)))
            return malformed(QStringLiteral("header line %1 is not NAME: value").arg(i));
        request.headers.append({ line.left(colon).toLower(), line.mid(colon + 1).trimmed() });
    }
    return std::optional<HttpRequest>(std::move(request));
}

QByteArray httpResponse(int status, const QByteArray &contentType, const QByteArray &body, const QByteArray &extraHeaders)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\nContent-Type: " + contentType
            + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nCache-Control: no-store\r\nConnection: close\r\n" + extraHeaders
            + "\r\n" + body;
}

} // namespace cabinet::server
