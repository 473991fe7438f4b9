#include "gui/ConsoleSession.h"

#include <QQuickStyle>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>

namespace cabinet::gui {

Status ConsoleSession::load(Cabinet::Options core, const QString &settingsFile)
{
    // Fusion is a desktop style that takes its colours from the palette,
    // which Main.qml sets from the Theme. The style is process-wide and can
    // only be chosen before the first window loads.
    const QString style = QStringLiteral("Fusion");
    if (QQuickStyle::name() != style)
        QQuickStyle::setStyle(style);
    QStringList warnings;
    QObject::connect(&m_engine, &QQmlEngine::warnings, &m_engine, [&warnings](const QList<QQmlError> &errors) {
        for (const QQmlError &error : errors)
            warnings.append(error.toString());
    });

    // The core opens while the window loads; its first events queue up
    // until the GUI thread is free to take them.
    m_connection.open(std::move(core));
    // Qt 6.4 does not look for modules in the resources by default; the
    // module's own files need it to find its singletons.
    m_engine.addImportPath(QStringLiteral("qrc:/"));
    // Main.qml's Settings reads the file only once the window has loaded,
    // after the dock's first frames: the dock takes its saved layout from
    // here, so a panel that layout hides is not created at start.
    const QString savedLayout
        = QSettings(settingsFile, QSettings::IniFormat).value(QStringLiteral("console/layout")).toString();
    m_engine.setInitialProperties({ { QStringLiteral("connection"), QVariant::fromValue(&m_connection) },
        { QStringLiteral("settingsFile"), settingsFile }, { QStringLiteral("initialLayout"), savedLayout } });
    m_engine.load(QUrl(QStringLiteral("qrc:/Cabinet/Main.qml")));
    QObject::disconnect(&m_engine, &QQmlEngine::warnings, &m_engine, nullptr);
    if (!window())
        return Error { ErrorCode::Internal, QStringLiteral("cannot load the console window:\n") + warnings.join(u'\n') };
    return {};
}

QQuickWindow *ConsoleSession::window() const
{
    const auto roots = m_engine.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.first());
}

QString ConsoleSession::defaultSettingsFile()
{
    const QString overridden = qEnvironmentVariable("CABINET_CONSOLE_SETTINGS");
    if (!overridden.isEmpty())
        return overridden;
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/cabinet/console.ini");
}

} // namespace cabinet::gui
