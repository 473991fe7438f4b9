import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The ledger, live: its accounts with their balances, the selected
// account's transfers, and the pending transfers still open, each with the
// time left before it expires. Amounts are exact: ledger 1 in dollars to the
// micro-dollar, other ledgers (2: pilot credits) as whole units.
Item {
    id: panel

    property CoreConnection connection
    readonly property bool ready: accounts.loaded && pending.loaded && (selectedId === "" || transfers.loaded)
    // Wide enough (the center area, a popped-out window) for every column.
    readonly property bool wide: width >= 760
    readonly property int amountWidth: wide ? 140 : 112
    property string selectedId
    // Now, on the GUI thread's clock: the countdowns tick against it, with
    // no call to the core.
    property double now: Date.now()

    function ledgerName(ledger) {
        switch (ledger) {
        case 1: return qsTr("USD")
        case 2: return qsTr("Credits", "ledger 2, the pilot credits")
        }
        return qsTr("Ledger %1").arg(ledger)
    }

    // "4:59", "1:02:03", "3 d 04:05:06"; under a minute it turns red.
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

    LedgerAccountsModel {
        id: accounts
        connection: panel.connection
        // Something to show below from the start: the first account.
        onCountChanged: {
            if (panel.selectedId === "" && count > 0)
                panel.selectedId = accounts.data(accounts.index(0, 0), LedgerAccountsModel.IdRole)
        }
    }
    LedgerTransfersModel {
        id: transfers
        connection: panel.connection
        accountId: panel.selectedId
    }
    PendingTransfersModel {
        id: pending
        connection: panel.connection
    }
    Timer {
        interval: 1000
        repeat: true
        running: pending.count > 0 && panel.visible
        triggeredOnStart: true
        onTriggered: panel.now = Date.now()
    }

    // A fresh data directory: say how accounts come about.
    ColumnLayout {
        objectName: "ledgerEmpty"
        anchors.centerIn: parent
        width: Math.min(parent.width - 4 * Theme.padding, 520)
        visible: accounts.loaded && accounts.count === 0
        spacing: Theme.spacing

        Label {
            text: qsTr("No ledger accounts yet")
            color: Theme.text
            font.pixelSize: Theme.titleFontSize
            font.weight: Font.DemiBold
            Layout.alignment: Qt.AlignHCenter
        }
        Label {
            text: qsTr("Cabinet's services open the accounts they need. To create some yourself, run this in a terminal while the console stays open (the command line sends it to the console, which records it under your name):")
            color: Theme.textMuted
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Rectangle {
            color: Theme.surfaceAlt
            border.color: Theme.border
            radius: Theme.radius
            Layout.fillWidth: true
            Layout.preferredHeight: example.implicitHeight + 2 * Theme.padding
            TextEdit {
                id: example
                anchors.fill: parent
                anchors.margins: Theme.padding
                readOnly: true
                selectByMouse: true
                // Wrapped on screen only: a copy still gets the lines as written.
                wrapMode: TextEdit.WrapAtWordBoundaryOrAnywhere
                color: Theme.text
                font.family: Theme.monoFamily
                font.pixelSize: Theme.smallFontSize + 1
                text: "cabinet ledger create-accounts - <<'EOF'\n"
                      + "[{\"id\": 1, \"ledger\": 1, \"code\": 10},\n"
                      + " {\"id\": 2, \"ledger\": 1, \"code\": 10}]\n"
                      + "EOF"
            }
        }
        Label {
            text: qsTr("Ledger 1 is USD in micro-dollars, ledger 2 pilot credits. They appear here as soon as they exist.")
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize + 1
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
    }

    BusyIndicator {
        anchors.centerIn: parent
        running: !accounts.loaded && panel.connection && panel.connection.state === CoreConnection.Ready
        visible: running
    }

    SplitView {
        anchors.fill: parent
        orientation: Qt.Vertical
        visible: accounts.count > 0
        handle: DockHandle { vertical: true }

        // Accounts.
        ColumnLayout {
            spacing: 0
            SplitView.fillHeight: true
            SplitView.minimumHeight: 90

            SectionHeader {
                title: qsTr("Accounts")
                detail: accounts.truncated ? qsTr("the first %L1").arg(accounts.count)
                                           : Number(accounts.count).toLocaleString(Qt.locale(), "f", 0)
                Layout.fillWidth: true
            }
            TitleRow {
                Layout.fillWidth: true
                ColumnTitle { text: qsTr("Account"); Layout.fillWidth: true }
                ColumnTitle { text: qsTr("Ledger"); Layout.preferredWidth: 64 }
                ColumnTitle { text: qsTr("Code"); visible: panel.wide; horizontalAlignment: Text.AlignRight; Layout.preferredWidth: 44 }
                ColumnTitle { text: qsTr("Debits", "column: posted debits"); visible: panel.wide; horizontalAlignment: Text.AlignRight; Layout.preferredWidth: 130 }
                ColumnTitle { text: qsTr("Credits", "column: posted credits"); visible: panel.wide; horizontalAlignment: Text.AlignRight; Layout.preferredWidth: 130 }
                ColumnTitle { text: qsTr("Pending"); visible: panel.wide; horizontalAlignment: Text.AlignRight; Layout.preferredWidth: 150 }
                ColumnTitle { text: qsTr("Balance"); horizontalAlignment: Text.AlignRight; Layout.preferredWidth: 130 }
            }
            ListView {
                id: accountList
                objectName: "accountList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: accounts
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar { }

                delegate: Rectangle {
                    id: accountRow
                    required property int index
                    required property string accountId
                    required property int ledger
                    required property int code
                    required property var flags
                    required property string debitsPostedText
                    required property string creditsPostedText
                    required property string debitsPendingText
                    required property string creditsPendingText
                    required property string debitsPending
                    required property string creditsPending
                    required property string balanceText
                    required property bool negative
                    required property bool closed
                    required property string name

                    width: ListView.view.width
                    height: Theme.rowHeight
                    color: accountRow.accountId === panel.selectedId ? Theme.selection
                         : hover.hovered ? Theme.hover
                         : index % 2 ? Theme.surfaceAlt : Theme.surface

                    HoverHandler { id: hover }
                    TapHandler { onTapped: panel.selectedId = accountRow.accountId }

                    CellRow {
                        // What the account is for (the costs name theirs), the
                        // id, and its flags by name in small type after it.
                        Item {
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            Label {
                                id: accountNameLabel
                                objectName: "accountName"
                                anchors.verticalCenter: parent.verticalCenter
                                width: accountRow.name === "" ? 0 : Math.min(implicitWidth, parent.width * 0.75)
                                visible: accountRow.name !== ""
                                text: accountRow.name
                                color: accountRow.closed ? Theme.textMuted : Theme.text
                                font.weight: Font.DemiBold
                                elide: Text.ElideRight
                            }
                            Label {
                                id: accountIdLabel
                                anchors.left: accountNameLabel.right
                                anchors.leftMargin: accountRow.name === "" ? 0 : 6
                                anchors.verticalCenter: parent.verticalCenter
                                width: Math.min(implicitWidth, parent.width - x)
                                text: accountRow.accountId
                                color: accountRow.closed || accountRow.name !== "" ? Theme.textMuted : Theme.text
                                font.family: Theme.monoFamily
                                elide: Text.ElideMiddle
                            }
                            Label {
                                anchors { left: accountIdLabel.right; right: parent.right; leftMargin: 6; verticalCenter: parent.verticalCenter }
                                visible: panel.wide && accountRow.flags.length > 0
                                text: accountRow.flags.join(" · ")
                                color: Theme.textMuted
                                font.pixelSize: Theme.smallFontSize
                                elide: Text.ElideRight
                            }
                        }
                        LedgerBadge { ledger: accountRow.ledger; Layout.preferredWidth: 64 }
                        Amount { visible: panel.wide; text: accountRow.code; color: Theme.textMuted; Layout.preferredWidth: 44 }
                        Amount { visible: panel.wide; text: accountRow.debitsPostedText; Layout.preferredWidth: 130 }
                        Amount { visible: panel.wide; text: accountRow.creditsPostedText; Layout.preferredWidth: 130 }
                        Amount {
                            visible: panel.wide
                            color: Theme.textMuted
                            // Only the sides that hold something.
                            text: [accountRow.debitsPending !== "0" ? Qt.locale().negativeSign + accountRow.debitsPendingText : "",
                                   accountRow.creditsPending !== "0" ? Qt.locale().positiveSign + accountRow.creditsPendingText : ""]
                                  .filter(part => part !== "").join(" ") || "—"
                            Layout.preferredWidth: 150
                        }
                        Amount {
                            text: accountRow.balanceText
                            color: accountRow.negative ? Theme.danger : Theme.text
                            font.weight: Font.DemiBold
                            Layout.preferredWidth: 130
                        }
                    }
                }
            }
        }

        // The selected account's transfers.
        ColumnLayout {
            spacing: 0
            SplitView.preferredHeight: panel.height * 0.34
            SplitView.minimumHeight: 80

            SectionHeader {
                title: qsTr("Transfers")
                detail: panel.selectedId === "" ? ""
                      : transfers.count >= transfers.maxRows ? qsTr("of %1, the newest %L2").arg(panel.selectedId).arg(transfers.count)
                      : qsTr("of %1").arg(panel.selectedId)
                Layout.fillWidth: true
            }
            TitleRow {
                Layout.fillWidth: true
                ColumnTitle { text: qsTr("Time"); Layout.preferredWidth: panel.wide ? 150 : 64 }
                ColumnTitle { text: qsTr("Kind"); Layout.preferredWidth: 70 }
                ColumnTitle { text: qsTr("To / from"); Layout.fillWidth: true; Layout.preferredWidth: 1 }
                ColumnTitle { text: qsTr("Transfer"); visible: panel.wide; Layout.fillWidth: true; Layout.preferredWidth: 1 }
                ColumnTitle { text: qsTr("Code"); visible: panel.wide; horizontalAlignment: Text.AlignRight; Layout.preferredWidth: 44 }
                ColumnTitle { text: qsTr("Amount"); horizontalAlignment: Text.AlignRight; Layout.preferredWidth: panel.amountWidth }
            }
            ListView {
                id: transferList
                objectName: "transferList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: transfers
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar { }
                onCountChanged: if (atYBeginning) positionViewAtBeginning()

                delegate: Rectangle {
                    id: transferRow
                    required property int index
                    required property string transferId
                    required property var time
                    required property string kind
                    required property bool outgoing
                    required property string counterparty
                    required property string amountText
                    required property int code
                    required property string pendingId

                    width: ListView.view.width
                    height: Theme.rowHeight
                    color: index % 2 ? Theme.surfaceAlt : Theme.surface

                    CellRow {
                        Label {
                            text: Qt.formatDateTime(transferRow.time, panel.wide ? "yyyy-MM-dd HH:mm:ss" : "HH:mm:ss")
                            color: Theme.textMuted
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.smallFontSize + 1
                            Layout.preferredWidth: panel.wide ? 150 : 64
                        }
                        KindBadge { kind: transferRow.kind; Layout.preferredWidth: 70 }
                        Label {
                            // Debits go to the counterparty, credits come from it.
                            text: (transferRow.outgoing ? "→ " : "← ") + transferRow.counterparty
                            color: Theme.text
                            font.family: Theme.monoFamily
                            elide: Text.ElideMiddle
                            Layout.fillWidth: true
                            Layout.preferredWidth: 1
                        }
                        Label {
                            visible: panel.wide
                            text: transferRow.pendingId ? qsTr("%1 (of %2)").arg(transferRow.transferId).arg(transferRow.pendingId)
                                                        : transferRow.transferId
                            color: Theme.textMuted
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.smallFontSize + 1
                            elide: Text.ElideMiddle
                            Layout.fillWidth: true
                            Layout.preferredWidth: 1
                        }
                        Amount { visible: panel.wide; text: transferRow.code; color: Theme.textMuted; Layout.preferredWidth: 44 }
                        Amount {
                            // Signed as the balance counts it: credits less debits.
                            text: (transferRow.outgoing ? Qt.locale().negativeSign : Qt.locale().positiveSign) + transferRow.amountText
                            color: transferRow.kind === "void" ? Theme.textMuted
                                 : transferRow.outgoing ? Theme.text : Theme.ok
                            font.strikeout: transferRow.kind === "void"
                            Layout.preferredWidth: panel.amountWidth
                        }
                    }
                }

                Label {
                    anchors.centerIn: parent
                    visible: transfers.loaded && transferList.count === 0
                    color: Theme.textMuted
                    text: qsTr("No transfers on this account yet.")
                }
            }
        }

        // Pending transfers still open.
        ColumnLayout {
            spacing: 0
            SplitView.preferredHeight: panel.height * 0.26
            SplitView.minimumHeight: 80

            SectionHeader {
                title: qsTr("Pending")
                // The soonest to expire are listed (one ledger reply); say so when more are open.
                detail: pending.total > pending.count
                        ? qsTr("showing %L1 of %L2 open", "pending transfers: the soonest to expire are listed")
                              .arg(pending.count).arg(pending.total)
                        : qsTr("%L1 open").arg(pending.count)
                Layout.fillWidth: true
            }
            TitleRow {
                Layout.fillWidth: true
                ColumnTitle { text: qsTr("Expires in"); Layout.preferredWidth: 76 }
                ColumnTitle { text: qsTr("From → to"); Layout.fillWidth: true; Layout.preferredWidth: 1 }
                ColumnTitle { text: qsTr("Transfer"); visible: panel.wide; Layout.fillWidth: true; Layout.preferredWidth: 1 }
                ColumnTitle { text: qsTr("Expires at"); visible: panel.wide; Layout.preferredWidth: 150 }
                ColumnTitle { text: qsTr("Amount"); horizontalAlignment: Text.AlignRight; Layout.preferredWidth: panel.amountWidth }
            }
            ListView {
                id: pendingList
                objectName: "pendingList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: pending
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar { }

                delegate: Rectangle {
                    id: pendingRow
                    required property int index
                    required property string transferId
                    required property string debitAccountId
                    required property string creditAccountId
                    required property string amountText
                    required property var expiresAt
                    required property double expiresAtMs
                    readonly property double msLeft: expiresAtMs - panel.now

                    width: ListView.view.width
                    height: Theme.rowHeight
                    color: index % 2 ? Theme.surfaceAlt : Theme.surface

                    CellRow {
                        Label {
                            objectName: "countdown"
                            text: pendingRow.expiresAtMs === 0 ? qsTr("no timeout")
                                : pendingRow.msLeft <= 0 ? qsTr("expiring")
                                : panel.countdown(pendingRow.msLeft)
                            color: pendingRow.expiresAtMs === 0 ? Theme.textMuted
                                 : pendingRow.msLeft < 60000 ? Theme.danger : Theme.text
                            font.family: Theme.monoFamily
                            font.weight: pendingRow.expiresAtMs !== 0 && pendingRow.msLeft < 60000 ? Font.DemiBold : Font.Normal
                            Layout.preferredWidth: 76
                        }
                        Label {
                            text: pendingRow.debitAccountId + " → " + pendingRow.creditAccountId
                            color: Theme.text
                            font.family: Theme.monoFamily
                            elide: Text.ElideMiddle
                            Layout.fillWidth: true
                            Layout.preferredWidth: 1
                        }
                        Label {
                            visible: panel.wide
                            text: pendingRow.transferId
                            color: Theme.textMuted
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.smallFontSize + 1
                            elide: Text.ElideMiddle
                            Layout.fillWidth: true
                            Layout.preferredWidth: 1
                        }
                        Label {
                            visible: panel.wide
                            text: pendingRow.expiresAtMs === 0 ? "—" : Qt.formatDateTime(pendingRow.expiresAt, "yyyy-MM-dd HH:mm:ss")
                            color: Theme.textMuted
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.smallFontSize + 1
                            Layout.preferredWidth: 150
                        }
                        Amount { text: pendingRow.amountText; Layout.preferredWidth: panel.amountWidth }
                    }
                }

                Label {
                    anchors.centerIn: parent
                    visible: pending.loaded && pendingList.count === 0
                    color: Theme.textMuted
                    text: qsTr("No pending transfers open.")
                }
            }
        }
    }

    Label {
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: Theme.padding }
        visible: text !== ""
        text: accounts.errorMessage || transfers.errorMessage || pending.errorMessage
        color: Theme.danger
        wrapMode: Text.Wrap
    }

    component TitleRow: Rectangle {
        default property alias columns: titles.data
        implicitHeight: Theme.rowHeight - 4
        color: Theme.surface
        Rectangle {
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
            height: 1
            color: Theme.border
        }
        RowLayout {
            id: titles
            anchors.fill: parent
            anchors.leftMargin: Theme.padding
            anchors.rightMargin: Theme.padding
            spacing: Theme.spacing
        }
    }

    component ColumnTitle: Label {
        color: Theme.textMuted
        font.pixelSize: Theme.smallFontSize
        font.weight: Font.DemiBold
        font.capitalization: Font.AllUppercase
        elide: Text.ElideRight
    }

    component CellRow: RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        spacing: Theme.spacing
    }

    component Amount: Label {
        color: Theme.text
        font.family: Theme.monoFamily
        horizontalAlignment: Text.AlignRight
        elide: Text.ElideLeft
    }

    component LedgerBadge: Label {
        property int ledger
        text: panel.ledgerName(ledger)
        color: ledger === 1 ? Theme.accent : ledger === 2 ? Theme.ok : Theme.textMuted
        font.pixelSize: Theme.smallFontSize
        font.weight: Font.DemiBold
    }

    component KindBadge: Label {
        property string kind
        text: {
            switch (kind) {
            case "pending": return qsTr("pending")
            case "post": return qsTr("posted")
            case "void": return qsTr("voided")
            }
            return ""
        }
        color: kind === "void" ? Theme.textMuted : Theme.accent
        font.pixelSize: Theme.smallFontSize
        font.weight: Font.DemiBold
        elide: Text.ElideRight
    }
}
