#pragma once
// A tiny check harness for the scenario engine's tests: they must build on a
// GPU machine that has neither Qt nor GoogleTest.
//
//   CHECK(cond); CHECK_EQ(a, b); CHECK_NEAR(a, b, tol); CHECK_CONTAINS(text, part);
//   return gpu_check::finish("tst_name");   // exit code 0 when all passed
//
// Each failed check prints file:line and the values; the run continues so one
// run shows every failure.

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace gpu_check {

inline int& passed()
{
    static int n = 0;
    return n;
}
inline int& failed()
{
    static int n = 0;
    return n;
}

inline void report(bool ok, const char* file, int line, const std::string& what)
{
    if (ok) {
        ++passed();
        return;
    }
    ++failed();
    std::cerr << file << ":" << line << ": FAILED: " << what << std::endl;
}

template <class A, class B>
std::string describe(const char* expr, const A& a, const B& b)
{
    std::ostringstream s;
    s.precision(17);
    s << expr << " (" << a << " vs " << b << ")";
    return s.str();
}

inline int finish(const char* name)
{
    std::cout << name << ": " << passed() << " passed, " << failed() << " failed" << std::endl;
    return failed() == 0 ? 0 : 1;
}

// Exit code that CTest's SKIP_RETURN_CODE maps to "skipped".
constexpr int kSkip = 77;

} // namespace gpu_check

#define CHECK(cond) ::gpu_check::report(static_cast<bool>(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(a, b)                                                                                                 \
    do {                                                                                                               \
        const auto& check_a_ = (a);                                                                                    \
        const auto& check_b_ = (b);                                                                                    \
        ::gpu_check::report(check_a_ == check_b_, __FILE__, __LINE__,                                                  \
            ::gpu_check::describe(#a " == " #b, check_a_, check_b_));                                                  \
    } while (0)
#define CHECK_NEAR(a, b, tol)                                                                                          \
    do {                                                                                                               \
        const double check_a_ = static_cast<double>(a);                                                                \
        const double check_b_ = static_cast<double>(b);                                                                \
        const double check_t_ = static_cast<double>(tol);                                                              \
        ::gpu_check::report(std::fabs(check_a_ - check_b_) <= check_t_, __FILE__, __LINE__,                            \
            ::gpu_check::describe("|" #a " - " #b "| <= " #tol, check_a_, check_b_) + " tol "                           \
                + std::to_string(check_t_));                                                                           \
    } while (0)
#define CHECK_CONTAINS(text, part)                                                                                     \
    do {                                                                                                               \
        const std::string check_t_ = (text);                                                                           \
        const std::string check_p_ = (part);                                                                           \
        ::gpu_check::report(check_t_.find(check_p_) != std::string::npos, __FILE__, __LINE__,                          \
            std::string(#text " contains \"") + check_p_ + "\" (text: \"" + check_t_ + "\")");                          \
    } while (0)
