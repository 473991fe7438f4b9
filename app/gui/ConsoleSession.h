#pragma once

#include "Cabinet.h"
#include "Result.h"
#include "gui/CoreConnection.h"

#include <QQmlApplicationEngine>

class QQuickWindow;

namespace cabinet::gui {

// One console window on one core: starts the core on its thread and loads
// qrc:/Cabinet/Main.qml with the connection and the settings file. Used by
// runConsole() and by the tests, so both run the same window.
class ConsoleSession {
public:
    ConsoleSession() = default;
    ConsoleSession(const ConsoleSession &) = delete;
    ConsoleSession &operator=(const ConsoleSession &) = delete;

    // Opens the core in the background and loads the window. Fails only when
    // the window itself cannot load; a core that fails to open is shown in
    // the window (connection().state() == Failed).
    Status load(Cabinet::Options core, const QString &settingsFile);

    QQuickWindow *window() const;
    CoreConnection &connection() { return m_connection; }
    QQmlApplicationEngine &engine() { return m_engine; }

    // Where the window layout and theme are kept: $CABINET_CONSOLE_SETTINGS
    // when set, else console.ini in the user's configuration folder
    // (~/.config/cabinet/console.ini).
    static QString defaultSettingsFile();

private:
    CoreConnection m_connection;
    QQmlApplicationEngine m_engine; // declared last: its objects go before the connection
};

} // namespace cabinet::gui
