import QtQuick
import QtQuick.Controls
import Cabinet

// One dock area. Panels placed here are re-parented into `content`; with
// more than one, tabs choose which is shown. An empty side area folds away;
// the center area stays and says how to bring a panel back.
Item {
    id: area

    required property string areaId
    required property Item dock
    readonly property var panelIds: dock.panelsIn(areaId)
    property string currentId
    readonly property string shownId: panelIds.includes(currentId) ? currentId : (panelIds[0] ?? "")
    readonly property alias content: content

    objectName: "dockArea_" + areaId
    visible: panelIds.length > 0 || areaId === "center"

    TabBar {
        id: tabs
        anchors { left: parent.left; right: parent.right; top: parent.top }
        visible: area.panelIds.length > 1
        height: visible ? implicitHeight : 0
        currentIndex: area.panelIds.indexOf(area.shownId)
        spacing: 2
        background: null

        Repeater {
            model: area.panelIds
            TabButton {
                id: tab
                required property string modelData
                text: PanelRegistry.panel(modelData).title
                width: implicitWidth
                implicitHeight: 30
                leftPadding: 2 * Theme.padding
                rightPadding: 2 * Theme.padding
                onClicked: area.currentId = modelData

                readonly property int badge: area.dock.badges[modelData] ?? 0
                contentItem: Row {
                    spacing: Theme.gap
                    Label {
                        anchors.verticalCenter: parent.verticalCenter
                        text: tab.text
                        color: tab.checked ? Theme.text : Theme.textMuted
                        font.weight: tab.checked ? Font.DemiBold : Font.Normal
                    }
                    Rectangle {
                        objectName: "tabBadge_" + tab.modelData
                        visible: tab.badge > 0
                        anchors.verticalCenter: parent.verticalCenter
                        width: Math.max(height, badgeLabel.implicitWidth + Theme.gap)
                        height: badgeLabel.implicitHeight + 2
                        radius: height / 2
                        color: Theme.warning
                        Label {
                            id: badgeLabel
                            anchors.centerIn: parent
                            text: tab.badge
                            color: Theme.accentText
                            font.pixelSize: Theme.smallFontSize
                            font.weight: Font.DemiBold
                        }
                    }
                }
                background: Rectangle {
                    color: tab.checked ? Theme.header : tab.hovered ? Theme.hover : "transparent"
                    radius: Theme.radius
                    Rectangle {
                        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
                        height: 2
                        color: Theme.accent
                        visible: tab.checked
                    }
                }
            }
        }
    }

    Item {
        id: content
        anchors { left: parent.left; right: parent.right; top: tabs.bottom; bottom: parent.bottom }
        anchors.topMargin: tabs.visible ? 2 : 0
    }

    Rectangle {
        anchors.fill: content
        visible: area.panelIds.length === 0
        color: "transparent"
        border.color: Theme.border
        radius: Theme.radius

        Label {
            anchors.centerIn: parent
            width: parent.width - 4 * Theme.padding
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: Theme.textMuted
            text: qsTr("No panel here. Open one from the View menu, or move one here with its ⋮ menu.")
        }
    }
}
