#pragma once

namespace cabinet::headless {

// Routes Qt's logging to stderr as one JSON object a line:
// {"time":"…","level":"info","category":"cabinet.core","message":"…"}
void installJsonLogHandler();

} // namespace cabinet::headless
