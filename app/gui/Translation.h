#pragma once

#include <QLocale>

class QCoreApplication;

namespace cabinet::gui {

// The console's language: $CABINET_LANG ("de", "es_ES") when set, else the
// system locale.
QLocale consoleLocale();

// Installs the console's translations for `locale` on the application: the
// English plural forms ("1 entry", "2 entries") always, the locale's
// language on top. Returns false when that language has no translation; the
// console then shows its English text.
bool installTranslation(QCoreApplication &app, const QLocale &locale);

} // namespace cabinet::gui
