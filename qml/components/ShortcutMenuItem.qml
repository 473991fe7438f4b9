import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// A menu item that shows its keyboard shortcut and, when `marked`, a check
// mark. The shortcuts themselves are Shortcut objects in Main.qml, so they
// work while the menu is closed and in popped-out windows.
MenuItem {
    id: item

    property string shortcut
    property bool marked: false

    contentItem: RowLayout {
        spacing: Theme.spacing
        Label {
            text: item.marked ? "✓" : ""
            color: item.highlighted ? Theme.accentText : Theme.text
            Layout.preferredWidth: 14
        }
        Label {
            text: item.text
            color: !item.enabled ? Theme.textMuted : item.highlighted ? Theme.accentText : Theme.text
            Layout.fillWidth: true
        }
        Label {
            text: item.shortcut
            visible: text.length > 0
            color: item.highlighted ? Theme.accentText : Theme.textMuted
            Layout.leftMargin: 2 * Theme.spacing
        }
    }
}
