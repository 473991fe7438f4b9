<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>AuditPanel</name>
    <message>
        <source>All actors</source>
        <translation>Todos los actores</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>Todas las acciones</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>Buscar…</translation>
    </message>
    <message>
        <source>Search subject and details</source>
        <translation>Buscar en asunto y detalles</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>Verificar</translation>
    </message>
    <message>
        <source>Recompute the hash chain of the whole audit trail</source>
        <translation>Volver a calcular la cadena de hashes de todo el registro de auditoría</translation>
    </message>
    <message>
        <source>#</source>
        <translation>N.º</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Actor</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objeto</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>The audit trail is empty.</source>
        <translation>El registro de auditoría está vacío.</translation>
    </message>
    <message>
        <source>No entries match the filters.</source>
        <translation>Ninguna entrada coincide con los filtros.</translation>
    </message>
    <message numerus="yes">
        <source>Showing %1 of %n entry(s)</source>
        <translation>
            <numerusform>Se muestran %1 de %n entrada</numerusform>
            <numerusform>Se muestran %1 de %n entradas</numerusform>
        </translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation>se muestran las %L1 más recientes</translation>
    </message>
    <message>
        <source>Close details</source>
        <translation>Cerrar detalles</translation>
    </message>
    <message>
        <source>SHA-256 %1</source>
        <translation>SHA-256 %1</translation>
    </message>
    <message>
        <source>Entry %1</source>
        <translation>Entrada %1</translation>
    </message>
</context>
<context>
    <name>ChainBadge</name>
    <message numerus="yes">
        <source>Verified (%n entry(s))</source>
        <translation>
            <numerusform>Verificado (%n entrada)</numerusform>
            <numerusform>Verificado (%n entradas)</numerusform>
        </translation>
    </message>
    <message>
        <source>Broken at entry %1</source>
        <translation>Rota en la entrada %1</translation>
    </message>
    <message>
        <source>Chain unreadable</source>
        <translation>Cadena ilegible</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Verificando…</translation>
    </message>
    <message>
        <source>Not verified</source>
        <translation>Sin verificar</translation>
    </message>
    <message>
        <source>Whole trail verified at %1; new entries are verified as they arrive.</source>
        <translation>Registro completo verificado a las %1; las entradas nuevas se verifican al llegar.</translation>
    </message>
</context>
<context>
    <name>DockArea</name>
    <message>
        <source>No panel here. Open one from the View menu, or move one here with its ⋮ menu.</source>
        <translation>No hay ningún panel aquí. Abra uno desde el menú Ver o mueva uno aquí con su menú ⋮.</translation>
    </message>
</context>
<context>
    <name>EventsPanel</name>
    <message>
        <source>live</source>
        <translation>en vivo</translation>
    </message>
    <message>
        <source>No events yet.</source>
        <translation>Todavía no hay eventos.</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) since the console started</source>
        <translation>
            <numerusform>%n evento desde que se inició la consola</numerusform>
            <numerusform>%n eventos desde que se inició la consola</numerusform>
        </translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation>se muestran las %L1 más recientes</translation>
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
        <translation>Libro %1</translation>
    </message>
    <message>
        <source>%1 d %2:%3:%4</source>
        <translation>%1 d %2:%3:%4</translation>
    </message>
    <message>
        <source>No ledger accounts yet</source>
        <translation>Todavía no hay cuentas en el libro mayor</translation>
    </message>
    <message>
        <source>Cabinet&apos;s services open the accounts they need. To create some yourself, close the console (the command line needs the data directory) and run:</source>
        <translation>Los servicios de Cabinet abren las cuentas que necesitan. Para crearlas usted mismo, cierre la consola (la línea de comandos necesita el directorio de datos) y ejecute:</translation>
    </message>
    <message>
        <source>Ledger 1 is USD in micro-dollars, ledger 2 pilot credits. They appear here as soon as they exist.</source>
        <translation>El libro 1 lleva USD en microdólares; el libro 2, los créditos del piloto. Las cuentas aparecen aquí en cuanto existen.</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Cuentas</translation>
    </message>
    <message>
        <source>the first %L1</source>
        <translation>las primeras %L1</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Cuenta</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>Libro</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Código</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Pendiente</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Saldo</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Transferencias</translation>
    </message>
    <message>
        <source>of %1, the newest %L2</source>
        <translation>de %1, las %L2 más recientes</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>de %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>To / from</source>
        <translation>A / de</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Transferencia</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Importe</translation>
    </message>
    <message>
        <source>%1 (of %2)</source>
        <translation>%1 (de %2)</translation>
    </message>
    <message>
        <source>No transfers on this account yet.</source>
        <translation>Esta cuenta aún no tiene transferencias.</translation>
    </message>
    <message>
        <source>%L1 open</source>
        <translation>%L1 abiertas</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>Vence en</translation>
    </message>
    <message>
        <source>From → to</source>
        <translation>De → a</translation>
    </message>
    <message>
        <source>Expires at</source>
        <translation>Vence el</translation>
    </message>
    <message>
        <source>no timeout</source>
        <translation>sin plazo</translation>
    </message>
    <message>
        <source>expiring</source>
        <translation>venciendo</translation>
    </message>
    <message>
        <source>No pending transfers open.</source>
        <translation>No hay transferencias pendientes abiertas.</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>pendiente</translation>
    </message>
    <message>
        <source>posted</source>
        <translation>registrada</translation>
    </message>
    <message>
        <source>voided</source>
        <translation>anulada</translation>
    </message>
    <message>
        <source>Credits</source>
        <comment>ledger 2, the pilot credits</comment>
        <translation>Créditos</translation>
    </message>
    <message>
        <source>Debits</source>
        <comment>column: posted debits</comment>
        <translation>Debe</translation>
    </message>
    <message>
        <source>Credits</source>
        <comment>column: posted credits</comment>
        <translation>Haber</translation>
    </message>
    <message>
        <source>showing %L1 of %L2 open</source>
        <comment>pending transfers: the soonest to expire are listed</comment>
        <translation>%L1 de %L2 abiertas</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Tema oscuro</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>Restablecer disposición</translation>
    </message>
