import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Cabinet

// The audit chain's verdict as the core's audit watch reports it, as a
// coloured pill; in its tooltip the reason of a break, or when the whole
// trail was last walked.
Rectangle {
    id: badge

    required property AuditChain chain
    readonly property string label: {
        switch (chain.verdict) {
        case AuditChain.Intact: return qsTr("Verified (%n entry(s))", "", chain.entries)
        case AuditChain.Broken: return qsTr("Broken at entry %1").arg(String(chain.brokenAt))
        case AuditChain.Unreadable: return qsTr("Chain unreadable")
        }
        return chain.busy ? qsTr("Verifying…") : qsTr("Not verified")
    }
    readonly property color tone: chain.verdict === AuditChain.Intact ? Theme.ok
                                : chain.verdict === AuditChain.Unknown ? Theme.textMuted : Theme.danger

    objectName: "chainBadge"
    implicitWidth: row.implicitWidth + 2 * Theme.padding
    implicitHeight: 24
    radius: height / 2
    color: chain.verdict === AuditChain.Intact ? Theme.okSoft
         : chain.verdict === AuditChain.Unknown ? Theme.neutralSoft : Theme.dangerSoft
    border.color: Qt.rgba(tone.r, tone.g, tone.b, 0.5)

    RowLayout {
        id: row
        anchors.centerIn: parent
        spacing: 6
        Rectangle {
            width: 8
            height: 8
            radius: 4
            color: badge.tone
            opacity: badge.chain.busy ? 0.4 : 1
        }
        Label {
            text: badge.label
            color: badge.tone
            font.pixelSize: Theme.smallFontSize + 1
            font.weight: Font.DemiBold
        }
    }

    HoverHandler {
        id: hover
    }
    readonly property string detail: chain.reason.length > 0 ? chain.reason
        : chain.errorMessage.length > 0 ? chain.errorMessage
        : isNaN(chain.wholeCheckedAt.getTime()) ? ""
        : qsTr("Whole trail verified at %1; new entries are verified as they arrive.")
              .arg(chain.wholeCheckedAt.toLocaleTimeString(Qt.locale(), Locale.ShortFormat))
    ToolTip.visible: hover.hovered && detail.length > 0
    ToolTip.text: detail
}
