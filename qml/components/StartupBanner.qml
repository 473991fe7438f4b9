import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// Covers the dock while the core is not running: a progress note while it
// starts (after a moment, so a quick start does not flash), and the error
// with what to do about it when it could not open.
Rectangle {
    id: banner

    required property CoreConnection connection
    readonly property bool failed: connection.state === CoreConnection.Failed

    objectName: "startupBanner"
    visible: failed || (connection.state === CoreConnection.Starting && slowStart.triggered)
    color: Qt.rgba(Theme.window.r, Theme.window.g, Theme.window.b, 0.92)

    // Swallow clicks meant for the panels underneath.
    MouseArea {
        anchors.fill: parent
        acceptedButtons: Qt.AllButtons
    }

    Timer {
        id: slowStart
        property bool triggered: false
        interval: 400
        running: banner.connection.state === CoreConnection.Starting
        onTriggered: triggered = true
    }

    RowLayout {
        anchors.centerIn: parent
        visible: !banner.failed
        spacing: Theme.spacing
        BusyIndicator {
            running: parent.visible
            visible: running
            Layout.preferredWidth: 32
            Layout.preferredHeight: 32
        }
        Label {
            text: qsTr("Starting the core…")
            color: Theme.text
            font.pixelSize: Theme.titleFontSize
        }
    }

    Rectangle {
        objectName: "startupError"
        anchors.centerIn: parent
        visible: banner.failed
        width: Math.min(parent.width - 4 * Theme.padding, 620)
        height: errorColumn.implicitHeight + 4 * Theme.padding
        radius: Theme.radius * 2
        color: Theme.surface
        border.color: Theme.danger

        ColumnLayout {
            id: errorColumn
            anchors.fill: parent
            anchors.margins: 2 * Theme.padding
            spacing: Theme.spacing * 1.5

            Label {
                text: qsTr("The core could not start")
                color: Theme.danger
                font.pixelSize: Theme.titleFontSize + 4
                font.weight: Font.DemiBold
            }
            TextEdit {
                objectName: "startupErrorMessage"
                text: banner.connection.errorMessage
                readOnly: true
                selectByMouse: true
                wrapMode: Text.Wrap
                color: Theme.text
                selectionColor: Theme.selection
                font.family: Theme.monoFamily
                font.pixelSize: Theme.fontSize
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("The panels stay empty until the core runs. Deal with the cause above, then start the console again.")
                color: Theme.textMuted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Quit")
                highlighted: true
                Layout.alignment: Qt.AlignRight
                onClicked: Qt.quit()
            }
        }
    }
}
