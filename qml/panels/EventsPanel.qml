import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet
import "../components/Summary.js" as Summary

// Every event the core has published since the console started, newest
// first: stored events with their sequence number, ephemeral ones marked
// "live".
Item {
    id: panel

    property CoreConnection connection
    readonly property bool ready: connection !== null

    EventStreamModel {
        id: stream
        connection: panel.connection
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ListView {
            id: list
            objectName: "eventList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: stream
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { }
            onCountChanged: if (atYBeginning) positionViewAtBeginning()

            delegate: Rectangle {
                id: row
                required property int index
                required property var seq
                required property var time
                required property string type
                required property string payload
                required property bool ephemeral

                width: ListView.view.width
                height: Theme.rowHeight - 2
                color: index % 2 ? Theme.surfaceAlt : Theme.surface

                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: Theme.padding
                    anchors.rightMargin: Theme.padding
                    spacing: Theme.spacing
                    Label {
                        text: Qt.formatDateTime(row.time, "HH:mm:ss.zzz")
                        color: Theme.textMuted
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.smallFontSize + 1
                        Layout.preferredWidth: 96
                    }
                    Label {
                        text: row.ephemeral ? qsTr("live") : "#" + row.seq
                        color: Theme.textMuted
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.smallFontSize + 1
                        horizontalAlignment: Text.AlignRight
                        Layout.preferredWidth: 64
                    }
                    Label {
                        text: row.type
                        color: Theme.accent
                        font.weight: Font.DemiBold
                        elide: Text.ElideRight
                        Layout.preferredWidth: 150
                    }
                    Label {
                        text: Summary.line(row.payload)
                        color: Theme.textMuted
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.smallFontSize + 1
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                color: Theme.textMuted
                text: qsTr("No events yet.")
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 24
            color: Theme.header
            Rectangle {
                anchors { left: parent.left; right: parent.right; top: parent.top }
                height: 1
                color: Theme.border
            }
            Label {
                objectName: "eventCount"
                anchors.verticalCenter: parent.verticalCenter
                anchors.left: parent.left
                anchors.leftMargin: Theme.padding
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
                text: qsTr("%n event(s) since the console started", "", stream.count)
                      + (stream.count >= stream.maxRows ? " · " + qsTr("newest %L1 kept in view").arg(stream.maxRows) : "")
            }
        }
    }
}
