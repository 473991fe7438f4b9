import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// A toast in the window's corner when a new approval request arrives (the
// count waiting went up), with a button to the Approvals panel. It goes
// after a few seconds; the tab's badge and the status bar keep the count.
// An item, not a Popup: an open Popup would hold the window's shortcuts
// (the Approvals panel's A and D among them) while it shows.
Rectangle {
    id: toast

    // Requests waiting now (ApprovalListModel.total), and whether the first
    // count has been read: that one is not news, a rise after it is.
    property int waiting
    property bool loaded
    property int shownFor: 8000
    signal showRequested()

    property int previous: 0
    onWaitingChanged: {
        if (loaded && waiting > previous) {
            visible = true
            hideTimer.restart()
        }
        previous = waiting
    }

    objectName: "approvalToast"
    visible: false
    z: 10
    width: content.implicitWidth + 2 * Theme.padding
    height: content.implicitHeight + 2 * Theme.padding
    color: Theme.header
    border.color: Theme.warning
    radius: Theme.radius

    Timer {
        id: hideTimer
        interval: toast.shownFor
        onTriggered: toast.visible = false
    }

    RowLayout {
        id: content
        anchors.centerIn: parent
        spacing: Theme.spacing
        Label {
            color: Theme.text
            text: qsTr("A new approval request: %n waiting", "", toast.waiting)
        }
        Button {
            objectName: "approvalToastShow"
            text: qsTr("Show")
            highlighted: true
            onClicked: {
                toast.visible = false
                toast.showRequested()
            }
        }
    }
}
