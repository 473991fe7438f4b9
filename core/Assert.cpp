#include "Assert.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace cabinet::detail {

void assertionFailed(const char *file, int line, const char *condition, const char *format, ...)
{
    // stdio, not qFatal: the message handler may be the JSON logger, which
    // could itself be in the broken state; stderr always takes a line.
    std::fprintf(stderr, "cabinet: invariant failed at %s:%d: %s", file, line, condition);
    if (format) {
        std::fputs(" (", stderr);
        va_list args;
        va_start(args, format);
        std::vfprintf(stderr, format, args);
        va_end(args);
        std::fputc(')', stderr);
    }
    std::fputc('\n', stderr);
    std::fflush(stderr);
    std::abort();
}

} // namespace cabinet::detail
