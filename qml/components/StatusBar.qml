import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The window's status bar: the core's state, the data directory, the
// operating mode and the event rate.
Rectangle {
    id: bar

    required property CoreConnection connection
    // Approval requests waiting for a person; a click shows them.
    property int approvalsWaiting
    signal approvalsClicked()
    // The mode has been read: what a screenshot waits for here.
    readonly property bool ready: operatingMode.loaded

    implicitHeight: 28
    color: Theme.header

    function modeTitle(mode) {
        switch (mode) {
        case "autonomous": return qsTr("Autonomous")
        case "supervised": return qsTr("Supervised")
        case "manual": return qsTr("Manual")
        case "paused": return qsTr("Paused")
        }
        return mode
    }

    OperatingMode {
        id: operatingMode
        connection: bar.connection
    }

    Rectangle {
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: 1
        color: Theme.border
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        spacing: Theme.spacing

        Rectangle {
            width: 8
            height: 8
            radius: 4
            color: bar.connection.state === CoreConnection.Ready ? Theme.ok
                 : bar.connection.state === CoreConnection.Failed ? Theme.danger : Theme.textMuted
        }
        Label {
            objectName: "statusCore"
            color: Theme.text
            font.pixelSize: Theme.smallFontSize + 1
            text: bar.connection.state === CoreConnection.Ready ? qsTr("Core running")
                : bar.connection.state === CoreConnection.Failed ? qsTr("Core not running")
                : qsTr("Core starting…")
        }
        StatusSeparator { }
        Label {
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize + 1
            text: qsTr("Data")
        }
        Label {
            objectName: "statusDataDir"
            color: Theme.text
            font.pixelSize: Theme.smallFontSize + 1
            text: bar.connection.dataDir
            elide: Text.ElideMiddle
            Layout.maximumWidth: 420
        }
        StatusSeparator { }
        Label {
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize + 1
            text: qsTr("Mode")
        }
        Label {
            objectName: "statusMode"
            color: Theme.text
            font.pixelSize: Theme.smallFontSize + 1
            font.weight: Font.DemiBold
            text: operatingMode.mode ? bar.modeTitle(operatingMode.mode) : "—"
        }
        StatusSeparator {
            visible: bar.approvalsWaiting > 0
        }
        Label {
            objectName: "statusApprovals"
            visible: bar.approvalsWaiting > 0
            color: Theme.warning
            font.pixelSize: Theme.smallFontSize + 1
            font.weight: Font.DemiBold
            text: qsTr("%n approval(s) waiting", "", bar.approvalsWaiting)
            MouseArea {
                anchors.fill: parent
                cursorShape: Qt.PointingHandCursor
                onClicked: bar.approvalsClicked()
            }
        }
        Item {
            Layout.fillWidth: true
        }
        Label {
            objectName: "statusEventRate"
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize + 1
            text: qsTr("%1 events/s").arg(bar.connection.eventRate.toLocaleString(Qt.locale(), "f", 1))
        }
    }

    component StatusSeparator: Rectangle {
        width: 1
        height: 14
        color: Theme.border
        Layout.leftMargin: Theme.spacing / 2
        Layout.rightMargin: Theme.spacing / 2
    }
}
