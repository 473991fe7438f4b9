#pragma once

#include "Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <optional>

namespace cabinet::server {

// An HTTP/1.1 request's line and headers, as the server reads them before
// it answers /health and /metrics itself or hands a WebSocket upgrade on.
struct HttpRequest {
    QByteArray method;
    QByteArray path;  // the target without its query
    QByteArray query; // what follows the '?', still percent-encoded
    QByteArray version;
    qsizetype headerBytes = 0; // the request line and headers with their blank line: where a body starts
    QList<QPair<QByteArray, QByteArray>> headers; // names in lower case

    // The header's value (the first one given), or empty.
    QByteArray header(const QByteArray &lowerName) const;
    bool isWebSocketUpgrade() const;
};

// Reads a request from the bytes received so far. Nothing: the headers are
// not complete yet. invalid_argument: not an HTTP/1.x request (400);
// resource_exhausted: headers past `bytesMax` (431) — both checked before
// any more is read.
Result<std::optional<HttpRequest>> parseHttpRequest(const QByteArray &bytes, qsizetype bytesMax);

// A whole response that closes the connection after it.
QByteArray httpResponse(int status, const QByteArray &contentType, const QByteArray &body, const QByteArray &extraHeaders = {});

} // namespace cabinet::server
