#pragma once

#include "Cabinet.h"
#include "events/Event.h"

#include <QObject>
#include <memory>

namespace cabinet::gui {

// Owns the Cabinet core on the core thread. Everything here runs on that
// thread; the GUI side talks to it only through CoreConnection's queued calls.
class CoreHost : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~CoreHost() override;

    // Opens and starts the core; reports opened() or failed().
    void open(Cabinet::Options options);
    // Stops the core and closes the database, releasing the data directory.
    void shutdown();

    // Null until opened, and after a failure or shutdown.
    Cabinet *cabinet() const { return m_cabinet.get(); }

Q_SIGNALS:
    void opened(const QString &dataDir);
    void failed(const QString &message);
    void published(const cabinet::Event &event);

private:
    std::unique_ptr<Cabinet> m_cabinet;
};

} // namespace cabinet::gui
