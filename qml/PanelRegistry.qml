pragma Singleton
import QtQuick

// Every panel of the console, in one place. A panel is one entry here plus
// one QML file in panels/ (see docs/console.md). The dock reads nothing else,
// so a docking library can replace it later without touching the panels.
//   id        stable key, used in the saved layout and in object names
//   title     shown on the panel header, tab and View menu
//   source    the panel's QML file
//   area      default dock area: "left", "center", "right" or "bottom"
//   shortcut  shows and focuses the panel
QtObject {
    // The first panel of an area is the one it shows at first; the others
    // are tabs behind it, created when first shown.
    readonly property var panels: [
        {
            id: "audit",
            title: qsTr("Audit trail"),
            source: Qt.resolvedUrl("panels/AuditPanel.qml"),
            area: "center",
            shortcut: "Ctrl+1"
        },
        {
            id: "tasks",
            title: qsTr("Task board"),
            source: Qt.resolvedUrl("panels/TaskBoardPanel.qml"),
            area: "center",
            shortcut: "Ctrl+5"
        },
        {
            id: "approvals",
            title: qsTr("Approvals"),
            source: Qt.resolvedUrl("panels/ApprovalsPanel.qml"),
            area: "center",
            shortcut: "Ctrl+6"
        },
        {
            id: "models",
            title: qsTr("Models"),
            source: Qt.resolvedUrl("panels/ModelsPanel.qml"),
            area: "center",
            shortcut: "Ctrl+8"
        },
        {
            id: "board",
            title: qsTr("Shadow Board"),
            source: Qt.resolvedUrl("panels/BoardPanel.qml"),
            area: "center",
            shortcut: "Ctrl+9"
        },
        {
            id: "events",
            title: qsTr("Event stream"),
            source: Qt.resolvedUrl("panels/EventsPanel.qml"),
            area: "bottom",
            shortcut: "Ctrl+2"
        },
        {
            id: "ledger",
            title: qsTr("Ledger"),
            source: Qt.resolvedUrl("panels/LedgerPanel.qml"),
            area: "right",
            shortcut: "Ctrl+3"
        },
        {
            id: "costs",
            title: qsTr("Cost meters"),
            source: Qt.resolvedUrl("panels/CostsPanel.qml"),
            area: "right",
            shortcut: "Ctrl+7"
        },
        {
            id: "scenarios",
            title: qsTr("Scenarios"),
            source: Qt.resolvedUrl("panels/ScenariosPanel.qml"),
            area: "left",
            shortcut: "Ctrl+4"
        }
    ]

    readonly property var areas: ["left", "center", "right", "bottom"]

    function panel(id) {
        return panels.find(p => p.id === id)
    }

    function areaTitle(area) {
        switch (area) {
        case "left": return qsTr("Left")
        case "center": return qsTr("Center")
        case "right": return qsTr("Right")
        case "bottom": return qsTr("Bottom")
        }
        return area
    }
}
