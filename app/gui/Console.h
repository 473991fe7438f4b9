#pragma once

#include <QMap>
#include <QString>

namespace cabinet::gui {

// Runs the console window on the Cabinet in dataDir until it is closed.
// With screenshotPath, saves a PNG of the window once it has rendered its
// first data and quits. Returns the process exit code: non-zero when there
// is no display, or when the core could not open.
int runConsole(
    int &argc, char **argv, const QString &dataDir, const QMap<QString, QString> &configOverrides, const QString &screenshotPath);

} // namespace cabinet::gui
