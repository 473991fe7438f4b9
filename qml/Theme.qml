pragma Singleton
import QtQuick

// Colours, type and spacing for both themes. Panels take every colour from
// here, so a new theme is a change to this file only.
QtObject {
    property bool dark: true

    readonly property color window: dark ? "#14161b" : "#e9ebef"
    readonly property color surface: dark ? "#1c1f26" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#20242c" : "#f6f7f9"
    readonly property color header: dark ? "#242832" : "#f1f3f6"
    readonly property color control: dark ? "#2a2f3a" : "#ffffff"
    readonly property color border: dark ? "#313744" : "#d5d9e0"
    readonly property color hover: dark ? "#272c36" : "#eef2f8"
    readonly property color selection: dark ? "#27406a" : "#d6e4ff"
    readonly property color text: dark ? "#e4e7ec" : "#1b2230"
    readonly property color textMuted: dark ? "#9099a8" : "#5d6677"
    readonly property color accent: dark ? "#5a9bff" : "#2563eb"
    readonly property color accentText: "#ffffff"
    readonly property color ok: dark ? "#4cc38a" : "#17803d"
    readonly property color okSoft: dark ? "#17342a" : "#e2f5ea"
    // Waiting on someone (an approval, a review, a paused task).
    readonly property color warning: dark ? "#e0a03a" : "#b26a00"
    readonly property color danger: dark ? "#ff6b6b" : "#c62828"
    readonly property color dangerSoft: dark ? "#3d1f24" : "#fde8e8"
    readonly property color neutralSoft: dark ? "#2a2f3a" : "#eceff3"

    readonly property int fontSize: 13
    readonly property int smallFontSize: 11
    readonly property int titleFontSize: 14
    readonly property string monoFamily: "DejaVu Sans Mono"

    readonly property int spacing: 8
    readonly property int padding: 10
    readonly property int radius: 4
    readonly property int rowHeight: 26
    readonly property int headerHeight: 34
    readonly property int gap: 6
}
