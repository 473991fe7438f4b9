import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The Shadow Board (docs/board.md): the saved deliberations, newest first;
// the selected one's consensus meter (the approve share against the
// threshold), a card per persona with its vote, confidence and utility
// score, the outcome histogram with P5 / P50 / P95 and the budget line, and
// the transcript by round (streamed live as board.statement events come);
// a what-if form that re-runs it with changed assumptions. A what-if is
// shown side by side with its original, with the votes that changed and
// the scores behind them. Every statement today is composed from the
// numbers, and says so. Everything goes through board.* operations.
Item {
    id: panel

    property CoreConnection connection
    readonly property bool ready: deliberations.loaded && (deliberations.count === 0 || session.loaded)
    readonly property var current: session.current
    readonly property var consensus: current.consensus || ({ approve_share: 0, threshold: 2 / 3, verdict: "" })
    readonly property var assumptions: current.assumptions || ({})

    function voteColor(vote) {
        switch (vote) {
        case "approve": return Theme.ok
        case "reject": return Theme.danger
        }
        return Theme.textMuted
    }
    function verdictText(verdict) {
        switch (verdict) {
        case "approve": return qsTr("approve")
        case "reject": return qsTr("reject")
        case "no_consensus": return qsTr("no consensus")
        }
        return verdict
    }
    function percent(fraction) {
        return qsTr("%1 %").arg(Number(100 * fraction).toLocaleString(Qt.locale(), "f", 1))
    }
    function signed(value) {
        return (value >= 0 ? "+" : "") + Number(value).toLocaleString(Qt.locale(), "f", 2)
    }
    function setText(set) {
        const parts = []
        for (const key in set)
            parts.push(key + " = " + set[key])
        return parts.join(", ")
    }

    BoardListModel {
        id: deliberations
        objectName: "boardList"
        connection: panel.connection
        // Following: the newest deliberation is the one shown.
        onCountChanged: if (session.follow && count > 0) session.deliberationId = idAt(0)
        onLoadedChanged: if (loaded && session.deliberationId === 0 && count > 0) session.deliberationId = idAt(0)
    }
    BoardSession {
        id: session
        objectName: "boardSession"
        connection: panel.connection
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        // The deliberations.
        ColumnLayout {
            Layout.preferredWidth: 260
            Layout.maximumWidth: 260
            Layout.fillWidth: false
            Layout.fillHeight: true
            spacing: 0
            SectionHeader {
                Layout.fillWidth: true
                title: qsTr("Deliberations")
                detail: deliberations.count
            }
            ListView {
                id: list
                objectName: "boardDeliberations"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: deliberations
                delegate: Rectangle {
                    id: row
                    required property var deliberationId
                    required property string text
                    required property string verdict
                    required property double approveShare
                    required property var whatIfOf
                    width: ListView.view.width
                    height: 46
                    color: deliberationId === session.deliberationId ? Theme.selection : hover.hovered ? Theme.hover : "transparent"
                    HoverHandler { id: hover }
                    TapHandler {
                        onTapped: {
                            session.follow = false
                            session.deliberationId = deliberationId
                        }
                    }
                    ColumnLayout {
                        anchors.fill: parent
                        anchors.margins: 6
                        spacing: 1
                        RowLayout {
                            Label {
                                text: "#" + deliberationId
                                color: Theme.textMuted
                                font.pixelSize: Theme.smallFontSize
                                font.family: Theme.monoFamily
                            }
                            Label {
                                text: panel.verdictText(verdict) + " · " + panel.percent(approveShare)
                                color: panel.voteColor(verdict)
                                font.pixelSize: Theme.smallFontSize
                                font.weight: Font.DemiBold
                            }
                            Label {
                                visible: whatIfOf > 0
                                text: qsTr("what-if of #%1").arg(whatIfOf)
                                color: Theme.accent
                                font.pixelSize: Theme.smallFontSize
                            }
                        }
                        Label {
                            Layout.fillWidth: true
                            text: row.text
                            color: Theme.text
                            elide: Text.ElideRight
                            font.pixelSize: Theme.fontSize
                        }
                    }
                }
                Label {
                    anchors.fill: parent
                    anchors.margins: Theme.padding
                    visible: deliberations.loaded && deliberations.count === 0
                    text: qsTr("No deliberations yet. Ask the board with: cabinet board deliberate --proposal FILE")
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                }
            }
        }
        Rectangle {
            Layout.fillHeight: true
            width: 1
            color: Theme.border
        }

        // The selected deliberation.
        Flickable {
            id: detail
            objectName: "boardDetail"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            contentHeight: column.implicitHeight + 2 * Theme.padding
            ScrollBar.vertical: ScrollBar { }

            ColumnLayout {
                id: column
                visible: session.loaded
                x: Theme.padding
                y: Theme.padding
                width: detail.width - 2 * Theme.padding
                spacing: Theme.spacing

                // The proposal.
                Label {
                    objectName: "boardProposal"
                    Layout.fillWidth: true
                    text: (panel.current.proposal || {}).text || ""
                    color: Theme.text
                    font.pixelSize: Theme.titleFontSize
                    font.weight: Font.DemiBold
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    text: qsTr("#%1 · %2 · cost estimate %3 USD · %4 scenarios × %5 days · seed %6")
                          .arg(session.deliberationId).arg((panel.current.proposal || {}).kind || "")
                          .arg(Number(((panel.current.proposal || {}).cost_estimate_micros || 0) / 1e6).toLocaleString(Qt.locale(), "f", 2))
                          .arg(panel.assumptions.scenarios || 0).arg(panel.assumptions.horizon_days || 0).arg(panel.current.seed || "")
                          + (panel.current.whatif_of > 0 ? qsTr(" · what-if of #%1").arg(panel.current.whatif_of) : "")
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                    wrapMode: Text.Wrap
                }

                Label {
                    objectName: "boardWhatIfSet"
                    visible: session.hasWhatIf
                    Layout.fillWidth: true
                    text: session.hasWhatIf ? qsTr("What-if of #%1, changed: %2").arg(session.comparison.original.id).arg(panel.setText(session.comparison.set)) : ""
                    color: Theme.accent
                    wrapMode: Text.Wrap
                }

                // The consensus meter: the approve share of the weighted
                // confidence, with the approve and reject thresholds.
                Item {
                    id: meter
                    objectName: "boardConsensusMeter"
                    Layout.fillWidth: true
                    Layout.preferredHeight: 44
                    Label {
                        id: meterText
                        text: qsTr("Consensus: %1 — approve share %2 (approve at ≥ %3, reject at ≤ %4)")
                              .arg(panel.verdictText(panel.consensus.verdict)).arg(panel.percent(panel.consensus.approve_share))
                              .arg(panel.percent(panel.consensus.threshold)).arg(panel.percent(1 - panel.consensus.threshold))
                        color: panel.voteColor(panel.consensus.verdict)
                        font.pixelSize: Theme.fontSize
                        font.weight: Font.DemiBold
                    }
                    Rectangle {
                        id: meterTrack
                        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; bottomMargin: 4 }
                        height: 12
                        radius: 3
                        color: Qt.rgba(Theme.danger.r, Theme.danger.g, Theme.danger.b, 0.35)
                        Rectangle {
                            objectName: "boardConsensusFill"
                            width: parent.width * panel.consensus.approve_share
                            height: parent.height
                            radius: 3
                            color: Theme.ok
                        }
                        Repeater {
                            model: [panel.consensus.threshold, 1 - panel.consensus.threshold]
                            Rectangle {
                                required property double modelData
                                x: meterTrack.width * modelData - 1
                                y: -3
                                width: 2
                                height: meterTrack.height + 6
                                color: Theme.text
                            }
                        }
                    }
                }
                Label {
                    Layout.fillWidth: true
                    visible: !!panel.consensus.dissent
                    text: qsTr("Strongest dissent: %1").arg(String(panel.consensus.dissent || "").toUpperCase())
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                }

                // A card per persona; on a what-if, the vote it had on the original.
                Flow {
                    Layout.fillWidth: true
                    spacing: Theme.gap
                    Repeater {
                        model: session.votes
                        Rectangle {
                            required property string persona
                            required property string vote
                            required property double confidence
                            required property double score
                            required property double weight
                            required property string beforeVote
                            required property double beforeScore
                            required property bool changed
                            objectName: "boardCard_" + persona
                            width: 148
                            height: 78
                            radius: Theme.radius
                            color: Theme.surfaceAlt
                            border.color: changed ? Theme.accent : Theme.border
                            border.width: changed ? 2 : 1
                            ColumnLayout {
                                anchors.fill: parent
                                anchors.margins: 6
                                spacing: 0
                                RowLayout {
                                    Label {
                                        text: persona.toUpperCase()
                                        color: Theme.text
                                        font.weight: Font.DemiBold
                                    }
                                    Label {
                                        text: qsTr("× %1").arg(weight)
                                        color: Theme.textMuted
                                        font.pixelSize: Theme.smallFontSize
                                    }
                                }
                                Label {
                                    text: panel.verdictText(vote) + " · " + panel.percent(confidence)
                                    color: panel.voteColor(vote)
                                    font.weight: Font.DemiBold
                                }
                                Label {
                                    text: qsTr("score %1").arg(panel.signed(score))
                                    color: Theme.textMuted
                                    font.pixelSize: Theme.smallFontSize
                                    font.family: Theme.monoFamily
                                }
                                Label {
                                    visible: changed
                                    text: qsTr("was %1 (%2)").arg(panel.verdictText(beforeVote)).arg(panel.signed(beforeScore))
                                    color: Theme.accent
                                    font.pixelSize: Theme.smallFontSize
                                }
                            }
                        }
                    }
                }

                // The outcome, or the what-if beside its original.
                RowLayout {
                    objectName: "boardOutcomes"
                    Layout.fillWidth: true
                    spacing: 2 * Theme.spacing
                    BoardOutcome {
                        objectName: "boardOriginal"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        side: session.hasWhatIf ? session.comparison.original : panel.current
                        title: session.hasWhatIf ? qsTr("Original #%1").arg(session.comparison.original.id) : qsTr("Outcome")
                        detail: session.hasWhatIf ? panel.verdictText(session.comparison.original.consensus.verdict) : ""
                    }
                    BoardOutcome {
                        objectName: "boardWhatIf"
                        visible: session.hasWhatIf
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        side: session.hasWhatIf ? session.comparison.whatif : ({})
                        title: qsTr("What-if #%1").arg(session.deliberationId)
                        detail: session.hasWhatIf ? panel.verdictText(session.comparison.whatif.consensus.verdict) : ""
                    }
                }

                // The votes that changed, and why: the scores behind them.
                ColumnLayout {
                    visible: session.hasWhatIf
                    Layout.fillWidth: true
                    spacing: 2
                    SectionHeader {
                        Layout.fillWidth: true
                        title: qsTr("Votes that changed")
                        detail: session.votes.changedCount
                    }
                    Label {
                        visible: session.hasWhatIf && session.comparison.history_changed
                        Layout.fillWidth: true
                        text: qsTr("Tasks finished or spend was posted since the original: part of the difference is that.")
                        color: Theme.warning
                        wrapMode: Text.Wrap
                    }
                    Label {
                        visible: session.votes.changedCount === 0
                        text: qsTr("No vote changed.")
                        color: Theme.textMuted
                    }
                    Repeater {
                        model: session.votes
                        Label {
                            required property string persona
                            required property string vote
                            required property double score
                            required property double utility
                            required property string beforeVote
                            required property double beforeScore
                            required property bool changed
                            objectName: changed ? "boardChangedVote_" + persona : ""
                            visible: changed
                            Layout.fillWidth: true
                            text: qsTr("%1: %2 → %3; score %4 → %5 (utility now %6)").arg(persona.toUpperCase()).arg(panel.verdictText(beforeVote))
                                  .arg(panel.verdictText(vote)).arg(panel.signed(beforeScore)).arg(panel.signed(score)).arg(panel.signed(utility))
                            color: Theme.text
                            font.family: Theme.monoFamily
                            font.pixelSize: Theme.smallFontSize + 1
                        }
                    }
                }

                // The what-if form: empty fields keep the value shown.
                SectionHeader {
                    Layout.fillWidth: true
                    title: qsTr("What-if")
                    detail: qsTr("re-run #%1 on its seed with changed assumptions").arg(session.deliberationId)
                }
                GridLayout {
                    id: form
                    Layout.fillWidth: true
                    columns: 3
                    columnSpacing: Theme.spacing
                    rowSpacing: 4
                    // key: board.whatif's; scale: what the field's number is multiplied by.
                    readonly property var fields: [
                        { key: "cost_estimate_micros", label: qsTr("Cost estimate (USD)"), scale: 1e6,
                          shown: ((panel.current.proposal || {}).cost_estimate_micros || 0) / 1e6 },
                        { key: "expected_value_micros", label: qsTr("Value on success (USD)"), scale: 1e6,
                          shown: panel.assumptions.expected_value_micros !== undefined ? panel.assumptions.expected_value_micros / 1e6 : "" },
                        { key: "success_rate", label: qsTr("Success rate (0–1)"), scale: 1,
                          shown: panel.assumptions.success_rate !== undefined ? panel.assumptions.success_rate : "" },
                        { key: "horizon_days", label: qsTr("Horizon (days)"), scale: 1, shown: panel.assumptions.horizon_days || "" },
                        { key: "budget_micros", label: qsTr("Budget (USD)"), scale: 1e6,
                          shown: panel.assumptions.budget_micros !== undefined ? panel.assumptions.budget_micros / 1e6 : "" },
                        { key: "tasks_per_day", label: qsTr("Tasks a day"), scale: 1, shown: panel.assumptions.tasks_per_day || "" }
                    ]
                    Repeater {
                        id: inputs
                        model: form.fields
                        ColumnLayout {
                            required property var modelData
                            property alias value: input.text
                            spacing: 1
                            Layout.fillWidth: true
                            Label {
                                text: modelData.label
                                color: Theme.textMuted
                                font.pixelSize: Theme.smallFontSize
                            }
                            TextField {
                                id: input
                                objectName: "whatIf_" + modelData.key
                                Layout.fillWidth: true
                                placeholderText: String(modelData.shown)
                                inputMethodHints: Qt.ImhFormattedNumbersOnly
                                background: Rectangle {
                                    color: Theme.control
                                    radius: Theme.radius
                                    border.color: session.whatIfErrorField === "set." + modelData.key ? Theme.danger : Theme.border
                                }
                            }
                        }
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    Button {
                        objectName: "whatIfRun"
                        text: session.whatIfRunning ? qsTr("Running…") : qsTr("Run what-if")
                        enabled: !session.whatIfRunning && session.deliberationId > 0
                        onClicked: {
                            const set = {}
                            for (let i = 0; i < inputs.count; ++i) {
                                const item = inputs.itemAt(i)
                                if (item.value.trim() === "")
                                    continue
                                const field = form.fields[i]
                                const n = Number(item.value)
                                set[field.key] = field.scale === 1 ? n : Math.round(n * field.scale)
                            }
                            session.runWhatIf(set)
                        }
                    }
                    Label {
                        objectName: "whatIfError"
                        Layout.fillWidth: true
                        text: session.whatIfError
                        color: Theme.danger
                        wrapMode: Text.Wrap
                    }
                }

                // The transcript by round.
                SectionHeader {
                    Layout.fillWidth: true
                    title: qsTr("Transcript")
                    detail: qsTr("%1 statements, composed from the numbers (not a model's words)").arg(session.statements.count)
                }
                Repeater {
                    model: [
                        { round: 1, title: qsTr("Round 1: positions") },
                        { round: 2, title: qsTr("Round 2: answers to the strongest dissent") },
                        { round: 3, title: qsTr("Round 3: votes") }
                    ]
                    ColumnLayout {
                        id: roundBlock
                        required property var modelData
                        Layout.fillWidth: true
                        spacing: 2
                        Label {
                            text: modelData.title
                            color: Theme.text
                            font.weight: Font.DemiBold
                        }
                        Repeater {
                            model: session.statements
                            Label {
                                required property int round
                                required property var model
                                visible: round === roundBlock.modelData.round
                                Layout.fillWidth: true
                                text: model.text
                                color: Theme.text
                                wrapMode: Text.Wrap
                                font.pixelSize: Theme.smallFontSize + 1
                            }
                        }
                    }
                }
                Label {
                    Layout.fillWidth: true
                    text: panel.current.recommendation || ""
                    color: Theme.text
                    wrapMode: Text.Wrap
                }
            }
            Label {
                anchors.centerIn: parent
                visible: !session.loaded && session.errorMessage !== ""
                text: session.errorMessage
                color: Theme.danger
            }
        }
    }
}
