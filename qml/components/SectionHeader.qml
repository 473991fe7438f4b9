import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The title strip of one section inside a panel: a title, a muted detail
// (a count, a selection), and room on the right for small controls.
Rectangle {
    id: header

    property string title
    property string detail
    default property alias trailing: trailingRow.data

    implicitHeight: 28
    color: Theme.header

    Rectangle {
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: 1
        color: Theme.border
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        spacing: Theme.spacing

        Label {
            text: header.title
            color: Theme.text
            font.pixelSize: Theme.smallFontSize + 1
            font.weight: Font.DemiBold
            font.capitalization: Font.AllUppercase
            font.letterSpacing: 0.4
        }
        Label {
            text: header.detail
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize + 1
            elide: Text.ElideMiddle
            Layout.fillWidth: true
        }
        RowLayout {
            id: trailingRow
            spacing: Theme.spacing
        }
    }
}
