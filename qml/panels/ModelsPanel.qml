import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The model router (docs/models.md): its providers with their state (key
// configured or why not, circuit breaker, rate-limit headroom, calls in
// flight), the aliases with the task types routed to them and their
// fallback chains, the recent calls with their fallback trails, and a test
// call whose tokens appear as they stream. Everything the offline `sim`
// provider produces is marked simulated. Updates come by events
// (llm.provider_state, llm.call, costs.spent); the GUI thread never waits.
Item {
    id: panel

    property CoreConnection connection
    readonly property bool ready: providers.loaded && aliases.loaded && calls.loaded
    // Wide (the center area, a window of its own): the calls beside the rest.
    readonly property bool wide: width >= 900
    // Now, on the GUI thread's clock: an open breaker's countdown ticks
    // against it, with no call to the core.
    property double now: Date.now()

    function breakerColor(state) {
        switch (state) {
        case "open": return Theme.danger
        case "half_open": return Theme.warning
        }
        return Theme.ok
    }
    function breakerText(state) {
        switch (state) {
        case "open": return qsTr("breaker open")
        case "half_open": return qsTr("breaker half-open")
        }
        return qsTr("breaker closed")
    }
    function ms(value) {
        return value < 0 ? "—" : value < 1000 ? qsTr("%1 ms").arg(Math.round(value)) : qsTr("%1 s").arg((value / 1000).toFixed(2))
    }
    function tokens(n) {
        return n < 0 ? "—" : Number(n).toLocaleString(Qt.locale(), "f", 0)
    }
    function outcomeColor(outcome) {
        switch (outcome) {
        case "served": return Theme.ok
        case "failed": return Theme.danger
        }
        return Theme.warning // skipped
    }

    ModelProvidersModel {
        id: providers
        connection: panel.connection
    }
    ModelAliasesModel {
        id: aliases
        connection: panel.connection
    }
    ModelCallsModel {
        id: calls
        connection: panel.connection
    }
    ModelTestCall {
        id: testCall
        objectName: "modelTestCall"
        connection: panel.connection
    }
    Timer {
        interval: 1000
        repeat: true
        running: panel.visible
        triggeredOnStart: true
        onTriggered: panel.now = Date.now()
    }

    Flickable {
        id: scroller
        anchors.fill: parent
        clip: true
        contentWidth: width
        contentHeight: grid.implicitHeight + 2 * Theme.padding
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar { }

        GridLayout {
            id: grid
            x: Theme.padding
            y: Theme.padding
            width: scroller.width - 2 * Theme.padding
            columns: panel.wide ? 2 : 1
            columnSpacing: Theme.padding
            rowSpacing: Theme.padding

            ColumnLayout {
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                Layout.alignment: Qt.AlignTop
                spacing: Theme.padding

                // Offline: say so before anything else.
                Rectangle {
                    objectName: "simulatedBanner"
                    visible: {
                        for (let i = 0; i < aliases.count; ++i) {
                            if (aliases.data(aliases.index(i, 0), ModelAliasesModel.SimulatedRole))
                                return true
                        }
                        return false
                    }
                    Layout.fillWidth: true
                    implicitHeight: bannerText.implicitHeight + 2 * Theme.gap
                    radius: Theme.radius
                    color: Theme.neutralSoft
                    border.color: Theme.warning
                    Label {
                        id: bannerText
                        anchors.fill: parent
                        anchors.margins: Theme.gap
                        wrapMode: Text.Wrap
                        color: Theme.text
                        text: qsTr("Aliases marked SIMULATED are served by the offline sim provider: no model is called, and its replies, failures and latencies are simulated.")
                    }
                }

                Label {
                    visible: providers.configError !== ""
                    text: qsTr("The model settings do not load (the previous ones stay): %1").arg(providers.configError)
                    color: Theme.danger
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }

                // Providers.
                Rectangle {
                    Layout.fillWidth: true
                    implicitHeight: providersColumn.implicitHeight + 2
                    color: Theme.surface
                    border.color: Theme.border
                    radius: Theme.radius
                    ColumnLayout {
                        id: providersColumn
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 1 }
                        spacing: 0
                        SectionHeader {
                            Layout.fillWidth: true
                            title: qsTr("Providers")
                            detail: qsTr("%n provider(s)", "", providers.count)
                        }
                        Repeater {
                            objectName: "modelProviders"
                            model: providers
                            delegate: Rectangle {
                                id: providerRow
                                required property int index
                                required property string name
                                required property string kind
                                required property bool simulated
                                required property bool configured
                                required property string why
                                required property string breaker
                                required property int failures
                                required property int failuresToOpen
                                required property double halfOpensAt
                                required property string headroom
                                required property int concurrency
                                required property int inFlight
                                required property int waiting
                                required property string baseUrl
                                objectName: "providerRow_" + name
                                Layout.fillWidth: true
                                implicitHeight: providerColumn.implicitHeight + 2 * Theme.gap
                                color: index % 2 ? Theme.surfaceAlt : Theme.surface

                                ColumnLayout {
                                    id: providerColumn
                                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.gap }
                                    anchors.leftMargin: Theme.padding
                                    spacing: 2
                                    RowLayout {
                                        spacing: Theme.spacing
                                        Label {
                                            text: providerRow.name
                                            color: Theme.text
                                            font.weight: Font.DemiBold
                                        }
                                        Badge {
                                            visible: providerRow.simulated
                                            text: qsTr("SIMULATED")
                                            tint: Theme.warning
                                        }
                                        Badge {
                                            objectName: "configured"
                                            text: providerRow.configured ? qsTr("configured") : qsTr("UNCONFIGURED")
                                            tint: providerRow.configured ? Theme.ok : Theme.danger
                                        }
                                        Badge {
                                            objectName: "breaker"
                                            text: panel.breakerText(providerRow.breaker)
                                            tint: panel.breakerColor(providerRow.breaker)
                                        }
                                        Item { Layout.fillWidth: true }
                                    }
                                    Label {
                                        visible: !providerRow.configured
                                        text: providerRow.why
                                        color: Theme.danger
                                        wrapMode: Text.Wrap
                                        Layout.fillWidth: true
                                    }
                                    Label {
                                        objectName: "halfOpens"
                                        visible: providerRow.breaker === "open" && providerRow.halfOpensAt > 0
                                        color: Theme.danger
                                        text: qsTr("half-opens at %1 (in %2 s)")
                                            .arg(new Date(providerRow.halfOpensAt).toLocaleTimeString(Qt.locale(), "HH:mm:ss"))
                                            .arg(Math.max(0, Math.round((providerRow.halfOpensAt - panel.now) / 1000)))
                                    }
                                    Label {
                                        Layout.fillWidth: true
                                        wrapMode: Text.Wrap
                                        color: Theme.textMuted
                                        font.pixelSize: Theme.smallFontSize + 1
                                        text: qsTr("%1 of %2 failures in a row · rate limit: %3 · in use %4 of %5, %6 waiting")
                                            .arg(providerRow.failures).arg(providerRow.failuresToOpen).arg(providerRow.headroom)
                                            .arg(providerRow.inFlight).arg(providerRow.concurrency).arg(providerRow.waiting)
                                            + (providerRow.baseUrl !== "" ? " · " + providerRow.baseUrl : "")
                                    }
                                }
                            }
                        }
                    }
                }

                // Aliases, the task types routed to each, and their fallbacks.
                Rectangle {
                    Layout.fillWidth: true
                    implicitHeight: aliasesColumn.implicitHeight + 2
                    color: Theme.surface
                    border.color: Theme.border
                    radius: Theme.radius
                    ColumnLayout {
                        id: aliasesColumn
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 1 }
                        spacing: 0
                        SectionHeader {
                            Layout.fillWidth: true
                            title: qsTr("Aliases and routing")
                            detail: qsTr("task type → alias → fallbacks")
                        }
                        Repeater {
                            model: aliases
                            delegate: Rectangle {
                                id: aliasRow
                                required property int index
                                required property string alias
                                required property string provider
                                required property string model
                                required property bool simulated
                                required property var fallbacks
                                required property var taskTypes
                                objectName: "aliasRow_" + alias
                                Layout.fillWidth: true
                                implicitHeight: aliasColumn.implicitHeight + 2 * Theme.gap
                                color: index % 2 ? Theme.surfaceAlt : Theme.surface
                                ColumnLayout {
                                    id: aliasColumn
                                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.gap }
                                    anchors.leftMargin: Theme.padding
                                    spacing: 2
                                    RowLayout {
                                        spacing: Theme.spacing
                                        Layout.fillWidth: true
                                        Label {
                                            text: aliasRow.alias
                                            color: Theme.text
                                            font.family: Theme.monoFamily
                                            font.weight: Font.DemiBold
                                        }
                                        Label {
                                            text: aliasRow.provider !== "" ? "→ " + aliasRow.provider + "/" + aliasRow.model : qsTr("→ (no such alias)")
                                            color: aliasRow.provider !== "" ? Theme.text : Theme.danger
                                            font.family: Theme.monoFamily
                                            elide: Text.ElideRight
                                            Layout.fillWidth: true
                                        }
                                        Badge {
                                            visible: aliasRow.simulated
                                            text: qsTr("SIMULATED")
                                            tint: Theme.warning
                                        }
                                    }
                                    Label {
                                        Layout.fillWidth: true
                                        wrapMode: Text.Wrap
                                        color: Theme.textMuted
                                        font.pixelSize: Theme.smallFontSize + 1
                                        text: (aliasRow.taskTypes.length > 0 ? qsTr("routed from %1").arg(aliasRow.taskTypes.join(", ")) : qsTr("no task type routed here"))
                                              + " · " + (aliasRow.fallbacks.length > 0 ? qsTr("then %1").arg(aliasRow.fallbacks.join(" → ")) : qsTr("no fallback"))
                                    }
                                }
                            }
                        }
                    }
                }

                // A test call, streamed.
                Rectangle {
                    Layout.fillWidth: true
                    implicitHeight: testColumn.implicitHeight + 2
                    color: Theme.surface
                    border.color: Theme.border
                    radius: Theme.radius
                    ColumnLayout {
                        id: testColumn
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 1 }
                        spacing: Theme.gap
                        SectionHeader {
                            Layout.fillWidth: true
                            title: qsTr("Test call")
                            detail: qsTr("one call through the router, audited (it may spend)")
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            Layout.leftMargin: Theme.padding
                            Layout.rightMargin: Theme.padding
                            spacing: Theme.spacing
                            ComboBox {
                                id: testAlias
                                objectName: "testAlias"
                                model: aliases
                                textRole: "alias"
                                Layout.preferredWidth: 150
                                // The list arrives after the box is made: start on its first alias.
                                onCountChanged: if (currentIndex < 0 && count > 0) currentIndex = 0
                            }
                            TextField {
                                id: testPrompt
                                objectName: "testPrompt"
                                placeholderText: qsTr("Prompt (empty: say hello)")
                                Layout.fillWidth: true
                                onAccepted: testButton.clicked()
                            }
                            Button {
                                id: testButton
                                objectName: "testButton"
                                text: testCall.running ? qsTr("Calling…") : qsTr("Call")
                                highlighted: true
                                enabled: !testCall.running && testAlias.currentText !== ""
                                onClicked: testCall.start(testAlias.currentText, testPrompt.text)
                            }
                        }
                        Label {
                            objectName: "testServed"
                            visible: testCall.served !== "" || testCall.running
                            Layout.fillWidth: true
                            Layout.leftMargin: Theme.padding
                            Layout.rightMargin: Theme.padding
                            wrapMode: Text.Wrap
                            color: Theme.textMuted
                            text: testCall.running ? qsTr("streaming…")
                                                   : qsTr("served by %1").arg(testCall.served) + (testCall.simulated ? " · " + qsTr("SIMULATED by the offline provider: no model was called") : "")
                        }
                        Label {
                            objectName: "testError"
                            visible: testCall.error !== ""
                            text: testCall.error
                            color: Theme.danger
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Layout.leftMargin: Theme.padding
                            Layout.rightMargin: Theme.padding
                        }
                        Label {
                            objectName: "testOutput"
                            visible: text !== ""
                            text: testCall.text
                            color: Theme.text
                            font.family: Theme.monoFamily
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Layout.leftMargin: Theme.padding
                            Layout.rightMargin: Theme.padding
                        }
                        Item { implicitHeight: Theme.gap }
                    }
                }
            }

            // Recent calls, newest first, each with its fallback trail.
            Rectangle {
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                Layout.alignment: Qt.AlignTop
                implicitHeight: callsColumn.implicitHeight + 2
                color: Theme.surface
                border.color: Theme.border
                radius: Theme.radius
                ColumnLayout {
                    id: callsColumn
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 1 }
                    spacing: 0
                    SectionHeader {
                        Layout.fillWidth: true
                        title: qsTr("Recent calls")
                        detail: qsTr("%n call(s), newest first", "", calls.count)
                    }
                    Label {
                        visible: calls.count === 0
                        Layout.margins: Theme.padding
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: Theme.textMuted
                        text: qsTr("No calls yet in this session. Make one with the test call, or with 'cabinet models test ALIAS'.")
                    }
                    Repeater {
                        objectName: "modelCalls"
                        model: calls
                        delegate: Rectangle {
                            id: callRow
                            required property int index
                            required property var call
                            required property string alias
                            required property string taskType
                            required property bool stream
                            required property string servedModel
                            required property string error
                            required property double latencyMs
                            required property double firstTokenMs
                            required property var tokensIn
                            required property var tokensOut
                            required property bool simulated
                            required property var attempts
                            required property string cost
                            objectName: "callRow_" + call
                            Layout.fillWidth: true
                            implicitHeight: callColumn.implicitHeight + 2 * Theme.gap
                            color: index % 2 ? Theme.surfaceAlt : Theme.surface
                            ColumnLayout {
                                id: callColumn
                                anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.gap }
                                anchors.leftMargin: Theme.padding
                                spacing: 2
                                RowLayout {
                                    Layout.fillWidth: true
                                    spacing: Theme.spacing
                                    Label {
                                        text: "#" + callRow.call
                                        color: Theme.textMuted
                                        font.family: Theme.monoFamily
                                    }
                                    Label {
                                        text: callRow.alias + (callRow.taskType !== "" ? " (" + callRow.taskType + ")" : "")
                                        color: Theme.text
                                        font.family: Theme.monoFamily
                                        font.weight: Font.DemiBold
                                    }
                                    Label {
                                        text: callRow.error === "" ? "→ " + callRow.servedModel : qsTr("failed")
                                        color: callRow.error === "" ? Theme.ok : Theme.danger
                                        font.family: Theme.monoFamily
                                        elide: Text.ElideRight
                                        Layout.fillWidth: true
                                    }
                                    Badge {
                                        visible: callRow.simulated
                                        text: qsTr("SIMULATED")
                                        tint: Theme.warning
                                    }
                                }
                                Label {
                                    Layout.fillWidth: true
                                    wrapMode: Text.Wrap
                                    color: Theme.textMuted
                                    font.pixelSize: Theme.smallFontSize + 1
                                    text: qsTr("latency %1 · first token %2 · tokens %3 in, %4 out · cost %5")
                                        .arg(panel.ms(callRow.latencyMs)).arg(panel.ms(callRow.firstTokenMs))
                                        .arg(panel.tokens(callRow.tokensIn)).arg(panel.tokens(callRow.tokensOut))
                                        .arg(callRow.cost !== "" ? callRow.cost : "—")
                                        + (callRow.stream ? " · " + qsTr("streamed") : "")
                                }
                                // The trail: each alias tried, in order, and why it was left.
                                Repeater {
                                    model: callRow.attempts
                                    delegate: RowLayout {
                                        required property var modelData
                                        required property int index
                                        Layout.fillWidth: true
                                        spacing: Theme.gap
                                        Label {
                                            text: (index + 1) + "."
                                            color: Theme.textMuted
                                            font.family: Theme.monoFamily
                                        }
                                        Rectangle {
                                            width: 8
                                            height: 8
                                            radius: 4
                                            color: panel.outcomeColor(modelData.outcome)
                                        }
                                        Label {
                                            objectName: "attempt"
                                            Layout.fillWidth: true
                                            elide: Text.ElideRight
                                            color: Theme.text
                                            font.family: Theme.monoFamily
                                            font.pixelSize: Theme.smallFontSize + 1
                                            text: modelData.alias + "  " + modelData.provider + "/" + modelData.model + "  " + modelData.outcome
                                                  + (modelData.reason !== "" ? ": " + modelData.reason : "")
                                                  + (modelData.latencyMs >= 0 ? "  " + panel.ms(modelData.latencyMs) : "")
                                            ToolTip.visible: tipArea.containsMouse && modelData.message !== ""
                                            ToolTip.text: modelData.message
                                            MouseArea {
                                                id: tipArea
                                                anchors.fill: parent
                                                hoverEnabled: true
                                            }
                                        }
                                    }
                                }
                                Label {
                                    visible: callRow.error !== ""
                                    text: callRow.error
                                    color: Theme.danger
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                    font.pixelSize: Theme.smallFontSize + 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // A small coloured tag.
    component Badge: Rectangle {
        property alias text: badgeLabel.text
        property color tint: Theme.textMuted
        implicitWidth: badgeLabel.implicitWidth + 2 * Theme.gap
        implicitHeight: badgeLabel.implicitHeight + 2
        radius: Theme.radius
        color: "transparent"
        border.color: tint
        Label {
            id: badgeLabel
            anchors.centerIn: parent
            color: parent.tint
            font.pixelSize: Theme.smallFontSize
            font.weight: Font.DemiBold
        }
    }
}
