<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AuditPanel</name>
    <message>
        <source>All actors</source>
        <translation>Alle Akteure</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>Alle Aktionen</translation>
    </message>
    <message>
        <source>Search subject and details…</source>
        <translation>Gegenstand und Details durchsuchen …</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Recompute the hash chain of the whole audit trail</source>
        <translation>Die Hash-Kette des gesamten Prüfprotokolls neu berechnen</translation>
    </message>
    <message>
        <source>#</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Gegenstand</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>The audit trail is empty.</source>
        <translation>Das Prüfprotokoll ist leer.</translation>
    </message>
    <message>
        <source>No entries match the filters.</source>
        <translation>Keine Einträge passen zu den Filtern.</translation>
    </message>
    <message numerus="yes">
        <source>Showing %1 of %n entry(s)</source>
        <translation><numerusform>%1 von %n Eintrag angezeigt</numerusform><numerusform>%1 von %n Einträgen angezeigt</numerusform></translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation>die neuesten %L1 werden angezeigt</translation>
    </message>
    <message>
        <source>Close details</source>
        <translation>Details schließen</translation>
    </message>
    <message>
        <source>SHA-256 %1</source>
        <translation>SHA-256 %1</translation>
    </message>
    <message>
        <source>Entry %1</source>
        <translation>Eintrag %1</translation>
    </message>
</context>
<context>
    <name>ChainBadge</name>
    <message numerus="yes">
        <source>Verified (%n entry(s))</source>
        <translation><numerusform>Geprüft (%n Eintrag)</numerusform><numerusform>Geprüft (%n Einträge)</numerusform></translation>
    </message>
    <message>
        <source>Broken at entry %1</source>
        <translation>Unterbrochen bei Eintrag %1</translation>
    </message>
    <message>
        <source>Chain unreadable</source>
        <translation>Kette nicht lesbar</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Wird geprüft …</translation>
    </message>
    <message>
        <source>Not verified</source>
        <translation>Nicht geprüft</translation>
    </message>
</context>
<context>
    <name>DockArea</name>
    <message>
        <source>No panel here. Open one from the View menu, or move one here with its ⋮ menu.</source>
        <translation>Hier ist kein Bereich. Öffnen Sie einen über das Menü „Ansicht“ oder verschieben Sie einen mit seinem ⋮-Menü hierher.</translation>
    </message>
</context>
<context>
    <name>EventsPanel</name>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>No events yet.</source>
        <translation>Noch keine Ereignisse.</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) since the console started</source>
        <translation><numerusform>%n Ereignis seit dem Start der Konsole</numerusform><numerusform>%n Ereignisse seit dem Start der Konsole</numerusform></translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation>die neuesten %L1 werden angezeigt</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Dunkles Design</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>Anordnung zurücksetzen</translation>
    </message>
</context>
<context>
    <name>PanelFrame</name>
    <message>
        <source>Panel menu</source>
        <translation>Bereichsmenü</translation>
    </message>
    <message>
        <source>Move, pop out or hide this panel</source>
        <translation>Diesen Bereich verschieben, abkoppeln oder ausblenden</translation>
    </message>
    <message>
        <source>Move to</source>
        <translation>Verschieben nach</translation>
    </message>
    <message>
        <source>Dock back</source>
        <translation>Wieder andocken</translation>
    </message>
    <message>
        <source>Pop out</source>
        <translation>Abkoppeln</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Ausblenden</translation>
    </message>
</context>
<context>
    <name>PanelRegistry</name>
    <message>
        <source>Audit trail</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Event stream</source>
        <translation>Ereignisstrom</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Links</translation>
    </message>
    <message>
        <source>Center</source>
        <translation>Mitte</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>Rechts</translation>
    </message>
    <message>
        <source>Bottom</source>
        <translation>Unten</translation>
    </message>
</context>
<context>
    <name>StartupBanner</name>
    <message>
        <source>Starting the core…</source>
        <translation>Der Kern wird gestartet …</translation>
    </message>
    <message>
        <source>The core could not start</source>
        <translation>Der Kern konnte nicht starten</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>The panels stay empty until the core runs. Deal with the cause above, then start the console again.</source>
        <translation>Die Bereiche bleiben leer, bis der Kern läuft. Beheben Sie die oben genannte Ursache und starten Sie die Konsole dann erneut.</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Autonomous</source>
        <translation>Autonom</translation>
    </message>
    <message>
        <source>Supervised</source>
        <translation>Überwacht</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manuell</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Core running</source>
        <translation>Kern läuft</translation>
    </message>
    <message>
        <source>Core not running</source>
        <translation>Kern läuft nicht</translation>
    </message>
    <message>
        <source>Core starting…</source>
        <translation>Kern startet …</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>%1 events/s</source>
        <translation>%1 Ereignisse/s</translation>
    </message>
</context>
</TS>
