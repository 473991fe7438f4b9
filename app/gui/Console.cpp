#include "gui/Console.h"

#include "gui/ConsoleSession.h"
#include "gui/Translation.h"

#include <QGuiApplication>
#include <QQmlExtensionPlugin>
#include <QQuickWindow>
#include <QTextStream>
#include <QTimer>

Q_IMPORT_QML_PLUGIN(CabinetPlugin)

namespace cabinet::gui {

namespace {
constexpr int ScreenshotTimeoutMs = 60'000;

bool displayAvailable()
{
    return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

// Saves the window once it has rendered and Main.qml reports that its panels
// hold their first data ("settled"), then quits.
class Screenshot : public QObject {
public:
    Screenshot(QQuickWindow *window, QString path)
        : QObject(window)
        , m_window(window)
        , m_path(std::move(path))
    {
        connect(window, &QQuickWindow::frameSwapped, this, &Screenshot::takeIfSettled, Qt::QueuedConnection);
        // Settling may change nothing visible; ask for a frame so it is seen.
        connect(window, SIGNAL(settledChanged()), window, SLOT(update()));
        QTimer::singleShot(ScreenshotTimeoutMs, this, [] {
            QTextStream(stderr) << "cabinet: the console did not settle within " << ScreenshotTimeoutMs / 1000
                                << " s; no screenshot taken\n";
            QCoreApplication::exit(1);
        });
    }

private:
    void takeIfSettled()
    {
        if (m_taken || !m_window->property("settled").toBool())
            return;
        m_taken = true;
        const bool saved = m_window->grabWindow().save(m_path, "PNG");
        if (!saved)
            QTextStream(stderr) << "cabinet: cannot write the screenshot to " << m_path << '\n';
        QCoreApplication::exit(saved ? 0 : 1);
    }

    QQuickWindow *m_window;
    QString m_path;
    bool m_taken = false;
};
} // namespace

int runConsole(
    int &argc, char **argv, const QString &dataDir, const QMap<QString, QString> &configOverrides, const QString &screenshotPath)
{
    if (!displayAvailable()) {
        QTextStream(stderr) << "cabinet: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                               "Run 'cabinet --headless' for the server, or 'xvfb-run -a cabinet' for a virtual display.\n";
        return 1;
    }
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Cabinet"));
    QGuiApplication::setDesktopFileName(QStringLiteral("cabinet"));
    // Numbers and dates follow the console's language too (Qt.locale()).
    const QLocale locale = consoleLocale();
    QLocale::setDefault(locale);
    installTranslation(app, locale);

    ConsoleSession session;
    Cabinet::Options core;
    core.dataDir = dataDir;
    core.config = configOverrides;
    if (auto loaded = session.load(std::move(core), ConsoleSession::defaultSettingsFile()); !loaded) {
        QTextStream(stderr) << "cabinet: " << loaded.error().message << '\n';
        return 1;
    }
    if (!screenshotPath.isEmpty())
        new Screenshot(session.window(), screenshotPath);
    const int exitCode = app.exec();
    // A core that never opened is a failed run, even after the operator has
    // read the message and closed the window.
    if (session.connection().state() == CoreConnection::Failed) {
        QTextStream(stderr) << "cabinet: " << session.connection().errorMessage() << '\n';
        return 1;
    }
    return exitCode;
}

} // namespace cabinet::gui
