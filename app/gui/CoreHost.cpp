#include "gui/CoreHost.h"

#include "Assert.h"
#include "events/EventBus.h"

namespace cabinet::gui {

CoreHost::~CoreHost()
{
    shutdown();
}

void CoreHost::open(Cabinet::Options options)
{
    CABINET_ASSERT(!m_cabinet);
    auto result = Cabinet::open(std::move(options));
    if (!result) {
        Q_EMIT failed(result.error().message);
        return;
    }
    std::unique_ptr<Cabinet> cabinet = std::move(*result);
    // Connected before start() so the core.start entry reaches the console.
    connect(&cabinet->events(), &EventBus::published, this, &CoreHost::published);
    if (auto started = cabinet->start(); !started) {
        Q_EMIT failed(started.error().message);
        return;
    }
    m_cabinet = std::move(cabinet);
    Q_EMIT opened(m_cabinet->dataDir());
}

void CoreHost::shutdown()
{
    if (!m_cabinet)
        return;
    m_cabinet->stop();
    m_cabinet.reset();
}

} // namespace cabinet::gui