</context>
<context>
    <name>PanelFrame</name>
    <message>
        <source>Panel menu</source>
        <translation>Menú del panel</translation>
    </message>
    <message>
        <source>Move, pop out or hide this panel</source>
        <translation>Mover, desacoplar u ocultar este panel</translation>
    </message>
    <message>
        <source>Move to</source>
        <translation>Mover a</translation>
    </message>
    <message>
        <source>Dock back</source>
        <translation>Volver a acoplar</translation>
    </message>
    <message>
        <source>Pop out</source>
        <translation>Desacoplar</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Ocultar</translation>
    </message>
</context>
<context>
    <name>PanelRegistry</name>
    <message>
        <source>Audit trail</source>
        <translation>Registro de auditoría</translation>
    </message>
    <message>
        <source>Event stream</source>
        <translation>Flujo de eventos</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Izquierda</translation>
    </message>
    <message>
        <source>Center</source>
        <translation>Centro</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>Derecha</translation>
    </message>
    <message>
        <source>Bottom</source>
        <translation>Abajo</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>Libro mayor</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>Escenarios</translation>
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
        <translation>Ejecutar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelado.</translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation>Valores por defecto</translation>
    </message>
    <message>
        <source>The scenario engine&apos;s default parameters</source>
        <translation>Los parámetros por defecto del motor de escenarios</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parámetros</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>Escenarios</translation>
    </message>
    <message>
        <source>Horizon (days)</source>
        <translation>Horizonte (días)</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Semilla</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automático</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>GPU CUDA</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Initial value</source>
        <translation>Valor inicial</translation>
    </message>
    <message>
        <source>Drift per day</source>
        <translation>Deriva por día</translation>
    </message>
    <message>
        <source>%1 a year</source>
        <translation>%1 al año</translation>
    </message>
    <message>
        <source>Volatility per day</source>
        <translation>Volatilidad por día</translation>
    </message>
    <message>
        <source>Initial capital</source>
        <translation>Capital inicial</translation>
    </message>
    <message>
        <source>a net outcome below it is a loss</source>
        <translation>un resultado neto por debajo es una pérdida</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Coste</translation>
    </message>
    <message>
        <source>Median per day</source>
        <translation>Mediana por día</translation>
    </message>
    <message>
        <source>Spread (log sd)</source>
        <translation>Dispersión (DE log.)</translation>
    </message>
    <message>
        <source>Failure chance per day</source>
        <translation>Probabilidad de fallo por día</translation>
    </message>
    <message>
        <source>Cost of a failure</source>
        <translation>Coste de un fallo</translation>
    </message>
    <message>
        <source>Budget (total cost)</source>
        <translation>Presupuesto (coste total)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>Demand shocks</source>
        <translation>Shocks de demanda</translation>
    </message>
    <message>
        <source>Chance per day</source>
        <translation>Probabilidad por día</translation>
    </message>
    <message>
        <source>Drop per shock (%)</source>
        <translation>Caída por shock (%)</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>%L1 scenarios × %L2 days</source>
        <translation>%L1 escenarios × %L2 días</translation>
    </message>
    <message>
        <source>%1 ms on %2</source>
        <translation>%1 ms en %2</translation>
    </message>
    <message>
        <source>No result yet: set the parameters and press Run.</source>
        <translation>Aún no hay resultado: ajuste los parámetros y pulse Ejecutar.</translation>
    </message>
    <message>
        <source>Net outcome (final value − total cost)</source>
        <translation>Resultado neto (valor final − coste total)</translation>
    </message>
    <message>
        <source>■ below the initial capital: a loss</source>
        <translation>■ por debajo del capital inicial: una pérdida</translation>
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
        <translation>P50 (mediana)</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Media</translation>
    </message>
    <message>
        <source>Std dev</source>
        <translation>Desv. típica</translation>
    </message>
    <message>
        <source>CVaR 95 %</source>
        <translation>CVaR 95 %</translation>
    </message>
    <message>
        <source>The mean of the worst 5 % of net outcomes</source>
        <translation>La media del 5 % peor de los resultados netos</translation>
    </message>
    <message>
        <source>P(loss)</source>
        <translation>P(pérdida)</translation>
    </message>
    <message>
        <source>The share of scenarios whose net outcome is below the initial capital (%1)</source>
        <translation>La proporción de escenarios cuyo resultado neto queda por debajo del capital inicial (%1)</translation>
    </message>
    <message>
        <source>P(breach)</source>
        <translation>P(exceso)</translation>
    </message>
    <message>
        <source>The share of scenarios whose total cost exceeds the budget (%1)</source>
        <translation>La proporción de escenarios cuyo coste total supera el presupuesto (%1)</translation>
    </message>
    <message>
        <source>No budget was set for this run</source>
        <translation>No se fijó presupuesto para esta ejecución</translation>
    </message>
    <message>
        <source>Mean cost</source>
        <translation>Coste medio</translation>
    </message>
    <message>
        <source>The mean total cost over the horizon</source>
        <translation>El coste total medio en el horizonte</translation>
    </message>
    <message>
        <source>Total cost P5 – P95</source>
        <translation>Coste total P5 – P95</translation>
    </message>
    <message>
        <source>Budget %1: exceeded in %2 of scenarios</source>
        <translation>Presupuesto %1: superado en el %2 de los escenarios</translation>
    </message>
    <message>
        <source>No budget set</source>
        <translation>Sin presupuesto</translation>
    </message>
