#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

namespace cabinet::headless {

// The options that start the server (docs/server.md).
const QStringList &serverOptions();

// Runs the core with no display until SIGTERM or SIGINT, logging JSON lines
// to stderr; with --listen (in `server`, option to value) it serves the
// WebSocket API, /health and /metrics too. Returns the process exit code.
int run(int argc, char **argv, const QString &dataDir, const QMap<QString, QString> &configOverrides, const QMap<QString, QString> &server);

} // namespace cabinet::headless
