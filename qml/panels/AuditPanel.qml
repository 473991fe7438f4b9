import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet
import "../components/Summary.js" as Summary

// The audit trail, live: filters by actor, action and free text, the chain's
// verdict, the entries newest first, and the selected entry in full.
Item {
    id: panel

    property CoreConnection connection
    // The entries, and the chain's first verdict (the audit watch walks the
    // trail shortly after the core starts).
    readonly property bool ready: audit.loaded && auditChain.verdict !== AuditChain.Unknown

    // Shared by the header row and every entry row.
    // Compact (the center of the default layout beside two side panels):
    // the time of day only, and narrower columns and filters.
    readonly property bool compact: width < 760
    readonly property int seqWidth: compact ? 44 : 64
    readonly property int timeWidth: compact ? 64 : 150
    readonly property int actorWidth: compact ? 110 : 170
    readonly property int actionWidth: compact ? 110 : 150
    // Narrow (a side area): the payload column gives way to the others.
    readonly property bool showDetails: width > 820

    AuditModel {
        id: audit
        connection: panel.connection
    }
    AuditFilterModel {
        id: filtered
        objectName: "auditFilter"
        sourceModel: audit
        actor: actorFilter.value
        action: actionFilter.value
        text: search.text
    }
    AuditChain {
        id: auditChain
        connection: panel.connection
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.padding
            spacing: Theme.spacing

            FilterComboBox {
                id: actorFilter
                objectName: "actorFilter"
                allText: qsTr("All actors")
                values: audit.actors
                Layout.preferredWidth: panel.actorWidth + 20
                Layout.fillWidth: panel.compact
                Layout.minimumWidth: 80
            }
            FilterComboBox {
                id: actionFilter
                objectName: "actionFilter"
                allText: qsTr("All actions")
                values: audit.actions
                Layout.preferredWidth: panel.actionWidth + 20
                Layout.fillWidth: panel.compact
                Layout.minimumWidth: 80
            }
            TextField {
                id: search
                objectName: "auditSearch"
                placeholderText: qsTr("Search…")
                selectByMouse: true
                ToolTip.visible: hovered && text === ""
                ToolTip.delay: 600
                ToolTip.text: qsTr("Search subject and details")
                Layout.fillWidth: true
                Layout.minimumWidth: panel.compact ? 60 : 120
            }
            ChainBadge {
                chain: auditChain
                Layout.leftMargin: Theme.spacing
            }
            Button {
                objectName: "verifyButton"
                text: qsTr("Verify")
                enabled: !auditChain.busy && panel.connection && panel.connection.state === CoreConnection.Ready
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Recompute the hash chain of the whole audit trail")
                onClicked: auditChain.verify()
            }
        }

        // Column titles.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.rowHeight
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
                ColumnTitle { text: qsTr("#"); Layout.preferredWidth: panel.seqWidth; horizontalAlignment: Text.AlignRight }
                ColumnTitle { text: qsTr("Time"); Layout.preferredWidth: panel.timeWidth }
                ColumnTitle { text: qsTr("Actor"); Layout.preferredWidth: panel.actorWidth }
                ColumnTitle { text: qsTr("Action"); Layout.preferredWidth: panel.actionWidth }
                ColumnTitle { text: qsTr("Subject"); Layout.fillWidth: true; Layout.preferredWidth: 2 }
                ColumnTitle { text: qsTr("Details"); visible: panel.showDetails; Layout.fillWidth: true; Layout.preferredWidth: 3 }
            }
        }

        ListView {
            id: list
            objectName: "auditList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            focus: true
            model: filtered
            currentIndex: -1
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { }
            // Keep the newest entry in sight while the operator is at the top.
            onCountChanged: if (atYBeginning) positionViewAtBeginning()

            delegate: Rectangle {
                id: row
                required property int index
                required property var seq
                required property var time
                required property string actor
                required property string action
                required property string subject
                required property string payload
                required property string hash

                width: ListView.view.width
                height: Theme.rowHeight
                color: ListView.isCurrentItem ? Theme.selection
                     : hover.hovered ? Theme.hover
                     : index % 2 ? Theme.surfaceAlt : Theme.surface

                HoverHandler { id: hover }
                TapHandler {
                    onTapped: {
                        list.currentIndex = row.index
                        list.forceActiveFocus()
                    }
                }

                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: Theme.padding
                    anchors.rightMargin: Theme.padding
                    spacing: Theme.spacing
                    Cell {
                        text: String(row.seq) // a number's own conversion would write 1e+05
                        color: Theme.textMuted
                        font.family: Theme.monoFamily
                        horizontalAlignment: Text.AlignRight
                        Layout.preferredWidth: panel.seqWidth
                    }
                    Cell {
                        text: Qt.formatDateTime(row.time, panel.compact ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss")
                        color: Theme.textMuted
                        font.family: Theme.monoFamily
                        Layout.preferredWidth: panel.timeWidth
                    }
                    Cell { text: row.actor; Layout.preferredWidth: panel.actorWidth }
                    Cell { text: row.action; font.weight: Font.DemiBold; Layout.preferredWidth: panel.actionWidth }
                    Cell { text: row.subject; Layout.fillWidth: true; Layout.preferredWidth: 2 }
                    Cell {
                        visible: panel.showDetails
                        text: Summary.line(row.payload)
                        color: Theme.textMuted
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.smallFontSize + 1
                        Layout.fillWidth: true
                        Layout.preferredWidth: 3
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: audit.loaded && list.count === 0
                color: Theme.textMuted
                text: audit.count === 0 ? qsTr("The audit trail is empty.") : qsTr("No entries match the filters.")
            }
            BusyIndicator {
                anchors.centerIn: parent
                running: !audit.loaded && panel.connection && panel.connection.state === CoreConnection.Ready
                visible: running // no fade-out over the first rows
            }
        }

        EntryDetails {
            visible: list.currentItem !== null
            entry: list.currentItem
            Layout.fillWidth: true
            onClosed: list.currentIndex = -1
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
                objectName: "auditCount"
                anchors.verticalCenter: parent.verticalCenter
                anchors.left: parent.left
                anchors.leftMargin: Theme.padding
                color: audit.errorMessage ? Theme.danger : Theme.textMuted
                font.pixelSize: Theme.smallFontSize
                text: audit.errorMessage ? audit.errorMessage
                    : qsTr("Showing %1 of %n entry(s)", "", audit.count).arg(String(filtered.count))
                      + (audit.count >= audit.maxRows ? " · " + qsTr("newest %L1 kept in view").arg(audit.maxRows) : "")
            }
        }
    }

    component ColumnTitle: Label {
        color: Theme.textMuted
        font.pixelSize: Theme.smallFontSize
        font.weight: Font.DemiBold
        font.capitalization: Font.AllUppercase
        elide: Text.ElideRight
    }

    component Cell: Label {
        color: Theme.text
        elide: Text.ElideRight
        Layout.fillWidth: false
    }

    // "All <things>" or one of the values; keeps its choice when new values arrive.
    component FilterComboBox: ComboBox {
        id: combo
        property string allText
        property var values: []
        property string value

        model: [allText].concat(values)
        currentIndex: value ? values.indexOf(value) + 1 : 0
        onActivated: index => value = index > 0 ? values[index - 1] : ""
    }

    // The selected entry in full: its hash and its payload, pretty-printed.
    component EntryDetails: Rectangle {
        id: details
        property Item entry
        signal closed()

        implicitHeight: 150
        color: Theme.surfaceAlt

        Rectangle {
            anchors { left: parent.left; right: parent.right; top: parent.top }
            height: 1
            color: Theme.border
        }

        ColumnLayout {
            anchors.fill: parent
            anchors.margins: Theme.padding
            spacing: 4

            RowLayout {
                Layout.fillWidth: true
                Label {
                    // Joined, not .arg()-ed: a subject may itself contain "%1".
                    text: details.entry ? [qsTr("Entry %1").arg(String(details.entry.seq)), details.entry.actor,
                                           details.entry.action, details.entry.subject].join(" · ") : ""
                    color: Theme.text
                    font.weight: Font.DemiBold
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                ToolButton {
                    text: "✕"
                    focusPolicy: Qt.NoFocus
                    Accessible.name: qsTr("Close details")
                    onClicked: details.closed()
                }
            }
            TextEdit {
                text: details.entry ? qsTr("SHA-256 %1").arg(details.entry.hash) : ""
                readOnly: true
                selectByMouse: true
                color: Theme.textMuted
                font.family: Theme.monoFamily
                font.pixelSize: Theme.smallFontSize
                Layout.fillWidth: true
            }
            ScrollView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                TextArea {
                    readOnly: true
                    selectByMouse: true
                    wrapMode: Text.WrapAnywhere
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.smallFontSize + 1
                    color: Theme.text
                    background: null
                    text: details.entry ? JSON.stringify(JSON.parse(details.entry.payload), null, 2) : ""
                }
            }
        }
    }
}
