import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// One deliberation's outcome distribution, as board::deliberationSide()
// gives it (core/board/WhatIf.h): the net outcome's histogram with P5 / P50
// / P95 marked and the part below the capital put in (a loss) in red, total
// cost P5 – P95 against the budget line (the budget is on total cost, so it
// is drawn there, as in the Scenarios panel), and the gains the personas
// scored. The Shadow Board panel shows one, or two side by side for a what-if.
ColumnLayout {
    id: outcome

    property var side: ({})
    property string title
    property string detail

    readonly property var histogram: side.histogram || ({ counts: [], min: 0, max: 0 })
    readonly property var net: side.net || ({ p5: 0, p50: 0, p95: 0 })
    readonly property var cost: side.cost || ({ p5: 0, p50: 0, p95: 0 })
    readonly property var summary: side.summary || ({})
    readonly property bool hasBudget: side.budget !== undefined && side.budget !== null

    function money(value) {
        return qsTr("%1 USD").arg(Number(value).toLocaleString(Qt.locale(), "f", 2))
    }
    function percent(fraction) {
        return qsTr("%1 %").arg(Number(100 * fraction).toLocaleString(Qt.locale(), "f", 1))
    }

    spacing: 4

    RowLayout {
        Layout.fillWidth: true
        Label {
            text: outcome.title
            color: Theme.text
            font.pixelSize: Theme.fontSize
            font.weight: Font.DemiBold
        }
        Label {
            text: outcome.detail
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }

    Label {
        Layout.fillWidth: true
        text: qsTr("Net outcome (final value − total cost); red: below the capital put in, a loss")
        color: Theme.textMuted
        font.pixelSize: Theme.smallFontSize
        elide: Text.ElideRight
    }
    Item {
        id: chart
        Layout.fillWidth: true
        Layout.preferredHeight: 150
        // Drawn into a layer of its own: without it the software renderer
        // (offscreen screenshots) drew the bars at the window's corner, as
        // for the Costs panel's chart (docs/console.md).
        layer.enabled: true
        Rectangle { anchors.fill: parent; color: Theme.surface }

        HistogramItem {
            id: bars
            objectName: "boardHistogram"
            anchors { left: parent.left; right: parent.right; top: parent.top; bottom: axis.top }
            anchors.topMargin: 16
            counts: outcome.histogram.counts
            minimum: outcome.histogram.min
            maximum: outcome.histogram.max
            markers: [outcome.net.p5, outcome.net.p50, outcome.net.p95]
            threshold: outcome.side.initial_capital !== undefined ? outcome.side.initial_capital : NaN
            barColor: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, Theme.dark ? 0.75 : 0.6)
            thresholdColor: Qt.rgba(Theme.danger.r, Theme.danger.g, Theme.danger.b, Theme.dark ? 0.75 : 0.6)
            markerColor: Theme.text
            baselineColor: Theme.border
        }
        Repeater {
            model: [
                { name: qsTr("P5"), value: outcome.net.p5 },
                { name: qsTr("P50"), value: outcome.net.p50 },
                { name: qsTr("P95"), value: outcome.net.p95 }
            ]
            Label {
                required property var modelData
                x: Math.max(0, Math.min(chart.width - width, bars.x + bars.xOf(modelData.value) - width / 2))
                y: bars.y - height - 1
                text: modelData.name
                color: Theme.text
                font.pixelSize: Theme.smallFontSize
                font.weight: Font.DemiBold
            }
        }
        Item {
            id: axis
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
            height: 16
            Label {
                anchors.left: parent.left
                text: outcome.money(outcome.histogram.min)
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
            }
            Label {
                anchors.right: parent.right
                text: outcome.money(outcome.histogram.max)
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
            }
        }
    }

    // Total cost P5 – P95 on one axis with the budget line.
    Item {
        id: strip
        Layout.fillWidth: true
        Layout.preferredHeight: 34
        readonly property double low: Math.min(outcome.cost.p5, outcome.hasBudget ? outcome.side.budget : Infinity)
        readonly property double high: Math.max(outcome.cost.p95, outcome.hasBudget ? outcome.side.budget : -Infinity)
        readonly property double span: Math.max(high - low, 1e-9) * 1.1
        function xOf(value) { return track.width * (value - low + span * 0.05) / span }

        Label {
            objectName: "boardBudgetText"
            width: parent.width
            elide: Text.ElideRight
            text: outcome.hasBudget
                  ? qsTr("Total cost P5–P95 %1 – %2 · budget %3").arg(outcome.money(outcome.cost.p5)).arg(outcome.money(outcome.cost.p95))
                        .arg(outcome.money(outcome.side.budget))
                  : qsTr("Total cost P5–P95 %1 – %2 · no budget set").arg(outcome.money(outcome.cost.p5)).arg(outcome.money(outcome.cost.p95))
            color: outcome.hasBudget && outcome.summary.probability_of_budget_breach > 0.05 ? Theme.danger : Theme.textMuted
            font.pixelSize: Theme.smallFontSize
        }
        Rectangle {
            id: track
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom; bottomMargin: 4 }
            height: 8
            radius: 2
            color: Theme.neutralSoft
            Rectangle {
                x: strip.xOf(outcome.cost.p5)
                width: Math.max(2, strip.xOf(outcome.cost.p95) - x)
                height: parent.height
                radius: 2
                color: Theme.accent
            }
            Rectangle {
                objectName: "boardBudgetLine"
                visible: outcome.hasBudget
                x: strip.xOf(outcome.hasBudget ? outcome.side.budget : 0) - 1
                y: -4
                width: 2
                height: parent.height + 8
                color: Theme.danger
            }
        }
    }

    GridLayout {
        Layout.fillWidth: true
        columns: 3
        columnSpacing: Theme.spacing
        rowSpacing: 2
        Repeater {
            model: [
                { name: qsTr("Gain P5"), value: outcome.money(outcome.summary.p5_gain || 0) },
                { name: qsTr("Gain P50"), value: outcome.money(outcome.summary.p50_gain || 0) },
                { name: qsTr("Gain P95"), value: outcome.money(outcome.summary.p95_gain || 0) },
                { name: qsTr("CVaR 95 %"), value: outcome.money(outcome.summary.cvar95_gain || 0) },
                { name: qsTr("P(loss)"), value: outcome.percent(outcome.summary.probability_of_loss || 0) },
                { name: qsTr("P(budget breach)"), value: outcome.hasBudget ? outcome.percent(outcome.summary.probability_of_budget_breach || 0) : "—" }
            ]
            ColumnLayout {
                required property var modelData
                spacing: 0
                Layout.fillWidth: true
                Label {
                    text: modelData.name
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                }
                Label {
                    text: modelData.value
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.family: Theme.monoFamily
                }
            }
        }
    }
}
