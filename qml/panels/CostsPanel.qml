import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The Cost meters: what the agents spend, live. Spend today and this week,
// the burn rate, a chart of spend per minute over the last hour, one gauge
// per budget envelope (spent today and reserved against the daily cap),
// spend per agent, per model and the costliest tasks, the alerts and the
// pricing gaps. Every number is CostMetersModel's view of budget.show,
// costs.report and costs.alerts (docs/console.md); nothing is counted here.
Item {
    id: panel

    property CoreConnection connection
    readonly property bool ready: meters.loaded
    // Two columns of lists when there is room (the center, a popped-out window).
    readonly property bool wide: width >= 720

    CostMetersModel {
        id: meters
        connection: panel.connection
    }

    BusyIndicator {
        anchors.centerIn: parent
        running: !meters.loaded && panel.connection && panel.connection.state === CoreConnection.Ready
        visible: running
    }

    // The totals and the chart stay in view; the lists below them scroll.
    ColumnLayout {
        anchors.fill: parent
        // Hidden by opacity, not visible: shown late, the chart was drawn
        // once before its layout placed it, and the software renderer
        // (offscreen screenshots) kept that copy at the window's corner.
        opacity: meters.loaded ? 1 : 0
        spacing: 0

        // The totals in one strip.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: totals.implicitHeight + 2 * Theme.padding
            color: Theme.surface
            Flow {
                id: totals
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.padding }
                spacing: 2 * Theme.spacing
                Figure { objectName: "costsToday"; label: qsTr("Today"); value: meters.todayText }
                Figure { label: qsTr("This week"); value: meters.weekText }
                Figure { objectName: "costsBurnRate"; label: qsTr("Burn rate (last hour)"); value: meters.burnRateText }
                Figure { label: qsTr("Treasury"); value: meters.treasuryText }
                Figure { label: qsTr("Reservations open"); value: Number(meters.openReservations).toLocaleString(Qt.locale(), "f", 0) }
            }
        }

        // Spend per minute, the last hour.
        SectionHeader {
            Layout.fillWidth: true
            title: qsTr("Last hour")
            detail: qsTr("spend per minute, peak %1").arg(meters.chartPeakText)
        }
        Item {
            Layout.fillWidth: true
            Layout.preferredHeight: 120
            // Drawn into a layer of its own: as a tab of the center area, the
            // software renderer (offscreen screenshots) also drew the chart's
            // nodes at the window's corner.
            layer.enabled: true
            Rectangle { anchors.fill: parent; color: Theme.surface }
            HistogramItem {
                id: chart
                objectName: "costsChart"
                anchors { fill: parent; leftMargin: Theme.padding; rightMargin: Theme.padding; topMargin: Theme.padding; bottomMargin: 18 }
                counts: meters.chartCounts
                minimum: 0
                maximum: meters.chartMinutes
                barColor: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, Theme.dark ? 0.8 : 0.65)
                baselineColor: Theme.textMuted
            }
            Label {
                anchors { left: chart.left; top: chart.bottom; topMargin: 2 }
                text: qsTr("%1 min ago").arg(meters.chartMinutes)
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
            }
            Label {
                anchors { right: chart.right; top: chart.bottom; topMargin: 2 }
                text: qsTr("now")
                color: Theme.textMuted
                font.pixelSize: Theme.smallFontSize
            }
            Label {
                anchors.centerIn: chart
                visible: chart.peak <= 0
                text: qsTr("No spend in the last hour")
                color: Theme.textMuted
            }
        }

        ScrollView {
            id: scroll
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            clip: true

            ColumnLayout {
                width: scroll.availableWidth
                spacing: 0

                // One gauge per envelope.
                SectionHeader {
                    Layout.fillWidth: true
                    title: qsTr("Budget envelopes")
                    detail: meters.period
                }
                Repeater {
                    model: meters
                    delegate: Rectangle {
                        id: envelope
                        required property int index
                        required property string agent
                        required property string dailyCapText
                        required property string perCallCapText
                        required property string spentTodayText
                        required property string pendingText
                        required property string availableText
                        required property double spentFraction
                        required property double pendingFraction
                        required property var alertsFired
                        required property bool paused

                        Layout.fillWidth: true
                        implicitHeight: Math.max(44, gauge.implicitHeight + Theme.padding)
                        color: index % 2 ? Theme.surfaceAlt : Theme.surface

                        RowLayout {
                            anchors { fill: parent; leftMargin: Theme.padding; rightMargin: Theme.padding }
                            spacing: Theme.spacing
                            Label {
                                text: envelope.agent
                                color: Theme.text
                                font.weight: Font.DemiBold
                                elide: Text.ElideRight
                                Layout.preferredWidth: 72
                            }
                            ColumnLayout {
                                id: gauge
                                Layout.fillWidth: true
                                spacing: 3
                                // spent | reserved | left, over the daily cap
                                Rectangle {
                                    Layout.fillWidth: true
                                    implicitHeight: 8
                                    radius: 2
                                    color: Theme.neutralSoft
                                    Rectangle {
                                        id: spentBar
                                        width: parent.width * envelope.spentFraction
                                        height: parent.height
                                        radius: 2
                                        color: envelope.spentFraction >= 0.95 ? Theme.danger : envelope.spentFraction >= 0.8 ? Theme.warning : Theme.accent
                                    }
                                    Rectangle {
                                        x: spentBar.width
                                        width: parent.width * envelope.pendingFraction
                                        height: parent.height
                                        color: Qt.rgba(Theme.warning.r, Theme.warning.g, Theme.warning.b, 0.55)
                                    }
                                }
                                Label {
                                    Layout.fillWidth: true
                                    text: qsTr("spent %1 of %2 · reserved %3 · left %4").arg(envelope.spentTodayText).arg(envelope.dailyCapText)
                                          .arg(envelope.pendingText).arg(envelope.availableText)
                                          + (envelope.perCallCapText !== "" ? qsTr(" · per call %1").arg(envelope.perCallCapText) : "")
                                    color: Theme.textMuted
                                    font.family: Theme.monoFamily
                                    font.pixelSize: Theme.smallFontSize
                                    wrapMode: Text.Wrap
                                }
                            }
                            Label {
                                visible: envelope.alertsFired.length > 0 || envelope.paused
                                text: envelope.paused ? qsTr("PAUSED") : envelope.alertsFired[envelope.alertsFired.length - 1] + "%"
                                color: envelope.paused || envelope.alertsFired[envelope.alertsFired.length - 1] >= 95 ? Theme.danger : Theme.warning
                                font.pixelSize: Theme.smallFontSize
                                font.weight: Font.DemiBold
                            }
                        }
                    }
                }

                // Spend per agent and per model, side by side when there is room.
                GridLayout {
                    Layout.fillWidth: true
                    columns: panel.wide ? 2 : 1
                    columnSpacing: 0
                    rowSpacing: 0
                    SpendList { title: qsTr("By agent"); spend: meters.agents; Layout.alignment: Qt.AlignTop }
                    SpendList { title: qsTr("By model"); spend: meters.models; showGaps: true; Layout.alignment: Qt.AlignTop }
                    SpendList { title: qsTr("Costliest tasks"); detail: qsTr("this week"); spend: meters.tasks; Layout.alignment: Qt.AlignTop }

                    // The alerts fired, newest first.
                    ColumnLayout {
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignTop
                        spacing: 0
                        SectionHeader {
                            Layout.fillWidth: true
                            title: qsTr("Alerts")
                            detail: meters.alerts.count > 0 ? Number(meters.alerts.count).toLocaleString(Qt.locale(), "f", 0) : ""
                        }
                        Label {
                            visible: meters.alerts.count === 0
                            text: qsTr("None fired: they come at 50, 80, 95 and 100 % of an envelope's daily cap.")
                            color: Theme.textMuted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Layout.margins: Theme.padding
                        }
                        Repeater {
                            model: meters.alerts
                            delegate: Label {
                                required property string agent
                                required property string period
                                required property int percent
                                required property var at
                                Layout.fillWidth: true
                                Layout.leftMargin: Theme.padding
                                Layout.rightMargin: Theme.padding
                                topPadding: 3
                                bottomPadding: 3
                                text: qsTr("%1 reached %2 % of its daily cap (%3), %4").arg(agent).arg(percent).arg(period)
                                      .arg(Qt.formatDateTime(at, "hh:mm"))
                                color: percent >= 95 ? Theme.danger : Theme.text
                                elide: Text.ElideRight
                            }
                        }
                    }
                }

                // What cannot be counted: calls with tokens and no price, a price table that did not read.
                Rectangle {
                    Layout.fillWidth: true
                    implicitHeight: gaps.implicitHeight + 2 * Theme.padding
                    color: meters.pricingGaps > 0 || meters.pricesError !== "" ? Theme.dangerSoft : Theme.surface
                    Label {
                        id: gaps
                        objectName: "costsPricingGaps"
                        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.padding }
                        wrapMode: Text.Wrap
                        color: meters.pricingGaps > 0 || meters.pricesError !== "" ? Theme.danger : Theme.textMuted
                        text: (meters.pricingGaps > 0
                               ? qsTr("Pricing gaps this week: %n call(s) with no price (%1 tokens), not counted as free: add the models to prices.yaml.", "", meters.pricingGaps)
                                 .arg(Number(meters.pricingGapTokens).toLocaleString(Qt.locale(), "f", 0))
                               : qsTr("No pricing gaps this week."))
                              + qsTr(" Prices %1.").arg(meters.pricesVersion)
                              + (meters.pricesError !== "" ? qsTr(" prices.yaml was not taken (%1); the table in force stays.").arg(meters.pricesError) : "")
                    }
                }
            }
        }
    }

    component Figure: Column {
        property string label
        property string value
        spacing: 1
        Label { text: parent.label; color: Theme.textMuted; font.pixelSize: Theme.smallFontSize }
        Label { text: parent.value; color: Theme.text; font.family: Theme.monoFamily; font.pixelSize: Theme.titleFontSize; font.weight: Font.DemiBold }
    }

    // A spend list: the key, a bar of its share of the week, today and this week.
    component SpendList: ColumnLayout {
        id: list
        property string title
        property string detail: qsTr("today · this week")
        property CostSpendModel spend
        property bool showGaps: false
        Layout.fillWidth: true
        spacing: 0
        SectionHeader { Layout.fillWidth: true; title: list.title; detail: list.detail }
        Label {
            visible: list.spend && list.spend.count === 0
            text: qsTr("No calls yet")
            color: Theme.textMuted
            Layout.margins: Theme.padding
        }
        Repeater {
            model: list.spend
            delegate: Item {
                id: spendRow
                required property string key
                required property string todayText
                required property string weekText
                required property double share
                required property int pricingGaps
                Layout.fillWidth: true
                implicitHeight: Theme.rowHeight
                Rectangle {
                    anchors { left: parent.left; top: parent.top; bottom: parent.bottom; topMargin: 3; bottomMargin: 3 }
                    width: parent.width * spendRow.share
                    color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.14)
                }
                RowLayout {
                    anchors { fill: parent; leftMargin: Theme.padding; rightMargin: Theme.padding }
                    spacing: Theme.spacing
                    Label {
                        Layout.fillWidth: true
                        text: (spendRow.key !== "" ? spendRow.key : qsTr("(no task)"))
                              + (list.showGaps && spendRow.pricingGaps > 0 ? qsTr("  · %n unpriced", "", spendRow.pricingGaps) : "")
                        color: list.showGaps && spendRow.pricingGaps > 0 ? Theme.danger : Theme.text
                        elide: Text.ElideMiddle
                    }
                    Label { text: spendRow.todayText; color: Theme.textMuted; font.family: Theme.monoFamily }
                    Label { text: spendRow.weekText; color: Theme.text; font.family: Theme.monoFamily; Layout.preferredWidth: 96; horizontalAlignment: Text.AlignRight }
                }
            }
        }
    }
}
