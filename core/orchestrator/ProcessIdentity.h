#pragma once

#include <QString>

namespace cabinet::orchestrator {

// Who holds a lease: the worker's process, named so that a later process
// can tell whether it is still alive. A pid alone is not enough (pids are
// reused, and a reboot starts them again), so the name also carries the
// boot's id and the process's start time since boot, from /proc:
// "<boot id>/<pid>/<start ticks>".
namespace ProcessIdentity {

// This process.
QString current();
// Whether the process `identity` names still runs: the same boot, a process
// with that pid, started at that time. False for a name that does not parse.
bool alive(const QString &identity);
// The pid in `identity`, or 0.
qint64 pidOf(const QString &identity);

} // namespace ProcessIdentity

} // namespace cabinet::orchestrator
