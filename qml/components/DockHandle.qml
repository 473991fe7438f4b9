import QtQuick
import QtQuick.Controls
import Cabinet

// The gap between two dock areas; it lights up while hovered or dragged.
Item {
    property bool vertical: false // true: the handle of a vertical SplitView (a horizontal bar)

    implicitWidth: Theme.gap
    implicitHeight: Theme.gap

    Rectangle {
        anchors.centerIn: parent
        width: parent.vertical ? parent.width : 2
        height: parent.vertical ? 2 : parent.height
        color: parent.SplitHandle.pressed ? Theme.accent
               : parent.SplitHandle.hovered ? Theme.border : "transparent"
    }
}
