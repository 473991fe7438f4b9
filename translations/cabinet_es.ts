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
        <source>Search subject and details…</source>
        <translation>Buscar en objeto y detalles…</translation>
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
        <translation><numerusform>Se muestran %1 de %n entrada</numerusform><numerusform>Se muestran %1 de %n entradas</numerusform></translation>
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
        <translation><numerusform>Verificado (%n entrada)</numerusform><numerusform>Verificado (%n entradas)</numerusform></translation>
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
        <translation><numerusform>%n evento desde que se inició la consola</numerusform><numerusform>%n eventos desde que se inició la consola</numerusform></translation>
    </message>
    <message>
        <source>newest %L1 kept in view</source>
        <translation>se muestran las %L1 más recientes</translation>
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
</TS>
