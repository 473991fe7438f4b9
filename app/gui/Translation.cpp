#include "gui/Translation.h"

#include <QCoreApplication>
#include <QTranslator>

namespace cabinet::gui {

namespace {
bool install(QCoreApplication &app, const QLocale &locale)
{
    auto *translator = new QTranslator(&app);
    // qt_add_translations embeds cabinet_<lang>.qm under :/i18n.
    if (!translator->load(locale, QStringLiteral("cabinet"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete translator;
        return false;
    }
    return app.installTranslator(translator);
}
} // namespace

QLocale consoleLocale()
{
    const QString language = qEnvironmentVariable("CABINET_LANG");
    return language.isEmpty() ? QLocale::system() : QLocale(language);
}

bool installTranslation(QCoreApplication &app, const QLocale &locale)
{
    // Installed first, so it is asked last: any other language overrides it.
    const bool english = install(app, QLocale(QLocale::English));
    if (locale.language() == QLocale::English || locale.language() == QLocale::C)
        return english;
    return install(app, locale);
}

} // namespace cabinet::gui
