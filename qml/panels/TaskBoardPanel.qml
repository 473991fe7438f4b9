import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The Task board: the queue's tasks in one column per state with its count,
// the selected task in full, and the operator's actions on it (pause,
// resume, cancel, retry) and a form to submit one. Each column loads a page
// at a time as it is scrolled (TaskListModel), so 10,000 tasks cost what is
// on screen; everything comes from operations, and the GUI thread never
// waits for the core.
Item {
    id: panel

    property CoreConnection connection
    readonly property bool ready: {
        for (let i = 0; i < columns.count; ++i) {
            const column = columns.itemAt(i)
            if (!column || !column.model.loaded)
                return false
        }
        return true
    }
    property string selectedId
    readonly property var states: ["pending", "claimed", "running", "awaiting_approval", "review", "done", "failed", "cancelled"]
    // Wide (the center area, a window of its own): the detail beside the
    // columns; otherwise below them.
    readonly property bool wide: width >= 900

    function stateTitle(state) {
        switch (state) {
        case "pending": return qsTr("Pending")
        case "claimed": return qsTr("Claimed")
        case "running": return qsTr("Running")
        case "awaiting_approval": return qsTr("Awaiting approval")
        case "review": return qsTr("Review")
        case "done": return qsTr("Done")
        case "failed": return qsTr("Failed")
        case "cancelled": return qsTr("Cancelled")
        }
        return state
    }
    function stateColor(state) {
        switch (state) {
        case "running": case "claimed": return Theme.accent
        case "awaiting_approval": case "review": return Theme.warning
        case "done": return Theme.ok
        case "failed": return Theme.danger
        }
        return Theme.textMuted
    }

    TaskDetail {
        id: detail
        objectName: "taskDetail"
        connection: panel.connection
        taskId: panel.selectedId
        onSubmitted: id => {
            panel.selectedId = id
            submitForm.visible = false
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.padding
            spacing: Theme.spacing

            Button {
                objectName: "showSubmit"
                text: submitForm.visible ? qsTr("Close") : qsTr("Submit task…")
                onClicked: submitForm.visible = !submitForm.visible
            }
            Label {
                Layout.fillWidth: true
                elide: Text.ElideRight
                color: Theme.textMuted
                text: {
                    let total = 0
                    for (let i = 0; i < columns.count; ++i) {
                        const column = columns.itemAt(i)
                        if (column)
                            total += column.model.total
                    }
                    return qsTr("%n task(s)", "", total)
                }
            }
        }

        // Submit: a workflow, a title and the task's input as JSON.
        RowLayout {
            id: submitForm
            objectName: "submitForm"
            visible: false
            Layout.fillWidth: true
            Layout.leftMargin: Theme.padding
            Layout.rightMargin: Theme.padding
            Layout.bottomMargin: Theme.padding
            spacing: Theme.spacing

            TextField {
                id: workflowField
                objectName: "workflowField"
                text: "default"
                placeholderText: qsTr("Workflow")
                Layout.preferredWidth: 120
            }
            TextField {
                id: titleField
                objectName: "titleField"
                placeholderText: qsTr("Title, e.g. Add CSV export to the report")
                Layout.fillWidth: true
                onAccepted: submitButton.clicked()
            }
            TextField {
                id: inputField
                objectName: "inputField"
                placeholderText: qsTr("Input JSON, e.g. {\"goal\": \"…\"}")
                font.family: Theme.monoFamily
                Layout.preferredWidth: 220
            }
            Button {
                id: submitButton
                objectName: "submitButton"
                text: qsTr("Submit")
                highlighted: true
                enabled: titleField.text.trim() !== "" && workflowField.text.trim() !== "" && !detail.busy
                onClicked: detail.submit(workflowField.text.trim(), titleField.text.trim(), inputField.text)
            }
        }

        Label {
            visible: detail.actionError !== ""
            text: detail.actionError
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            Layout.leftMargin: Theme.padding
            Layout.rightMargin: Theme.padding
            Layout.bottomMargin: Theme.gap
        }

        GridLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            columns: panel.wide ? 2 : 1
            columnSpacing: 0
            rowSpacing: 0

            // The columns, scrolled sideways when the panel is narrow.
            Flickable {
                id: board
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                contentWidth: columnRow.implicitWidth
                contentHeight: height
                flickableDirection: Flickable.HorizontalFlick
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.horizontal: ScrollBar { }

                Row {
                    id: columnRow
                    height: board.height
                    spacing: Theme.gap
                    leftPadding: Theme.padding
                    rightPadding: Theme.padding

                    Repeater {
                        id: columns
                        model: panel.states

                        Rectangle {
                            id: column
                            required property string modelData
                            readonly property alias model: tasks
                            objectName: "column_" + modelData
                            width: 190
                            height: columnRow.height - Theme.gap
                            color: Theme.surfaceAlt
                            border.color: Theme.border
                            radius: Theme.radius

                            TaskListModel {
                                id: tasks
                                objectName: "tasks_" + column.modelData
                                connection: panel.connection
                                state: column.modelData
                            }

                            ColumnLayout {
                                anchors.fill: parent
                                anchors.margins: 1
                                spacing: 0

                                RowLayout {
                                    Layout.fillWidth: true
                                    Layout.margins: Theme.gap
                                    spacing: Theme.gap
                                    Rectangle {
                                        width: 8
                                        height: 8
                                        radius: 4
                                        color: panel.stateColor(column.modelData)
                                    }
                                    Label {
                                        text: panel.stateTitle(column.modelData)
                                        color: Theme.text
                                        font.weight: Font.DemiBold
                                        elide: Text.ElideRight
                                        Layout.fillWidth: true
                                    }
                                    Label {
                                        objectName: "count"
                                        text: tasks.total
                                        color: Theme.textMuted
                                        font.family: Theme.monoFamily
                                    }
                                }

                                ListView {
                                    id: cards
                                    Layout.fillWidth: true
                                    Layout.fillHeight: true
                                    clip: true
                                    spacing: Theme.gap
                                    model: tasks
                                    ScrollBar.vertical: ScrollBar { }

                                    delegate: Rectangle {
                                        id: card
                                        required property string taskId
                                        required property string title
                                        required property string workflow
                                        required property bool paused
                                        required property int attempts
                                        required property int maxAttempts
                                        required property string lastError
                                        readonly property bool selected: taskId === panel.selectedId
                                        objectName: "card_" + taskId
                                        width: ListView.view.width - 2 * Theme.gap
                                        x: Theme.gap
                                        implicitHeight: cardColumn.implicitHeight + 2 * Theme.gap
                                        radius: Theme.radius
                                        color: selected ? Theme.selection : cardArea.containsMouse ? Theme.hover : Theme.surface
                                        border.color: selected ? Theme.accent : Theme.border

                                        ColumnLayout {
                                            id: cardColumn
                                            anchors.fill: parent
                                            anchors.margins: Theme.gap
                                            spacing: 2
                                            Label {
                                                text: card.title
                                                color: Theme.text
                                                wrapMode: Text.Wrap
                                                maximumLineCount: 2
                                                elide: Text.ElideRight
                                                Layout.fillWidth: true
                                            }
                                            Label {
                                                text: card.workflow + (card.attempts > 0 ? qsTr(" · attempt %1/%2").arg(card.attempts).arg(card.maxAttempts) : "")
                                                      + (card.paused ? qsTr(" · paused") : "")
                                                color: card.paused ? Theme.warning : Theme.textMuted
                                                font.pixelSize: Theme.smallFontSize
                                                elide: Text.ElideRight
                                                Layout.fillWidth: true
                                            }
                                            Label {
                                                visible: card.lastError !== ""
                                                text: card.lastError
                                                color: Theme.danger
                                                font.pixelSize: Theme.smallFontSize
                                                elide: Text.ElideRight
                                                Layout.fillWidth: true
                                            }
                                        }
                                        MouseArea {
                                            id: cardArea
                                            anchors.fill: parent
                                            hoverEnabled: true
                                            onClicked: panel.selectedId = card.taskId
                                        }
                                    }

                                    Label {
                                        anchors.centerIn: parent
                                        visible: tasks.loaded && tasks.count === 0
                                        text: qsTr("None")
                                        color: Theme.textMuted
                                    }
                                }
                            }
                        }
                    }
                }
            }

            // The selected task in full.
            Rectangle {
                objectName: "taskPane"
                Layout.preferredWidth: panel.wide ? 340 : -1
                Layout.fillWidth: !panel.wide
                Layout.fillHeight: panel.wide
                Layout.preferredHeight: panel.wide ? -1 : 220
                color: Theme.surface
                border.color: Theme.border

                Label {
                    anchors.centerIn: parent
                    visible: panel.selectedId === ""
                    text: qsTr("Select a task to see it here")
                    color: Theme.textMuted
                }

                ScrollView {
                    anchors.fill: parent
                    anchors.margins: Theme.padding
                    visible: detail.loaded
                    clip: true
                    contentWidth: availableWidth

                    ColumnLayout {
                        width: parent.width
                        spacing: Theme.gap

                        Label {
                            objectName: "detailTitle"
                            text: detail.task.title ?? ""
                            color: Theme.text
                            font.pixelSize: Theme.titleFontSize
                            font.weight: Font.DemiBold
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        RowLayout {
                            spacing: Theme.gap
                            Rectangle {
                                radius: Theme.radius
                                color: Theme.neutralSoft
                                implicitWidth: stateLabel.implicitWidth + 12
                                implicitHeight: stateLabel.implicitHeight + 4
                                Label {
                                    id: stateLabel
                                    objectName: "detailState"
                                    anchors.centerIn: parent
                                    text: panel.stateTitle(detail.task.state ?? "") + (detail.task.paused ? qsTr(" (paused)") : "")
                                    color: panel.stateColor(detail.task.state ?? "")
                                    font.pixelSize: Theme.smallFontSize
                                }
                            }
                            Label {
                                text: detail.task.workflow ?? ""
                                color: Theme.textMuted
                            }
                        }
                        Label {
                            text: detail.task.id ?? ""
                            color: Theme.textMuted
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.smallFontSize
                        }
                        Label {
                            text: qsTr("Attempts %1 of %2 · submitted by %3").arg(detail.task.attempts ?? 0)
                                  .arg(detail.task.max_attempts ?? 0).arg(detail.task.submitted_by ?? "")
                            color: Theme.textMuted
                            font.pixelSize: Theme.smallFontSize
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }

                        Flow {
                            Layout.fillWidth: true
                            spacing: Theme.gap
                            readonly property string state: detail.task.state ?? ""
                            readonly property bool finished: state === "done" || state === "failed" || state === "cancelled"
                            Button {
                                objectName: "pauseButton"
                                text: detail.task.paused ? qsTr("Resume") : qsTr("Pause")
                                visible: !parent.finished
                                enabled: !detail.busy
                                onClicked: detail.act(detail.task.paused ? "resume" : "pause")
                            }
                            Button {
                                objectName: "cancelButton"
                                text: qsTr("Cancel task")
                                visible: !parent.finished
                                enabled: !detail.busy
                                onClicked: detail.act("cancel")
                            }
                            Button {
                                objectName: "retryButton"
                                text: qsTr("Retry")
                                visible: parent.state === "failed" || parent.state === "cancelled"
                                enabled: !detail.busy
                                onClicked: detail.act("retry")
                            }
                        }

                        Label {
                            visible: (detail.task.last_error ?? "") !== ""
                            text: qsTr("Last error: %1").arg(detail.task.last_error ?? "")
                            color: Theme.danger
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }

                        SectionHeader {
                            title: qsTr("Input")
                            Layout.fillWidth: true
                        }
                        Label {
                            text: JSON.stringify(detail.task.input ?? {}, null, 2)
                            color: Theme.text
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.smallFontSize
                            wrapMode: Text.WrapAnywhere
                            Layout.fillWidth: true
                        }
                        SectionHeader {
                            title: qsTr("Result")
                            visible: detail.task.result !== undefined && detail.task.result !== null
                            Layout.fillWidth: true
                        }
                        Label {
                            visible: detail.task.result !== undefined && detail.task.result !== null
                            text: JSON.stringify(detail.task.result ?? null, null, 2)
                            color: Theme.text
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.smallFontSize
                            wrapMode: Text.WrapAnywhere
                            Layout.fillWidth: true
                        }
                    }
                }
            }
        }
    }
}
