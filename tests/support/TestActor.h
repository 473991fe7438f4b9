#pragma once

#include "Actor.h"

namespace cabinet::test {

// Who the tests act as when they write through a service directly.
inline Actor tester() { return Actor::system(QStringLiteral("test")); }

} // namespace cabinet::test
