import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// A panel's frame: a header with its title and a menu to move, pop out or
// hide it, and the panel itself, loaded from the registry's source the first
// time it is shown (a panel hidden at start, or behind another's tab, costs
// nothing until then) and kept from then on, hidden or not. The frame
// follows the layout: into a dock area, its own window, or the parking lot
// while hidden.
FocusScope {
    id: frame

    required property var entry
    required property Item dock
    required property Item parking
    readonly property string panelId: entry.id
    readonly property var place: dock.layout[panelId]
    readonly property Item area: dock.areaItem(place.area)
    readonly property bool shown: !place.hidden && (place.popped || area.shownId === panelId)
    // The panel exists: it has been shown once.
    readonly property bool created: loader.status !== Loader.Null
    // A panel not created yet has no first data to wait for.
    readonly property bool ready: !created || (loader.status === Loader.Ready && (loader.item.ready ?? true))
    readonly property alias popout: popout

    objectName: "panel_" + panelId
    parent: place.hidden ? parking : place.popped ? popout.contentItem : area.content
    anchors.fill: parent
    visible: shown

    function create() {
        if (shown && !created)
            loader.setSource(entry.source, { connection: dock.connection })
    }
    onShownChanged: create()

    Rectangle {
        anchors.fill: parent
        color: Theme.surface
        border.color: frame.activeFocus ? Theme.accent : Theme.border
        radius: frame.place.popped ? 0 : Theme.radius
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 1
        spacing: 0

        Rectangle {
            id: header
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.headerHeight
            color: Theme.header
            radius: frame.place.popped ? 0 : Theme.radius

            // Square off the header's lower corners.
            Rectangle {
                anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
                height: parent.radius
                color: parent.color
            }
            Rectangle {
                anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
                height: 1
                color: Theme.border
            }

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.padding
                anchors.rightMargin: 2
                spacing: Theme.spacing

                Label {
                    text: frame.entry.title
                    font.pixelSize: Theme.titleFontSize
                    font.weight: Font.DemiBold
                    color: Theme.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Label {
                    text: frame.entry.shortcut
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                }
                ToolButton {
                    id: menuButton
                    objectName: "panelMenuButton"
                    text: "⋮"
                    font.pixelSize: 16
                    focusPolicy: Qt.NoFocus
                    Accessible.name: qsTr("Panel menu")
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: qsTr("Move, pop out or hide this panel")
                    onClicked: panelMenu.popup(menuButton, 0, menuButton.height)
                }
            }
        }

        Loader {
            id: loader
            objectName: "panelLoader"
            Layout.fillWidth: true
            Layout.fillHeight: true
            focus: true
            // The dock starts from the saved layout (initialLayout), so a
            // panel it hides is not created here.
            Component.onCompleted: frame.create()
        }
    }

    Menu {
        id: panelMenu

        Menu {
            title: qsTr("Move to")
            Repeater {
                model: PanelRegistry.areas
                MenuItem {
                    required property string modelData
                    text: PanelRegistry.areaTitle(modelData)
                    enabled: frame.place.popped || frame.place.area !== modelData
                    onTriggered: frame.dock.moveTo(frame.panelId, modelData)
                }
            }
        }
        MenuItem {
            text: frame.place.popped ? qsTr("Dock back") : qsTr("Pop out")
            onTriggered: frame.place.popped ? frame.dock.dockBack(frame.panelId) : frame.dock.popOut(frame.panelId)
        }
        MenuSeparator { }
        MenuItem {
            text: qsTr("Hide")
            onTriggered: frame.dock.hide(frame.panelId)
        }
    }

    ThemedWindow {
        id: popout
        title: frame.entry.title
        width: 760
        height: 480
        visible: frame.place.popped
        // Closing a popped-out panel's window docks it back.
        onClosing: frame.dock.dockBack(frame.panelId)
    }
}
