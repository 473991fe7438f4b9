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
        <source>Search…</source>
        <translation>Suchen …</translation>
    </message>
    <message>
        <source>Search subject and details</source>
        <translation>Gegenstand und Details durchsuchen</translation>
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
        <translation>
            <numerusform>%1 von %n Eintrag angezeigt</numerusform>
            <numerusform>%1 von %n Einträgen angezeigt</numerusform>
        </translation>
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
        <translation>
            <numerusform>Geprüft (%n Eintrag)</numerusform>
            <numerusform>Geprüft (%n Einträge)</numerusform>
        </translation>
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
    <message>
        <source>Whole trail verified at %1; new entries are verified as they arrive.</source>
        <translation>Ganze Spur um %1 geprüft; neue Einträge werden beim Eintreffen geprüft.</translation>
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
        <translation>
            <numerusform>%n Ereignis seit dem Start der Konsole</numerusform>
            <numerusform>%n Ereignisse seit dem Start der Konsole</numerusform>
        </translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation>die neuesten %L1 werden angezeigt</translation>
    </message>
</context>
<context>
    <name>LedgerPanel</name>
    <message>
        <source>USD</source>
        <translation>USD</translation>
    </message>
    <message>
        <source>Ledger %1</source>
        <translation>Buch %1</translation>
    </message>
    <message>
        <source>%1 d %2:%3:%4</source>
        <translation>%1 T %2:%3:%4</translation>
    </message>
    <message>
        <source>No ledger accounts yet</source>
        <translation>Noch keine Konten im Hauptbuch</translation>
    </message>
    <message>
        <source>Cabinet&apos;s services open the accounts they need. To create some yourself, close the console (the command line needs the data directory) and run:</source>
        <translation>Die Dienste von Cabinet eröffnen die Konten, die sie brauchen. Um selbst welche anzulegen, schließen Sie die Konsole (die Befehlszeile braucht das Datenverzeichnis) und führen Sie aus:</translation>
    </message>
    <message>
        <source>Ledger 1 is USD in micro-dollars, ledger 2 pilot credits. They appear here as soon as they exist.</source>
        <translation>Buch 1 führt USD in Mikrodollar, Buch 2 die Credits des Piloten. Konten erscheinen hier, sobald es sie gibt.</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>the first %L1</source>
        <translation>die ersten %L1</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>Buch</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Saldo</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>of %1, the newest %L2</source>
        <translation>von %1, die neuesten %L2</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>von %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>To / from</source>
        <translation>An / von</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Buchung</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>%1 (of %2)</source>
        <translation>%1 (zu %2)</translation>
    </message>
    <message>
        <source>No transfers on this account yet.</source>
        <translation>Auf diesem Konto gibt es noch keine Buchungen.</translation>
    </message>
    <message>
        <source>%L1 open</source>
        <translation>%L1 offen</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>From → to</source>
        <translation>Von → an</translation>
    </message>
    <message>
        <source>Expires at</source>
        <translation>Läuft ab um</translation>
    </message>
    <message>
        <source>no timeout</source>
        <translation>ohne Frist</translation>
    </message>
    <message>
        <source>expiring</source>
        <translation>läuft ab</translation>
    </message>
    <message>
        <source>No pending transfers open.</source>
        <translation>Keine ausstehenden Buchungen offen.</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>posted</source>
        <translation>gebucht</translation>
    </message>
    <message>
        <source>voided</source>
        <translation>storniert</translation>
    </message>
    <message>
        <source>Credits</source>
        <comment>ledger 2, the pilot credits</comment>
        <translation>Credits</translation>
    </message>
    <message>
        <source>Debits</source>
        <comment>column: posted debits</comment>
        <translation>Soll</translation>
    </message>
    <message>
        <source>Credits</source>
        <comment>column: posted credits</comment>
        <translation>Haben</translation>
    </message>
    <message>
        <source>showing %L1 of %L2 open</source>
        <comment>pending transfers: the soonest to expire are listed</comment>
        <translation>%L1 von %L2 offenen</translation>
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
    <message>
        <source>Ledger</source>
        <translation>Hauptbuch</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>Szenarien</translation>
    </message>
