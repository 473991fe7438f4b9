import QtQuick
import QtQuick.Controls
import QtQml
import Qt.labs.settings
import Cabinet

// The console window: menus, the dock with the registered panels, the status
// bar. The layout and the theme are kept in settingsFile.
ThemedWindow {
    id: root

    required property CoreConnection connection
    required property string settingsFile
    // The layout saved in settingsFile, read before the window loads.
    property string initialLayout
    // Every panel shows its first data, or the core could not open: what a
    // screenshot and the tests wait for.
    readonly property bool settled: connection.state === CoreConnection.Failed
                                    || (connection.state === CoreConnection.Ready && dock.ready && statusBar.ready)

    function toggleTheme() {
        settings.darkTheme = !settings.darkTheme
    }

    width: 1280
    height: 800
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    // The platform adds the application's name: "<data directory> — Cabinet".
    title: connection.dataDir

    onClosing: Qt.quit() // popped-out panels close with the main window

    Settings {
        id: settings
        fileName: root.settingsFile
        category: "console"
        property bool darkTheme: true
        property alias layout: dock.savedLayout
        property alias leftWidth: dock.leftWidth
        property alias rightWidth: dock.rightWidth
        property alias bottomHeight: dock.bottomHeight
        property alias windowWidth: root.width
        property alias windowHeight: root.height
    }

    Binding {
        target: Theme
        property: "dark"
        value: settings.darkTheme
    }

    menuBar: MenuBar {
        Menu {
            title: qsTr("&File")
            ShortcutMenuItem {
                text: qsTr("Quit")
                shortcut: "Ctrl+Q"
                onTriggered: Qt.quit()
            }
        }
        Menu {
            id: viewMenu
            objectName: "viewMenu"
            title: qsTr("&View")

            Instantiator {
                model: PanelRegistry.panels
                delegate: ShortcutMenuItem {
                    required property var modelData
                    objectName: "viewMenu_" + modelData.id
                    text: modelData.title
                    shortcut: modelData.shortcut
                    marked: !dock.layout[modelData.id].hidden
                    onTriggered: dock.setVisible(modelData.id, !marked)
                }
                onObjectAdded: (index, object) => viewMenu.insertItem(index, object)
                onObjectRemoved: (index, object) => viewMenu.removeItem(object)
            }
            MenuSeparator { }
            ShortcutMenuItem {
                text: qsTr("Dark theme")
                shortcut: "Ctrl+Shift+L"
                marked: settings.darkTheme
                onTriggered: root.toggleTheme()
            }
            ShortcutMenuItem {
                text: qsTr("Reset layout")
                onTriggered: dock.resetLayout()
            }
        }
    }

    // How many approval requests wait: the status bar and the Approvals
    // tab show it (one row read: the count comes with it).
    ApprovalListModel {
        id: waitingApprovals
        connection: root.connection
        limit: 1
    }

    footer: StatusBar {
        id: statusBar
        connection: root.connection
        approvalsWaiting: waitingApprovals.total
        onApprovalsClicked: dock.focusPanel("approvals")
    }

    DockLayout {
        id: dock
        objectName: "dock"
        anchors.fill: parent
        connection: root.connection
        initialLayout: root.initialLayout
        badges: ({ approvals: waitingApprovals.total })
    }

    ApprovalToast {
        anchors { right: parent.right; bottom: parent.bottom; margins: Theme.padding }
        waiting: waitingApprovals.total
        loaded: waitingApprovals.loaded
        onShowRequested: dock.focusPanel("approvals")
    }

    // The same news for an operator in another window: the desktop's
    // notification service, where there is one.
    DesktopNotifier {
        connection: root.connection
        onActivated: {
            root.raise()
            root.requestActivate()
            dock.focusPanel("approvals")
        }
    }

    StartupBanner {
        anchors.fill: parent
        connection: root.connection
    }

    // Application-wide, so they also work from a popped-out panel.
    Instantiator {
        model: PanelRegistry.panels
        delegate: Shortcut {
            required property var modelData
            sequence: modelData.shortcut
            context: Qt.ApplicationShortcut
            onActivated: dock.focusPanel(modelData.id)
        }
    }
    Shortcut {
        sequence: "Ctrl+Shift+L"
        context: Qt.ApplicationShortcut
        onActivated: root.toggleTheme()
    }
    Shortcut {
        sequence: "Ctrl+Q"
        context: Qt.ApplicationShortcut
        onActivated: Qt.quit()
    }
}
