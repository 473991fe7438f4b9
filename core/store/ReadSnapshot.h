#pragma once

#include "store/Database.h"

namespace cabinet {

// A read that sees one state of the database however many statements it
// takes, while another process may be writing: a savepoint opens a read
// transaction, or nests in one already open.
class ReadSnapshot {
public:
    explicit ReadSnapshot(Database &db) : m_db(db) { m_open = bool(m_db.statement("SAVEPOINT read_snapshot").exec()); }
    ~ReadSnapshot()
    {
        if (m_open)
            (void)m_db.statement("RELEASE read_snapshot").exec();
    }
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

private:
    Database &m_db;
    bool m_open = false;
};

} // namespace cabinet