</context>
<context>
    <name>ScenariosPanel</name>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation>Standardwerte</translation>
    </message>
    <message>
        <source>The scenario engine&apos;s default parameters</source>
        <translation>Die Standardparameter der Szenario-Engine</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>Szenarien</translation>
    </message>
    <message>
        <source>Horizon (days)</source>
        <translation>Horizont (Tage)</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA-GPU</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Initial value</source>
        <translation>Anfangswert</translation>
    </message>
    <message>
        <source>Drift per day</source>
        <translation>Drift pro Tag</translation>
    </message>
    <message>
        <source>%1 a year</source>
        <translation>%1 pro Jahr</translation>
    </message>
    <message>
        <source>Volatility per day</source>
        <translation>Volatilität pro Tag</translation>
    </message>
    <message>
        <source>Initial capital</source>
        <translation>Anfangskapital</translation>
    </message>
    <message>
        <source>a net outcome below it is a loss</source>
        <translation>ein Nettoergebnis darunter ist ein Verlust</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Median per day</source>
        <translation>Median pro Tag</translation>
    </message>
    <message>
        <source>Spread (log sd)</source>
        <translation>Streuung (log. SD)</translation>
    </message>
    <message>
        <source>Failure chance per day</source>
        <translation>Ausfallwahrscheinlichkeit pro Tag</translation>
    </message>
    <message>
        <source>Cost of a failure</source>
        <translation>Kosten eines Ausfalls</translation>
    </message>
    <message>
        <source>Budget (total cost)</source>
        <translation>Budget (Gesamtkosten)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keins</translation>
    </message>
    <message>
        <source>Demand shocks</source>
        <translation>Nachfrageschocks</translation>
    </message>
    <message>
        <source>Chance per day</source>
        <translation>Wahrscheinlichkeit pro Tag</translation>
    </message>
    <message>
        <source>Drop per shock (%)</source>
        <translation>Rückgang je Schock (%)</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>%L1 scenarios × %L2 days</source>
        <translation>%L1 Szenarien × %L2 Tage</translation>
    </message>
    <message>
        <source>%1 ms on %2</source>
        <translation>%1 ms auf %2</translation>
    </message>
    <message>
        <source>No result yet: set the parameters and press Run.</source>
        <translation>Noch kein Ergebnis: Parameter einstellen und „Starten“ drücken.</translation>
    </message>
    <message>
        <source>Net outcome (final value − total cost)</source>
        <translation>Nettoergebnis (Endwert − Gesamtkosten)</translation>
    </message>
    <message>
        <source>■ below the initial capital: a loss</source>
        <translation>■ unter dem Anfangskapital: ein Verlust</translation>
    </message>
    <message>
        <source>P5</source>
        <translation>P5</translation>
    </message>
    <message>
        <source>P50</source>
        <translation>P50</translation>
    </message>
    <message>
        <source>P95</source>
        <translation>P95</translation>
    </message>
    <message>
        <source>P50 (median)</source>
        <translation>P50 (Median)</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <source>Std dev</source>
        <translation>Standardabw.</translation>
    </message>
    <message>
        <source>CVaR 95 %</source>
        <translation>CVaR 95 %</translation>
    </message>
    <message>
        <source>The mean of the worst 5 % of net outcomes</source>
        <translation>Der Mittelwert der schlechtesten 5 % der Nettoergebnisse</translation>
    </message>
    <message>
        <source>P(loss)</source>
        <translation>P(Verlust)</translation>
    </message>
    <message>
        <source>The share of scenarios whose net outcome is below the initial capital (%1)</source>
        <translation>Der Anteil der Szenarien, deren Nettoergebnis unter dem Anfangskapital (%1) liegt</translation>
    </message>
    <message>
        <source>P(breach)</source>
        <translation>P(über Budget)</translation>
    </message>
    <message>
        <source>The share of scenarios whose total cost exceeds the budget (%1)</source>
        <translation>Der Anteil der Szenarien, deren Gesamtkosten das Budget (%1) übersteigen</translation>
    </message>
    <message>
        <source>No budget was set for this run</source>
        <translation>Für diesen Lauf war kein Budget gesetzt</translation>
    </message>
    <message>
        <source>Mean cost</source>
        <translation>Mittlere Kosten</translation>
    </message>
    <message>
        <source>The mean total cost over the horizon</source>
        <translation>Die mittleren Gesamtkosten über den Horizont</translation>
    </message>
    <message>
        <source>Total cost P5 – P95</source>
        <translation>Gesamtkosten P5 – P95</translation>
    </message>
    <message>
        <source>Budget %1: exceeded in %2 of scenarios</source>
        <translation>Budget %1: in %2 der Szenarien überschritten</translation>
    </message>
    <message>
        <source>No budget set</source>
        <translation>Kein Budget gesetzt</translation>
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
<context>
    <name>cabinet::gui::ScenarioSession</name>
    <message>
        <source>The median daily cost must be greater than 0.</source>
        <translation>Der Median der täglichen Kosten muss größer als 0 sein.</translation>
    </message>
    <message>
        <source>The shock&apos;s drop must be at least 0 % and below 100 %.</source>
        <translation>Der Rückgang je Schock muss mindestens 0 % und unter 100 % betragen.</translation>
    </message>
    <message>
        <source>The core is not running.</source>
        <translation>Der Kern läuft nicht.</translation>
    </message>
    <message>
        <source>Another simulation is running; try again when it has finished.</source>
        <translation>Eine andere Simulation läuft; versuchen Sie es erneut, wenn sie beendet ist.</translation>
    </message>
</context>
</TS>
