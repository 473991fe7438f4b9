#pragma once

#include "Cabinet.h"
#include "Result.h"

#include <QCommandLineParser>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <optional>
#include <vector>

namespace cabinet::cli {

// Exit codes of every subcommand.
enum ExitCode { Ok = 0, Failure = 1, Usage = 2 };

struct Context {
    QStringList args;                      // after the command words
    QString dataDir;                       // resolved --data-dir
    QMap<QString, QString> configOverrides; // --set key=value
    QTextStream &out;
    QTextStream &err;
};

struct Command {
    QStringList path;  // {"audit", "verify"}
    QString arguments; // synopsis of the positional arguments, for --help
    QString summary;
    std::function<void(QCommandLineParser &)> declare; // options and positionals
    std::function<int(Context &, QCommandLineParser &)> run;
};

// Every subcommand, in the order --help lists them. The one place commands
// are dispatched from.
const std::vector<Command> &commands();

// Parses a command's arguments. Returns an exit code when the command must
// not run: its --help was printed (0) or the arguments are bad (2),
// positional arguments given to a command whose synopsis has none included.
std::optional<int> parse(const Command &command, Context &context, QCommandLineParser &parser);

// Whether a command reads settings from config.yaml.
enum class ConfigUse {
    NotRead, // audit verify, ledger queries: run even when config.yaml is broken
    Read,    // config get / list
};

// Opens the data directory for a command: read-only commands take no lock
// and work beside a running console. A read-only command that reads no
// setting runs on when config.yaml does not load, with a warning on stderr,
// so the trail can be verified and exported before the file is mended; a
// command that reads settings or writes refuses, naming the file and line.
Result<std::unique_ptr<Cabinet>> openCabinet(const Context &context, bool readOnly, ConfigUse config = ConfigUse::NotRead);

// Prints "cabinet: <message>" on stderr and returns the code.
int fail(Context &context, const QString &message, int code = Failure);
// Prints the error and returns its exit code: 2 for invalid_argument, else 1.
int fail(Context &context, const Error &error);

// Runs an operation of the catalogue (docs/api.md) as the person at this
// terminal and returns its result's JSON text. A mutating one goes to the
// owner's control socket when a console or server owns the data directory,
// and otherwise opens the directory here; a reading one opens it read-only
// here (that works beside an owner).
Result<QByteArray> callOperation(const Context &context, const QString &name, const QByteArray &params,
                                 ConfigUse config = ConfigUse::NotRead);

std::vector<Command> agentCommands();
std::vector<Command> apiCommands();
std::vector<Command> approvalCommands();
std::vector<Command> auditCommands();
std::vector<Command> boardCommands();
std::vector<Command> configCommands();
std::vector<Command> costCommands();
std::vector<Command> ledgerCommands();
std::vector<Command> modelCommands();
std::vector<Command> pilotCommands();
std::vector<Command> simulateCommands();
std::vector<Command> taskCommands();
std::vector<Command> tokenCommands();
std::vector<Command> workCommands();
std::vector<Command> workflowCommands();

} // namespace cabinet::cli
