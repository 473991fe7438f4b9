#pragma once

// Invariants that run in every build. Q_ASSERT is compiled out wherever Qt
// defines QT_NO_DEBUG (every Release and RelWithDebInfo build), so a broken
// invariant there would run on and corrupt data; CABINET_ASSERT stops the
// process at once, naming the file, the line, the condition and the values
// involved.
//
//   CABINET_ASSERT(balance <= limit);
//   CABINET_ASSERT_MSG(seq == expected, "seq %lld, expected %lld", seq, expected);
//
// The message arguments are printf-style and are evaluated only when the
// condition fails.

namespace cabinet::detail {
[[noreturn]] void assertionFailed(const char *file, int line, const char *condition, const char *format = nullptr, ...)
        __attribute__((format(printf, 4, 5)));
} // namespace cabinet::detail

#define CABINET_ASSERT(condition)                                                                  \
    do {                                                                                           \
        if (!(condition)) [[unlikely]]                                                             \
            ::cabinet::detail::assertionFailed(__FILE__, __LINE__, #condition);                    \
    } while (false)

#define CABINET_ASSERT_MSG(condition, ...)                                                         \
    do {                                                                                           \
        if (!(condition)) [[unlikely]]                                                             \
            ::cabinet::detail::assertionFailed(__FILE__, __LINE__, #condition, __VA_ARGS__);       \
    } while (false)
