#pragma once

#include <QMap>
#include <QString>

namespace cabinet::headless {

// Runs the core with no display until SIGTERM or SIGINT, logging JSON lines
// to stderr. Returns the process exit code.
int run(int argc, char **argv, const QString &dataDir, const QMap<QString, QString> &configOverrides);

} // namespace cabinet::headless
