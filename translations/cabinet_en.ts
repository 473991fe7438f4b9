<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AuditPanel</name>
    <message>
        <source>All actors</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>All actions</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Search subject and details…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Verify</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Recompute the hash chain of the whole audit trail</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>#</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Actor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Subject</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The audit trail is empty.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No entries match the filters.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Showing %1 of %n entry(s)</source>
        <translation><numerusform>Showing %1 of %n entry</numerusform><numerusform>Showing %1 of %n entries</numerusform></translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Close details</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SHA-256 %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Entry %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ChainBadge</name>
    <message numerus="yes">
        <source>Verified (%n entry(s))</source>
        <translation><numerusform>Verified (%n entry)</numerusform><numerusform>Verified (%n entries)</numerusform></translation>
    </message>
    <message>
        <source>Broken at entry %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Chain unreadable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Verifying…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not verified</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>DockArea</name>
    <message>
        <source>No panel here. Open one from the View menu, or move one here with its ⋮ menu.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>EventsPanel</name>
    <message>
        <source>live</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No events yet.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n event(s) since the console started</source>
        <translation><numerusform>%n event since the console started</numerusform><numerusform>%n events since the console started</numerusform></translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dark theme</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reset layout</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PanelFrame</name>
    <message>
        <source>Panel menu</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Move, pop out or hide this panel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Move to</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dock back</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pop out</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hide</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PanelRegistry</name>
    <message>
        <source>Audit trail</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Event stream</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Left</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Center</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Right</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Bottom</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>StartupBanner</name>
    <message>
        <source>Starting the core…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The core could not start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The panels stay empty until the core runs. Deal with the cause above, then start the console again.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Autonomous</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Supervised</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Manual</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Core running</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Core not running</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Core starting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 events/s</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>
