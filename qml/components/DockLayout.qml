import QtQuick
import QtQuick.Controls
import QtQml
import Cabinet

// The dock: four areas (left, center, right, bottom) from nested SplitViews,
// and one frame per registered panel. The layout says where each panel is:
//   { <panel id>: { area, hidden, popped, order } }
// Frames are created once and only re-parented when a panel moves, hides or
// pops out, so a panel keeps its state (filters, scroll position) throughout.
Item {
    id: dockLayout

    required property CoreConnection connection
    // The layout as JSON, and the sizes of the side areas: Main.qml keeps
    // them in the settings file.
    property string savedLayout
    // The saved layout as the window opens (ConsoleSession reads it): the
    // Settings object reads its file only after the first frames exist, and
    // a panel the layout hides must not be created for the default's sake.
    property string initialLayout
    property real leftWidth: 340
    property real rightWidth: 340
    property real bottomHeight: 230

    // A count to show on a panel's tab, by panel id (0: none).
    property var badges: ({})
    property var layout: initialLayout ? restore(initialLayout) : defaultLayout()
    // Every panel has shown its first data.
    readonly property bool ready: {
        if (frames.count !== PanelRegistry.panels.length)
            return false
        for (let i = 0; i < frames.count; ++i) {
            const frame = frames.objectAt(i)
            if (!frame || !frame.ready)
                return false
        }
        return true
    }

    function defaultLayout() {
        const result = {}
        PanelRegistry.panels.forEach((panel, index) => {
            result[panel.id] = { area: panel.area, hidden: false, popped: false, order: index }
        })
        return result
    }

    // Takes what it can from a saved layout: panels registered since get
    // their defaults, panels no longer registered and damaged entries are
    // dropped.
    function restore(json) {
        let saved = {}
        try {
            saved = JSON.parse(json) || {}
        } catch (error) {
            console.warn("ignoring an unreadable saved layout:", error)
        }
        const result = defaultLayout()
        for (const id in result) {
            const entry = saved[id]
            if (entry && PanelRegistry.areas.includes(entry.area))
                result[id] = { area: entry.area, hidden: !!entry.hidden, popped: !!entry.popped,
                               order: Number(entry.order) || 0 }
        }
        return result
    }

    onSavedLayoutChanged: {
        if (savedLayout !== JSON.stringify(layout))
            layout = restore(savedLayout)
    }
    onLayoutChanged: savedLayout = JSON.stringify(layout)

    function update(id, changes) {
        const next = Object.assign({}, layout)
        next[id] = Object.assign({}, layout[id], changes)
        layout = next
    }

    function panelsIn(area) {
        return Object.keys(layout)
            .filter(id => layout[id].area === area && !layout[id].hidden && !layout[id].popped)
            .sort((a, b) => layout[a].order - layout[b].order)
    }

    function areaItem(area) {
        switch (area) {
        case "left": return leftArea
        case "right": return rightArea
        case "bottom": return bottomArea
        }
        return centerArea
    }

    function frame(id) {
        for (let i = 0; i < frames.count; ++i) {
            const candidate = frames.objectAt(i)
            if (candidate && candidate.panelId === id)
                return candidate
        }
        return null
    }

    function moveTo(id, area) {
        const order = Math.max(...Object.values(layout).map(entry => entry.order)) + 1
        update(id, { area: area, hidden: false, popped: false, order: order })
        focusPanel(id)
    }
    function hide(id) { update(id, { hidden: true, popped: false }) }
    function popOut(id) { update(id, { hidden: false, popped: true }) }
    function dockBack(id) { update(id, { popped: false }); focusPanel(id) }
    function setVisible(id, visible) { visible ? focusPanel(id) : hide(id) }
    function resetLayout() { layout = defaultLayout() }

    // Shows the panel where it lives (its tab, its window) and gives it focus.
    function focusPanel(id) {
        if (layout[id].hidden)
            update(id, { hidden: false })
        const target = frame(id)
        if (layout[id].popped) {
            target.popout.raise()
            target.popout.requestActivate()
        } else {
            areaItem(layout[id].area).currentId = id
        }
        target.forceActiveFocus()
    }

    SplitView {
        id: outer
        anchors.fill: parent
        anchors.margins: Theme.gap
        orientation: Qt.Vertical
        handle: DockHandle { vertical: true }

        SplitView {
            id: inner
            SplitView.fillHeight: true
            orientation: Qt.Horizontal
            handle: DockHandle { }

            DockArea {
                id: leftArea
                areaId: "left"
                dock: dockLayout
                SplitView.minimumWidth: 220
                SplitView.preferredWidth: dockLayout.leftWidth
                SplitView.onPreferredWidthChanged: dockLayout.leftWidth = SplitView.preferredWidth
            }
            DockArea {
                id: centerArea
                areaId: "center"
                dock: dockLayout
                SplitView.fillWidth: true
                SplitView.minimumWidth: 280
            }
            DockArea {
                id: rightArea
                areaId: "right"
                dock: dockLayout
                SplitView.minimumWidth: 220
                SplitView.preferredWidth: dockLayout.rightWidth
                SplitView.onPreferredWidthChanged: dockLayout.rightWidth = SplitView.preferredWidth
            }
        }
        DockArea {
            id: bottomArea
            areaId: "bottom"
            dock: dockLayout
            SplitView.minimumHeight: 120
            SplitView.preferredHeight: dockLayout.bottomHeight
            SplitView.onPreferredHeightChanged: dockLayout.bottomHeight = SplitView.preferredHeight
        }
    }

    // Hidden panels wait here, alive, until they are shown again.
    Item {
        id: parkingLot
        visible: false
    }

    Instantiator {
        id: frames
        model: PanelRegistry.panels
        delegate: PanelFrame {
            required property var modelData
            entry: modelData
            dock: dockLayout
            parking: parkingLot
        }
    }
}
