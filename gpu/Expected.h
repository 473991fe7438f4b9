#pragma once
// Errors are values at module boundaries (HACKING.md): every entry point
// of the scenario engine returns Expected<T>, a value or an Error with a
// message a user can act on. (std::expected arrives with C++23.)

#include <string>
#include <utility>
#include <variant>

namespace cabinet::gpu {

struct Error {
    enum class Code {
        InvalidParameters, // ScenarioParams failed validate(); the message names the field
        InvalidOptions, // RunOptions out of range; the message names the option
        UnknownBackend, // makeEngine got a name other than auto, cpu, cuda
        BackendUnavailable, // cuda asked for, but not built or no device
        Cancelled, // the cancel flag was raised during run(), or the progress callback threw
        DeviceError, // a CUDA call failed during run()
        OutOfMemory, // host memory for the outcomes could not be allocated
    };
    Code code;
    std::string message;
};

template <class T>
class Expected {
public:
    Expected(T value)
        : m_v(std::in_place_index<0>, std::move(value))
    {
    }
    Expected(Error error)
        : m_v(std::in_place_index<1>, std::move(error))
    {
    }

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T* operator->() { return &std::get<0>(m_v); }
    const T* operator->() const { return &std::get<0>(m_v); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

} // namespace cabinet::gpu
