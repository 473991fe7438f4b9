<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AuditPanel</name>
    <message>
        <source>All actors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search subject and details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recompute the hash chain of the whole audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit trail is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No entries match the filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Showing %1 of %n entry(s)</source>
        <translation>
            <numerusform>Showing %1 of %n entry</numerusform>
            <numerusform>Showing %1 of %n entries</numerusform>
        </translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256 %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entry %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChainBadge</name>
    <message numerus="yes">
        <source>Verified (%n entry(s))</source>
        <translation>
            <numerusform>Verified (%n entry)</numerusform>
            <numerusform>Verified (%n entries)</numerusform>
        </translation>
    </message>
    <message>
        <source>Broken at entry %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chain unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whole trail verified at %1; new entries are verified as they arrive.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DockArea</name>
    <message>
        <source>No panel here. Open one from the View menu, or move one here with its ⋮ menu.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EventsPanel</name>
    <message>
        <source>live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No events yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) since the console started</source>
        <translation>
            <numerusform>%n event since the console started</numerusform>
            <numerusform>%n events since the console started</numerusform>
        </translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LedgerPanel</name>
    <message>
        <source>USD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ledger %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d %2:%3:%4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No ledger accounts yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cabinet&apos;s services open the accounts they need. To create some yourself, close the console (the command line needs the data directory) and run:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ledger 1 is USD in micro-dollars, ledger 2 pilot credits. They appear here as soon as they exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the first %L1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>of %1, the newest %L2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To / from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (of %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No transfers on this account yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%L1 open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From → to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expires at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no timeout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expiring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No pending transfers open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>posted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>voided</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credits</source>
        <comment>ledger 2, the pilot credits</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Debits</source>
        <comment>column: posted debits</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credits</source>
        <comment>column: posted credits</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>showing %L1 of %L2 open</source>
        <comment>pending transfers: the soonest to expire are listed</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PanelFrame</name>
    <message>
        <source>Panel menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move, pop out or hide this panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dock back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pop out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PanelRegistry</name>
    <message>
        <source>Audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Center</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bottom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScenariosPanel</name>
    <message>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The scenario engine&apos;s default parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Horizon (days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Initial value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drift per day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 a year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volatility per day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Initial capital</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a net outcome below it is a loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Median per day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spread (log sd)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failure chance per day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost of a failure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Budget (total cost)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demand shocks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chance per day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop per shock (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%L1 scenarios × %L2 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No result yet: set the parameters and press Run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Net outcome (final value − total cost)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>■ below the initial capital: a loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P50</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P95</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P50 (median)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Std dev</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CVaR 95 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mean of the worst 5 % of net outcomes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P(loss)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The share of scenarios whose net outcome is below the initial capital (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P(breach)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The share of scenarios whose total cost exceeds the budget (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No budget was set for this run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mean total cost over the horizon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total cost P5 – P95</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Budget %1: exceeded in %2 of scenarios</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No budget set</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StartupBanner</name>
    <message>
        <source>Starting the core…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The core could not start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panels stay empty until the core runs. Deal with the cause above, then start the console again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Autonomous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supervised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Core running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Core not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Core starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 events/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cabinet::gui::ScenarioSession</name>
    <message>
        <source>The median daily cost must be greater than 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shock&apos;s drop must be at least 0 % and below 100 %.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The core is not running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another simulation is running; try again when it has finished.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