</context>
<context>
    <name>StartupBanner</name>
    <message>
        <source>Starting the core…</source>
        <translation>Iniciando el núcleo…</translation>
    </message>
    <message>
        <source>The core could not start</source>
        <translation>No se pudo iniciar el núcleo</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>The panels stay empty until the core runs. Deal with the cause above, then start the console again.</source>
        <translation>Los paneles seguirán vacíos hasta que el núcleo funcione. Resuelva la causa indicada arriba y vuelva a iniciar la consola.</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Autonomous</source>
        <translation>Autónomo</translation>
    </message>
    <message>
        <source>Supervised</source>
        <translation>Supervisado</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manual</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>En pausa</translation>
    </message>
    <message>
        <source>Core running</source>
        <translation>Núcleo en marcha</translation>
    </message>
    <message>
        <source>Core not running</source>
        <translation>Núcleo detenido</translation>
    </message>
    <message>
        <source>Core starting…</source>
        <translation>Iniciando el núcleo…</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Datos</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modo</translation>
    </message>
    <message>
        <source>%1 events/s</source>
        <translation>%1 eventos/s</translation>
    </message>
</context>
<context>
    <name>cabinet::gui::ScenarioSession</name>
    <message>
        <source>The median daily cost must be greater than 0.</source>
        <translation>La mediana del coste diario debe ser mayor que 0.</translation>
    </message>
    <message>
        <source>The shock&apos;s drop must be at least 0 % and below 100 %.</source>
        <translation>La caída por shock debe ser de al menos el 0 % e inferior al 100 %.</translation>
    </message>
    <message>
        <source>The core is not running.</source>
        <translation>El núcleo no está en marcha.</translation>
    </message>
    <message>
        <source>Another simulation is running; try again when it has finished.</source>
        <translation>Hay otra simulación en curso; vuelva a intentarlo cuando termine.</translation>
    </message>
</context>
</TS>
