import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// Monte Carlo scenarios: the parameters, Run and Cancel, progress, and the
// result: the histogram of the net outcome with its P5 / P50 / P95, the
// statistics, the budget line, the backend that ran and how long it took.
// The simulation runs in the core's scenario runner, off the GUI thread.
// When the panel is first shown it runs the parameters it opens with once,
// so there is a result to read from the start.
Item {
    id: panel

    property CoreConnection connection
    readonly property bool ready: !firstRunStarted || !session.running
    // Wide (the center area, a popped-out window): the parameters beside
    // the result; narrow (a side area): the result above the parameters.
    readonly property bool wide: width >= 720
    property bool firstRunStarted: false
    readonly property int fieldWidth: 130

    function startFirstRun() {
        if (firstRunStarted || !visible || !connection || connection.state !== CoreConnection.Ready)
            return
        firstRunStarted = true
        session.run()
    }

    function money(value) {
        return Number(value).toLocaleString(Qt.locale(), "f", 0)
    }
    function percent(fraction) {
        return qsTr("%1 %").arg(Number(100 * fraction).toLocaleString(Qt.locale(), "f", 1))
    }

    onVisibleChanged: startFirstRun()
    Component.onCompleted: startFirstRun()
    Connections {
        target: panel.connection
        function onStateChanged() { panel.startFirstRun() }
    }

    ScenarioSession {
        id: session
        objectName: "scenarioSession"
        connection: panel.connection
    }

    ScrollView {
        id: scroller
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        GridLayout {
            width: scroller.availableWidth
            columns: panel.wide ? 2 : 1
            columnSpacing: 0
            rowSpacing: 0

            // Run, Cancel and what came of the last attempt: on top in
            // both layouts.
            ColumnLayout {
                spacing: 0
                Layout.row: 0
                Layout.column: 0
                Layout.preferredWidth: panel.wide ? 340 : -1
                Layout.fillWidth: !panel.wide
                Layout.alignment: Qt.AlignTop

                RowLayout {
                    spacing: Theme.spacing
                    Layout.fillWidth: true
                    Layout.margins: Theme.padding
                    Layout.bottomMargin: session.errorMessage !== "" ? 4 : Theme.padding

                    Button {
                        objectName: "runButton"
                        text: qsTr("Run")
                        highlighted: true
                        enabled: !session.running && panel.connection && panel.connection.state === CoreConnection.Ready
                        onClicked: {
                            // A field being edited commits first.
                            forceActiveFocus()
                            session.run()
                        }
                    }
                    Button {
                        objectName: "cancelButton"
                        text: qsTr("Cancel")
                        enabled: session.running
                        onClicked: session.cancel()
                    }
                    Label {
                        text: session.cancelled ? qsTr("Cancelled.") : ""
                        color: Theme.textMuted
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    ToolButton {
                        text: qsTr("Defaults")
                        enabled: !session.running
                        focusPolicy: Qt.NoFocus
                        ToolTip.visible: hovered
                        ToolTip.delay: 600
                        ToolTip.text: qsTr("The scenario engine's default parameters")
                        onClicked: session.resetParameters()
                    }
                }
                Label {
                    objectName: "scenarioError"
                    visible: session.errorMessage !== ""
                    text: session.errorMessage
                    color: Theme.danger
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.padding
                    Layout.rightMargin: Theme.padding
                    Layout.bottomMargin: Theme.padding
                }
            }

            // Parameters.
            ColumnLayout {
                spacing: 0
                Layout.row: panel.wide ? 1 : 2
                Layout.column: 0
                Layout.preferredWidth: panel.wide ? 340 : -1
                Layout.fillWidth: !panel.wide
                Layout.fillHeight: true
                Layout.alignment: Qt.AlignTop

                SectionHeader {
                    title: qsTr("Parameters")
                    Layout.fillWidth: true
                }

                GridLayout {
                    columns: 2
                    columnSpacing: Theme.spacing
                    rowSpacing: 4
                    enabled: !session.running
                    Layout.fillWidth: true
                    Layout.margins: Theme.padding

                    Group { text: qsTr("Run") }
                    FieldLabel { text: qsTr("Scenarios") }
                    NumberField { field: "scenarios"; value: session.scenarios; onEdited: v => session.scenarios = v }
                    FieldLabel { text: qsTr("Horizon (days)") }
                    NumberField { field: "horizon_days"; value: session.horizonDays; onEdited: v => session.horizonDays = v }
                    FieldLabel { text: qsTr("Seed") }
                    TextField {
                        objectName: "field_seed"
                        text: session.seed
                        selectByMouse: true
                        horizontalAlignment: Text.AlignRight
                        font.family: Theme.monoFamily
                        Layout.preferredWidth: panel.fieldWidth
                        onEditingFinished: session.seed = text
                        background: FieldFrame { field: "seed"; control: parent }
                    }
                    FieldLabel { text: qsTr("Backend") }
                    ComboBox {
                        readonly property var backends: ["auto", "cpu", "cuda"]
                        objectName: "backendChoice"
                        model: [qsTr("Automatic"), qsTr("CPU"), qsTr("CUDA GPU")]
                        currentIndex: backends.indexOf(session.backend)
                        onActivated: index => session.backend = backends[index]
                        Layout.preferredWidth: panel.fieldWidth
                    }

                    Group { text: qsTr("Value") }
                    FieldLabel { text: qsTr("Initial value") }
                    NumberField { field: "initial_value"; value: session.initialValue; decimals: 2; onEdited: v => session.initialValue = v }
                    FieldLabel { text: qsTr("Drift per day") }
                    NumberField {
                        field: "value_drift_daily"; value: session.valueDriftDaily; decimals: 6
                        hint: qsTr("%1 a year").arg(panel.percent(Math.exp(365 * session.valueDriftDaily) - 1))
                        onEdited: v => session.valueDriftDaily = v
                    }
                    FieldLabel { text: qsTr("Volatility per day") }
                    NumberField {
                        field: "value_volatility_daily"; value: session.valueVolatilityDaily; decimals: 6
                        hint: qsTr("%1 a year").arg(panel.percent(session.valueVolatilityDaily * Math.sqrt(365)))
                        onEdited: v => session.valueVolatilityDaily = v
                    }
                    FieldLabel { text: qsTr("Initial capital") }
                    NumberField {
                        field: "initial_capital"; value: session.initialCapital; decimals: 2
                        hint: qsTr("a net outcome below it is a loss")
                        onEdited: v => session.initialCapital = v
                    }

                    Group { text: qsTr("Cost") }
                    FieldLabel { text: qsTr("Median per day") }
                    NumberField { field: "cost_log_mean"; value: session.dailyCostMedian; decimals: 2; onEdited: v => session.dailyCostMedian = v }
                    FieldLabel { text: qsTr("Spread (log sd)") }
                    NumberField { field: "cost_log_sd"; value: session.dailyCostLogSd; decimals: 4; onEdited: v => session.dailyCostLogSd = v }
                    FieldLabel { text: qsTr("Failure chance per day") }
                    NumberField {
                        field: "failure_probability_daily"; value: session.failureProbabilityDaily; decimals: 6
                        onEdited: v => session.failureProbabilityDaily = v
                    }
                    FieldLabel { text: qsTr("Cost of a failure") }
                    NumberField { field: "failure_cost"; value: session.failureCost; decimals: 2; onEdited: v => session.failureCost = v }
                    FieldLabel { text: qsTr("Budget (total cost)") }
                    NumberField {
                        field: "budget"; value: session.budget; decimals: 2
                        placeholderText: qsTr("none")
                        // Empty: no budget line.
                        emptyValue: Infinity
                        onEdited: v => session.budget = v
                    }

                    Group { text: qsTr("Demand shocks") }
                    FieldLabel { text: qsTr("Chance per day") }
                    NumberField {
                        field: "shock_probability_daily"; value: session.shockProbabilityDaily; decimals: 6
                        onEdited: v => session.shockProbabilityDaily = v
                    }
                    FieldLabel { text: qsTr("Drop per shock (%)") }
                    NumberField { field: "shock_log_mean"; value: 100 * session.shockDrop; decimals: 2; onEdited: v => session.shockDrop = v / 100 }
                }

            }

            // The result.
            ColumnLayout {
                spacing: 0
                Layout.row: panel.wide ? 0 : 1
                Layout.column: panel.wide ? 1 : 0
                Layout.rowSpan: panel.wide ? 2 : 1
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.alignment: Qt.AlignTop

                SectionHeader {
                    title: qsTr("Result")
                    detail: session.hasResult
                            ? qsTr("%L1 scenarios × %L2 days").arg(session.resultScenarios).arg(session.resultHorizonDays)
                            : ""
                    Layout.fillWidth: true
                }

                // The run in flight, or the backend and time of the last one.
                RowLayout {
                    spacing: Theme.spacing
                    Layout.fillWidth: true
                    Layout.margins: Theme.padding
                    Layout.preferredHeight: 22

                    ProgressBar {
                        objectName: "scenarioProgress"
                        visible: session.running
                        value: session.progress
                        Layout.fillWidth: true
                    }
                    Label {
                        visible: session.running
                        text: panel.percent(session.progress)
                        color: Theme.textMuted
                        font.family: Theme.monoFamily
                    }
                    Rectangle {
                        visible: !session.running && session.hasResult
                        implicitWidth: backendLabel.implicitWidth + 2 * Theme.padding
                        implicitHeight: 20
                        radius: height / 2
                        color: session.backendUsed === "cuda" ? Theme.okSoft : Theme.neutralSoft
                        Label {
                            id: backendLabel
                            objectName: "scenarioBackend"
                            anchors.centerIn: parent
                            text: session.backendUsed.toUpperCase()
                            color: session.backendUsed === "cuda" ? Theme.ok : Theme.text
                            font.pixelSize: Theme.smallFontSize
                            font.weight: Font.DemiBold
                        }
                    }
                    Label {
                        objectName: "scenarioTiming"
                        visible: !session.running && session.hasResult
                        text: qsTr("%1 ms on %2").arg(Number(session.elapsedMs).toLocaleString(Qt.locale(), "f", 1)).arg(session.device)
                        color: Theme.textMuted
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Label {
                        visible: !session.running && !session.hasResult
                        text: qsTr("No result yet: set the parameters and press Run.")
                        color: Theme.textMuted
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }

                // The histogram of the net outcome, its percentiles marked.
                Item {
                    id: chart
                    visible: session.hasResult
                    Layout.fillWidth: true
                    Layout.preferredHeight: panel.wide ? Math.max(180, panel.height - 330) : 170
                    Layout.leftMargin: Theme.padding
                    Layout.rightMargin: Theme.padding
                    opacity: session.running ? 0.5 : 1

                    Label {
                        id: chartTitle
                        text: qsTr("Net outcome (final value − total cost)")
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallFontSize
                    }
                    Label {
                        anchors.right: parent.right
                        visible: session.resultInitialCapital > session.histogramMin
                        text: qsTr("■ below the initial capital: a loss")
                        color: Theme.danger
                        font.pixelSize: Theme.smallFontSize
                    }

                    HistogramItem {
                        id: histogram
                        objectName: "histogram"
                        anchors { left: parent.left; right: parent.right; top: chartTitle.bottom; bottom: axis.top }
                        anchors.topMargin: 22
                        counts: session.histogramCounts
                        minimum: session.histogramMin
                        maximum: session.histogramMax
                        markers: [session.p5, session.p50, session.p95]
                        threshold: session.resultInitialCapital
                        barColor: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, Theme.dark ? 0.75 : 0.6)
                        thresholdColor: Qt.rgba(Theme.danger.r, Theme.danger.g, Theme.danger.b, Theme.dark ? 0.75 : 0.6)
                        markerColor: Theme.text
                        baselineColor: Theme.border
                    }

                    // Percentile names above their markers.
                    Repeater {
                        model: [
                            { name: qsTr("P5"), value: session.p5 },
                            { name: qsTr("P50"), value: session.p50 },
                            { name: qsTr("P95"), value: session.p95 }
                        ]
                        Label {
                            required property var modelData
                            x: Math.max(0, Math.min(chart.width - width, histogram.x + histogram.xOf(modelData.value) - width / 2))
                            y: histogram.y - height - 2
                            text: modelData.name
                            color: Theme.text
                            font.pixelSize: Theme.smallFontSize
                            font.weight: Font.DemiBold
                        }
                    }

                    Item {
                        id: axis
                        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
                        height: 18
                        Label {
                            anchors.left: parent.left
                            anchors.bottom: parent.bottom
                            text: panel.money(session.histogramMin)
                            color: Theme.textMuted
                            font.pixelSize: Theme.smallFontSize
                        }
                        Label {
                            x: (parent.width - width) / 2
                            anchors.bottom: parent.bottom
                            text: panel.money((session.histogramMin + session.histogramMax) / 2)
                            color: Theme.textMuted
                            font.pixelSize: Theme.smallFontSize
                        }
                        Label {
                            anchors.right: parent.right
                            anchors.bottom: parent.bottom
                            text: panel.money(session.histogramMax)
                            color: Theme.textMuted
                            font.pixelSize: Theme.smallFontSize
                        }
                    }
                }

                // The numbers.
                GridLayout {
                    visible: session.hasResult
                    columns: 3
                    columnSpacing: Theme.spacing - 2
                    rowSpacing: Theme.spacing - 2
                    opacity: session.running ? 0.5 : 1
                    Layout.fillWidth: true
                    Layout.margins: Theme.padding
                    Layout.bottomMargin: 0

                    Stat { objectName: "statP5"; label: qsTr("P5"); value: panel.money(session.p5) }
                    Stat { objectName: "statP50"; label: qsTr("P50 (median)"); value: panel.money(session.p50) }
                    Stat { objectName: "statP95"; label: qsTr("P95"); value: panel.money(session.p95) }
                    Stat { label: qsTr("Mean"); value: panel.money(session.mean) }
                    Stat { label: qsTr("Std dev"); value: panel.money(session.stdDev) }
                    Stat {
                        label: qsTr("CVaR 95 %")
                        value: panel.money(session.expectedShortfall95)
                        tip: qsTr("The mean of the worst 5 % of net outcomes")
                    }
                    Stat {
                        objectName: "statLoss"
                        label: qsTr("P(loss)")
                        value: panel.percent(session.probabilityOfLoss)
                        tone: session.probabilityOfLoss > 0.05 ? Theme.danger : Theme.text
                        tip: qsTr("The share of scenarios whose net outcome is below the initial capital (%1)")
                             .arg(panel.money(session.resultInitialCapital))
                    }
                    Stat {
                        objectName: "statBreach"
                        label: qsTr("P(breach)")
                        value: isFinite(session.resultBudget) ? panel.percent(session.probabilityOfBreach) : "—"
                        tone: isFinite(session.resultBudget) && session.probabilityOfBreach > 0.05 ? Theme.danger : Theme.text
                        tip: isFinite(session.resultBudget)
                             ? qsTr("The share of scenarios whose total cost exceeds the budget (%1)").arg(panel.money(session.resultBudget))
                             : qsTr("No budget was set for this run")
                    }
                    Stat {
                        label: qsTr("Mean cost")
                        value: panel.money(session.costMean)
                        tip: qsTr("The mean total cost over the horizon")
                    }
                }

                // Total cost against the budget: the budget is a line on
                // the cost, not on the net outcome the histogram shows.
                CostStrip {
                    visible: session.hasResult
                    opacity: session.running ? 0.5 : 1
                    Layout.fillWidth: true
                    Layout.margins: Theme.padding
                }
            }
        }
    }

    component Group: Label {
        Layout.columnSpan: 2
        Layout.topMargin: 6
        color: Theme.accent
        font.pixelSize: Theme.smallFontSize
        font.weight: Font.DemiBold
        font.capitalization: Font.AllUppercase
    }

    component FieldLabel: Label {
        color: Theme.textMuted
        elide: Text.ElideRight
        Layout.fillWidth: true
    }

    // The input's frame: red when the core named this field in its error.
    component FieldFrame: Rectangle {
        property string field
        property Item control
        readonly property bool named: session.errorField === field
        implicitHeight: 26
        color: Theme.control
        radius: 2
        border.width: named || control.activeFocus ? 2 : 1
        border.color: named ? Theme.danger : control.activeFocus ? Theme.accent : Theme.border
    }

    // A number in the console's locale. Text that is not one reaches the
    // engine as NaN, whose message then names the field; the text stays as
    // typed so it can be corrected.
    component NumberField: TextField {
        id: numberField
        property string field
        property double value
        property int decimals: 0
        property double emptyValue: NaN
        property string hint
        property string typed
        signal edited(double value)

        function shown(v) {
            if (!isFinite(v))
                return ""
            let text = Number(v).toLocaleString(Qt.locale(), "f", decimals)
            if (decimals > 0) {
                // Trailing zeros say nothing here.
                const point = Qt.locale().decimalPoint
                text = text.replace(new RegExp("\\" + point + "?0+$"), "")
            }
            return text
        }

        objectName: "field_" + field
        text: isNaN(value) ? typed : shown(value)
        selectByMouse: true
        horizontalAlignment: Text.AlignRight
        font.family: Theme.monoFamily
        Layout.preferredWidth: panel.fieldWidth
        background: FieldFrame { field: numberField.field; control: numberField }
        ToolTip.visible: hint !== "" && (hovered || activeFocus)
        ToolTip.text: hint
        ToolTip.delay: 400
        onEditingFinished: {
            const entered = text.trim()
            let parsed = emptyValue
            if (entered !== "") {
                try {
                    parsed = Number.fromLocaleString(Qt.locale(), entered)
                } catch (error) {
                    parsed = NaN
                }
            }
            typed = text
            edited(parsed)
        }
    }

    component Stat: Rectangle {
        id: stat
        property string label
        property string value
        property string tip
        property color tone: Theme.text
        implicitHeight: statColumn.implicitHeight + 10
        implicitWidth: 90
        Layout.fillWidth: true
        Layout.preferredWidth: 90
        color: Theme.surfaceAlt
        border.color: Theme.border
        radius: Theme.radius

        HoverHandler { id: statHover }
        ToolTip.visible: tip !== "" && statHover.hovered
        ToolTip.text: tip
        ToolTip.delay: 400

        ColumnLayout {
            id: statColumn
            anchors.fill: parent
            anchors.margins: 5
            anchors.leftMargin: 8
            spacing: 0
            Label {
                text: stat.label
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                text: stat.value
                color: stat.tone
                font.family: Theme.monoFamily
                font.pixelSize: Theme.fontSize
                font.weight: Font.DemiBold
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
    }

    // Total cost over the horizon: its P5 to P95 band with the median, on
    // one axis with the budget line when there is one.
    component CostStrip: ColumnLayout {
        id: strip
        readonly property bool hasBudget: isFinite(session.resultBudget)
        readonly property double low: Math.min(session.costP5, hasBudget ? session.resultBudget : Infinity)
        readonly property double high: Math.max(session.costP95, hasBudget ? session.resultBudget : -Infinity)
        // A margin on both ends, so neither the band nor the line sits on the edge.
        readonly property double from: low - (high - low) * 0.08
        readonly property double to: high + (high - low) * 0.08
        function xOf(value) {
            return to > from ? (value - from) / (to - from) * track.width : track.width / 2
        }
        spacing: 3

        RowLayout {
            Layout.fillWidth: true
            Label {
                text: qsTr("Total cost P5 – P95")
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
            }
            Item { Layout.fillWidth: true }
            Label {
                objectName: "budgetText"
                text: strip.hasBudget
                      ? qsTr("Budget %1: exceeded in %2 of scenarios").arg(panel.money(session.resultBudget))
                                                                      .arg(panel.percent(session.probabilityOfBreach))
                      : qsTr("No budget set")
                color: strip.hasBudget && session.probabilityOfBreach > 0.05 ? Theme.danger : Theme.textMuted
                font.pixelSize: Theme.smallFontSize
                elide: Text.ElideLeft
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
            }
        }
        Item {
            id: track
            Layout.fillWidth: true
            Layout.preferredHeight: 14
            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: parent.width
                height: 2
                color: Theme.border
            }
            Rectangle {
                x: strip.xOf(session.costP5)
                width: Math.max(2, strip.xOf(session.costP95) - x)
                height: parent.height
                radius: 2
                color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.45)
            }
            Rectangle {
                x: strip.xOf(session.costP50) - 1
                width: 2
                height: parent.height
                color: Theme.text
            }
            Rectangle {
                visible: strip.hasBudget
                x: strip.xOf(session.resultBudget) - 1
                y: -3
                width: 2
                height: parent.height + 6
                color: Theme.danger
            }
        }
        Item {
            Layout.fillWidth: true
            Layout.preferredHeight: costLow.implicitHeight
            Label {
                id: costLow
                x: Math.max(0, Math.min(parent.width - width, strip.xOf(session.costP5) - width / 2))
                text: panel.money(session.costP5)
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
            }
            Label {
                x: Math.max(0, Math.min(parent.width - width, strip.xOf(session.costP50) - width / 2))
                visible: x > costLow.x + costLow.width + 4 && x + width + 4 < costHigh.x
                text: panel.money(session.costP50)
                color: Theme.text
                font.pixelSize: Theme.smallFontSize
            }
            Label {
                id: costHigh
                x: Math.max(0, Math.min(parent.width - width, strip.xOf(session.costP95) - width / 2))
                text: panel.money(session.costP95)
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
            }
        }
    }
}
