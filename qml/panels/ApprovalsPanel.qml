import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The Approvals panel: requests waiting for a person, soonest deadline
// first, with live countdowns (amber past half the time, red past 90 %),
// the tier and the rule that classified the action, and the evidence (cost,
// command or diff, task). Approve or Deny is one click on the row (a reason
// is optional, typed above); A and D decide the current row from the
// keyboard, tier 3 after a confirmation; a selection is decided in bulk.
// The history lists decided and expired requests with who and why. A third
// tab, there only while some are, lists the notifications that failed for
// good (ApprovalDeliveriesModel). Every decision is the approvals.decide
// operation (ApprovalListModel).
Item {
    id: panel

    property CoreConnection connection
    readonly property bool ready: pending.loaded && history.loaded
    // Now, on the GUI thread's clock: the countdowns tick against it, with
    // no call to the core.
    property double now: Date.now()
    // waiting, history, or undelivered (the notifications that failed)
    property string view: "waiting"
    // The ids ticked for a bulk decision.
    property var selected: ({})
    readonly property int selectedCount: Object.keys(selected).length
    property string lastError

    // "3:59:59", "4:59", "1 d 02:03:04"; past the deadline "00:00".
    function countdown(msLeft) {
        const total = Math.max(0, Math.ceil(msLeft / 1000))
        const days = Math.floor(total / 86400)
        const hours = Math.floor(total % 86400 / 3600)
        const minutes = Math.floor(total % 3600 / 60)
        const seconds = total % 60
        const two = n => (n < 10 ? "0" : "") + n
        if (days > 0)
            return qsTr("%1 d %2:%3:%4").arg(days).arg(two(hours)).arg(two(minutes)).arg(two(seconds))
        if (hours > 0)
            return hours + ":" + two(minutes) + ":" + two(seconds)
        return two(minutes) + ":" + two(seconds)
    }
    // The share of a request's time gone: amber at 50 %, red at 90 %, when
    // the core sends its reminders.
    function urgencyColor(createdMs, deadlineMs) {
        if (deadlineMs === 0)
            return Theme.textMuted
        const gone = (panel.now - createdMs) / (deadlineMs - createdMs)
        return gone >= 0.9 ? Theme.danger : gone >= 0.5 ? Theme.warning : Theme.text
    }
    function toggle(id) {
        const next = Object.assign({}, selected)
        if (next[id])
            delete next[id]
        else
            next[id] = true
        selected = next
    }
    function decide(ids, approve) {
        lastError = ""
        pending.decide(ids, approve, reasonField.text)
    }
    // The keyboard's A / D on the current row: tier 3 asks first.
    function decideCurrent(approve) {
        const row = list.currentItem
        if (view !== "waiting" || !row)
            return
        if (row.tier === 3) {
            confirm.approve = approve
            confirm.requestId = row.approvalId
            confirm.open()
            return
        }
        decide([row.approvalId], approve)
    }

    ApprovalListModel {
        id: pending
        objectName: "pendingApprovals"
        connection: panel.connection
        onDecided: (ok, message) => {
            panel.lastError = ok ? "" : message
            if (ok) {
                panel.selected = ({})
                reasonField.clear()
            }
        }
    }
    ApprovalDeliveriesModel {
        id: deliveries
        objectName: "failedDeliveries"
        connection: panel.connection
        // Nothing left to show: back to the waiting requests.
        onCountChanged: if (count === 0 && panel.view === "undelivered") panel.view = "waiting"
    }
    ApprovalListModel {
        id: history
        history: true
        limit: 200
        connection: panel.connection
    }
    Timer {
        interval: 1000
        repeat: true
        running: pending.count > 0 && panel.visible
        triggeredOnStart: true
        onTriggered: panel.now = Date.now()
    }

    Shortcut {
        sequence: "A"
        enabled: panel.visible && !confirm.visible && !reasonField.activeFocus
        onActivated: panel.decideCurrent(true)
    }
    Shortcut {
        sequence: "D"
        enabled: panel.visible && !confirm.visible && !reasonField.activeFocus
        onActivated: panel.decideCurrent(false)
    }

    Dialog {
        id: confirm
        objectName: "tier3Confirm"
        property bool approve: true
        property string requestId
        // Centred in the window's overlay: placed by the panel's size, the
        // dialog's height fed back into its own position (a binding loop).
        parent: Overlay.overlay
        anchors.centerIn: parent
        width: 400
        modal: true
        title: approve ? qsTr("Approve a tier-3 request?") : qsTr("Deny a tier-3 request?")
        standardButtons: Dialog.Ok | Dialog.Cancel
        Label {
            width: confirm.availableWidth
            wrapMode: Text.Wrap
            color: Theme.text
            text: confirm.approve ? qsTr("Tier 3 is mandatory: it runs once two different operators approve it. Yours counts as one.")
                                  : qsTr("One denial denies a tier-3 request.")
        }
        onAccepted: panel.decide([requestId], approve)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.padding
            spacing: Theme.spacing

            TabBar {
                id: lists
                objectName: "approvalLists"
                currentIndex: ["waiting", "history", "undelivered"].indexOf(panel.view)
                spacing: 2
                background: null
                TabButton {
                    objectName: "showPending"
                    text: qsTr("Waiting (%1)").arg(pending.total)
                    width: implicitWidth
                    onClicked: panel.view = "waiting"
                }
                TabButton {
                    objectName: "showHistory"
                    text: qsTr("History")
                    width: implicitWidth
                    onClicked: panel.view = "history"
                }
                TabButton {
                    objectName: "showUndelivered"
                    visible: deliveries.count > 0
                    text: qsTr("Not delivered (%1)").arg(deliveries.more ? deliveries.count + "+" : deliveries.count)
                    width: visible ? implicitWidth : 0
                    onClicked: panel.view = "undelivered"
                }
            }
            TextField {
                id: reasonField
                objectName: "reasonField"
                visible: panel.view === "waiting"
                Layout.fillWidth: true
                placeholderText: qsTr("Reason (optional, kept with the decision)")
                maximumLength: 1024
            }
            Button {
                objectName: "approveSelected"
                visible: panel.view === "waiting" && panel.selectedCount > 0
                text: qsTr("Approve %n selected", "", panel.selectedCount)
                onClicked: panel.decide(Object.keys(panel.selected), true)
            }
            Button {
                objectName: "denySelected"
                visible: panel.view === "waiting" && panel.selectedCount > 0
                text: qsTr("Deny %n selected", "", panel.selectedCount)
                onClicked: panel.decide(Object.keys(panel.selected), false)
            }
        }
        Label {
            objectName: "approvalError"
            visible: panel.lastError !== "" || pending.errorMessage !== ""
            Layout.fillWidth: true
            Layout.leftMargin: Theme.padding
            Layout.rightMargin: Theme.padding
            wrapMode: Text.Wrap
            color: Theme.danger
            text: panel.lastError !== "" ? panel.lastError : pending.errorMessage
        }

        // Waiting requests.
        ListView {
            id: list
            objectName: "approvalsList"
            visible: panel.view === "waiting"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: pending
            currentIndex: 0
            keyNavigationEnabled: true
            focus: true
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { }

            Label {
                anchors.centerIn: parent
                visible: pending.loaded && list.count === 0
                color: Theme.textMuted
                text: qsTr("Nothing waits for a decision.")
            }

            delegate: Rectangle {
                id: requestRow
                required property int index
                required property string approvalId
                required property int tier
                required property string rule
                required property string kind
                required property string agent
                required property string environment
                required property string target
                required property string amountText
                required property string taskId
                required property string node
                required property double createdMs
                required property double deadlineMs
                required property int approvals
                required property int approvalsNeeded
                required property string operators
                required property string costText
                required property string command
                required property double boardId
                required property string boardVerdict
                required property double boardApproveShare
                required property string boardVotesText
                required property string boardDissent
                readonly property bool current: ListView.isCurrentItem

                objectName: "approvalRow_" + approvalId
                width: ListView.view.width
                height: rowContent.implicitHeight + 2 * Theme.gap
                color: current ? Theme.selection : index % 2 ? Theme.surfaceAlt : Theme.surface

                MouseArea {
                    anchors.fill: parent
                    onClicked: list.currentIndex = requestRow.index
                }
                // The action, its countdown and the buttons on top; the
                // evidence below, the width of the row.
                ColumnLayout {
                    id: rowContent
                    anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter }
                    anchors.leftMargin: Theme.padding
                    anchors.rightMargin: Theme.padding
                    spacing: 2

                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacing

                        CheckBox {
                            objectName: "select_" + requestRow.approvalId
                            padding: 0
                            checked: !!panel.selected[requestRow.approvalId]
                            onClicked: panel.toggle(requestRow.approvalId)
                        }
                        Rectangle {
                            objectName: "tierBadge"
                            implicitWidth: tierLabel.implicitWidth + 2 * Theme.gap
                            implicitHeight: tierLabel.implicitHeight + 4
                            radius: Theme.radius
                            color: requestRow.tier === 3 ? Theme.dangerSoft : Theme.neutralSoft
                            border.color: requestRow.tier === 3 ? Theme.danger : Theme.warning
                            Label {
                                id: tierLabel
                                anchors.centerIn: parent
                                text: qsTr("Tier %1").arg(requestRow.tier)
                                font.pixelSize: Theme.smallFontSize
                                font.weight: Font.DemiBold
                                color: requestRow.tier === 3 ? Theme.danger : Theme.warning
                            }
                        }
                        Label {
                            Layout.fillWidth: true
                            elide: Text.ElideRight
                            color: Theme.text
                            font.weight: Font.DemiBold
                            text: [requestRow.kind.replace("_", " "), requestRow.environment, requestRow.amountText].filter(s => s !== "").join(" · ")
                                  + (requestRow.agent ? qsTr(" by %1").arg(requestRow.agent) : "")
                        }
                        Label {
                            objectName: "countdown"
                            color: panel.urgencyColor(requestRow.createdMs, requestRow.deadlineMs)
                            font.family: Theme.monoFamily
                            font.weight: color === Theme.text ? Font.Normal : Font.DemiBold
                            text: requestRow.deadlineMs === 0
                                  ? qsTr("%1 of %2 approvals").arg(requestRow.approvals).arg(requestRow.approvalsNeeded)
                                  : panel.countdown(requestRow.deadlineMs - panel.now)
                            ToolTip.visible: countdownHover.hovered
                            ToolTip.text: requestRow.deadlineMs === 0 ? qsTr("Tier 3 has no deadline; approved by: %1").arg(requestRow.operators || "—")
                                                                      : qsTr("Denied as expired at %1").arg(new Date(requestRow.deadlineMs).toLocaleString())
                            HoverHandler { id: countdownHover }
                        }
                        // The Shadow Board's recommendation (docs/board.md),
                        // beside the buttons it informs.
                        Rectangle {
                            objectName: "boardBadge"
                            visible: requestRow.boardId > 0
                            implicitWidth: boardLabel.implicitWidth + 2 * Theme.gap
                            implicitHeight: boardLabel.implicitHeight + 4
                            radius: Theme.radius
                            color: requestRow.boardVerdict === "approve" ? Theme.okSoft
                                 : requestRow.boardVerdict === "reject" ? Theme.dangerSoft : Theme.neutralSoft
                            border.color: requestRow.boardVerdict === "approve" ? Theme.ok
                                        : requestRow.boardVerdict === "reject" ? Theme.danger : Theme.border
                            Label {
                                id: boardLabel
                                objectName: "boardRecommendation"
                                anchors.centerIn: parent
                                font.pixelSize: Theme.smallFontSize
                                color: Theme.text
                                text: (requestRow.boardVerdict === "approve" ? qsTr("Board: approve")
                                     : requestRow.boardVerdict === "reject" ? qsTr("Board: reject") : qsTr("Board: no consensus"))
                                      + qsTr(" %1 %").arg(Math.round(100 * requestRow.boardApproveShare))
                            }
                            ToolTip.visible: boardHover.hovered
                            ToolTip.text: requestRow.boardVotesText
                                          + (requestRow.boardDissent ? qsTr("; dissent: %1").arg(requestRow.boardDissent) : "")
                                          + qsTr("; the Shadow Board panel (Ctrl+9) has the deliberation")
                            HoverHandler { id: boardHover }
                        }
                        Label {
                            objectName: "boardVotes"
                            visible: requestRow.boardId > 0
                            color: Theme.textMuted
                            font.pixelSize: Theme.smallFontSize
                            text: requestRow.boardVotesText
                        }
                        Button {
                            objectName: "approve_" + requestRow.approvalId
                            text: qsTr("Approve")
                            highlighted: true
                            onClicked: panel.decide([requestRow.approvalId], true)
                        }
                        Button {
                            objectName: "deny_" + requestRow.approvalId
                            text: qsTr("Deny")
                            onClicked: panel.decide([requestRow.approvalId], false)
                        }
                    }
                    Label {
                        objectName: "evidence"
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallFontSize + 1
                        text: [requestRow.costText ? qsTr("cost %1").arg(requestRow.costText) : "",
                               requestRow.taskId ? qsTr("task %1 at %2").arg(requestRow.taskId).arg(requestRow.node) : "",
                               qsTr("rule %1").arg(requestRow.rule)].filter(s => s !== "").join("  ·  ")
                    }
                    Label {
                        objectName: "command"
                        visible: text !== ""
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.smallFontSize + 1
                        color: Theme.text
                        text: requestRow.command !== "" ? requestRow.command : requestRow.target
                    }
                }
            }
        }

        // Decided and expired requests, newest first.
        ListView {
            id: historyList
            objectName: "approvalHistory"
            visible: panel.view === "history"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: history
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { }

            Label {
                anchors.centerIn: parent
                visible: history.loaded && historyList.count === 0
                color: Theme.textMuted
                text: qsTr("No request has been decided yet.")
            }

            delegate: Rectangle {
                id: historyRow
                required property int index
                required property string approvalId
                required property string state
                required property int tier
                required property string kind
                required property string environment
                required property string agent
                required property string operators
                required property string reason
                required property double decidedMs

                objectName: "historyRow_" + approvalId
                width: ListView.view.width
                height: Theme.rowHeight + Theme.gap
                color: index % 2 ? Theme.surfaceAlt : Theme.surface

                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: Theme.padding
                    anchors.rightMargin: Theme.padding
                    spacing: Theme.spacing
                    Label {
                        objectName: "outcome"
                        Layout.preferredWidth: 72
                        font.weight: Font.DemiBold
                        color: historyRow.state === "approved" ? Theme.ok : historyRow.state === "denied" ? Theme.danger : Theme.warning
                        text: historyRow.state === "approved" ? qsTr("Approved") : historyRow.state === "denied" ? qsTr("Denied") : qsTr("Expired")
                    }
                    Label {
                        Layout.preferredWidth: 180
                        elide: Text.ElideRight
                        color: Theme.text
                        text: qsTr("Tier %1 · %2").arg(historyRow.tier).arg([historyRow.kind.replace("_", " "), historyRow.environment].filter(s => s).join(" "))
                    }
                    Label {
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        color: Theme.textMuted
                        text: historyRow.state === "expired" ? qsTr("no one decided in time") + " — " + historyRow.reason
                            : qsTr("by %1").arg(historyRow.operators) + (historyRow.reason ? " — " + historyRow.reason : "")
                    }
                    Label {
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallFontSize + 1
                        text: Qt.formatDateTime(new Date(historyRow.decidedMs), "yyyy-MM-dd HH:mm:ss")
                    }
                }
            }
        }

        // Notifications that failed for good: who was not told of what.
        ListView {
            id: deliveryList
            objectName: "undeliveredList"
            visible: panel.view === "undelivered"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: deliveries
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { }

            delegate: Rectangle {
                id: deliveryRow
                required property int index
                required property string approvalId
                required property string what
                required property string channel
                required property int attempts
                required property string error
                required property date updated

                width: ListView.view.width
                height: Theme.rowHeight + Theme.gap
                color: index % 2 ? Theme.surfaceAlt : Theme.surface

                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: Theme.padding
                    anchors.rightMargin: Theme.padding
                    spacing: Theme.spacing
                    Label {
                        Layout.preferredWidth: 120
                        elide: Text.ElideRight
                        font.weight: Font.DemiBold
                        color: Theme.danger
                        text: deliveryRow.channel
                    }
                    Label {
                        Layout.preferredWidth: 320
                        elide: Text.ElideRight
                        color: Theme.text
                        text: qsTr("%1 of %2").arg(deliveryRow.what).arg(deliveryRow.approvalId)
                    }
                    Label {
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        color: Theme.textMuted
                        text: qsTr("%n tries", "", deliveryRow.attempts) + " — " + deliveryRow.error
                        ToolTip.visible: errorHover.hovered
                        ToolTip.text: deliveryRow.error
                        HoverHandler { id: errorHover }
                    }
                    Label {
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallFontSize + 1
                        text: Qt.formatDateTime(deliveryRow.updated, "yyyy-MM-dd HH:mm:ss")
                    }
                }
            }
        }
    }
}
