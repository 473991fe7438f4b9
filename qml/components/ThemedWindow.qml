import QtQuick
import QtQuick.Controls
import Cabinet

// A window whose controls take their colours from the Theme: the main
// window and every popped-out panel.
ApplicationWindow {
    color: Theme.window
    font.pixelSize: Theme.fontSize

    palette {
        window: Theme.window
        windowText: Theme.text
        base: Theme.control
        alternateBase: Theme.surfaceAlt
        text: Theme.text
        button: Theme.control
        buttonText: Theme.text
        brightText: Theme.text
        highlight: Theme.accent
        highlightedText: Theme.accentText
        placeholderText: Theme.textMuted
        toolTipBase: Theme.header
        toolTipText: Theme.text
        light: Theme.hover
        midlight: Theme.border
        mid: Theme.border
        dark: Theme.window
        shadow: Theme.window
        link: Theme.accent
    }
}
