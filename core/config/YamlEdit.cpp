#include "config/YamlEdit.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace cabinet::yamledit {

namespace {

std::vector<std::string> splitLines(const std::string &text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t newline; (newline = text.find('\n', start)) != std::string::npos; start = newline + 1)
        lines.push_back(text.substr(start, newline - start));
    lines.push_back(text.substr(start)); // after the last newline: "" when the text ends with one
    return lines;
}

std::string joinLines(const std::vector<std::string> &lines)
{
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0)
            text += '\n';
        text += lines[i];
    }
    return text;
}

// Where the one-line scalar starting at `begin` ends (one past it), without
// the comment and spaces after it; nothing for forms this does not replace:
// block scalars, anchors, aliases, tags, flow collections, an unclosed quote.
std::optional<std::size_t> scalarEnd(const std::string &line, std::size_t begin)
{
    if (begin >= line.size())
        return std::nullopt;
    const char first = line[begin];
    if (first == '"') {
        for (std::size_t i = begin + 1; i < line.size(); ++i) {
            if (line[i] == '\\')
                ++i;
            else if (line[i] == '"')
                return i + 1;
        }
        return std::nullopt;
    }
    if (first == '\'') {
        for (std::size_t i = begin + 1; i < line.size(); ++i) {
            if (line[i] != '\'')
                continue;
            if (i + 1 < line.size() && line[i + 1] == '\'')
                ++i; // '' is an escaped quote
            else
                return i + 1;
        }
        return std::nullopt;
    }
    if (std::string_view("|>&*!{[").find(first) != std::string_view::npos)
        return std::nullopt;
    std::size_t end = line.size();
    for (std::size_t i = begin + 1; i < line.size(); ++i) {
        if (line[i] == '#' && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
            end = i;
            break;
        }
    }
    while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r'))
        --end;
    return end;
}

// The value as a YAML scalar on one line: plain where YAML reads it back as
// the same string, quoted where it would not ("true", "a: b", ...).
std::string scalarText(const std::string &value)
{
    YAML::Emitter plain;
    plain << value;
    std::string text = plain.c_str();
    if (text.find('\n') != std::string::npos) {
        YAML::Emitter quoted;
        quoted << YAML::DoubleQuoted << value;
        text = quoted.c_str();
    }
    return text;
}

// The last line the node's text occupies, as far as marks tell (a multi-line
// scalar's continuation is not seen; the caller's check catches that).
std::optional<int> lastLine(const YAML::Node &node)
{
    if (node.IsMap() || node.IsSequence()) {
        if (node.size() == 0)
            return std::nullopt;
        std::optional<int> last;
        for (const auto &item : node) {
            // A map's iterator yields key/value pairs, a sequence's the elements.
            const YAML::Node key = node.IsMap() ? item.first : YAML::Node();
            const YAML::Node element = node.IsMap() ? item.second : YAML::Node(item);
            if (key.IsDefined() && !key.Mark().is_null())
                last = std::max(last.value_or(-1), key.Mark().line);
            if (element.IsNull())
                continue; // an empty value ends on its key's line
            const auto inner = lastLine(element);
            if (!inner)
                return std::nullopt;
            last = std::max(last.value_or(-1), *inner);
        }
        return last;
    }
    if (node.Mark().is_null())
        return std::nullopt;
    return node.Mark().line;
}

// The first entry of a mapping with this key, as key and value nodes.
std::optional<std::pair<YAML::Node, YAML::Node>> findEntry(const YAML::Node &map, const std::string &key)
{
    for (const auto &item : map)
        if (item.first.IsScalar() && item.first.Scalar() == key)
            return std::pair { item.first, item.second };
    return std::nullopt;
}

// For the key at `keyColumn` of `line` whose value is empty ("key:", with
// maybe a comment after it) or an explicit null ("~", "null"): the range
// after the colon that the value replaces; nothing for any other form.
std::optional<std::pair<std::size_t, std::size_t>> emptyValue(const std::string &line, std::size_t keyColumn)
{
    std::size_t colon = std::string::npos;
    if (keyColumn < line.size() && (line[keyColumn] == '"' || line[keyColumn] == '\'')) {
        const auto keyEnd = scalarEnd(line, keyColumn);
        if (!keyEnd)
            return std::nullopt;
        colon = line.find_first_not_of(" \t", *keyEnd);
    } else {
        for (std::size_t i = keyColumn; i < line.size(); ++i)
            if (line[i] == ':' && (i + 1 == line.size() || std::string_view(" \t\r").find(line[i + 1]) != std::string_view::npos)) {
                colon = i;
                break;
            }
    }
    if (colon == std::string::npos || colon >= line.size() || line[colon] != ':')
        return std::nullopt;
    const std::size_t begin = colon + 1;
    std::size_t at = line.find_first_not_of(" \t", begin);
    if (at == std::string::npos || line[at] == '#' || line[at] == '\r')
        return std::pair { begin, begin }; // insert right after the colon
    for (const std::string_view null : { "~", "null", "Null", "NULL" }) {
        const std::size_t end = at + null.size();
        if (std::string_view(line).substr(at, null.size()) == null
            && (end == line.size() || std::string_view(" \t\r").find(line[end]) != std::string_view::npos))
            return std::pair { begin, end };
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> setScalar(const std::string &text, const std::vector<std::string> &path,
                                     const std::string &value)
{
    // yaml-cpp counts columns after a byte order mark: edit what follows it.
    constexpr std::string_view Bom = "\xEF\xBB\xBF";
    if (std::string_view(text).substr(0, Bom.size()) == Bom) {
        auto edited = setScalar(text.substr(Bom.size()), path, value);
        return edited ? std::optional(std::string(Bom) + *edited) : std::nullopt;
    }
    if (path.empty())
        return std::nullopt;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception &) {
        return std::nullopt;
    }
    if (!root.IsNull() && !root.IsMap())
        return std::nullopt;

    std::vector<std::string> lines = splitLines(text);
    // Adds the keys path[from..] under the line `after` (none: at the end of
    // the text), `indent` deep.
    const auto addKeys = [&](std::size_t from, std::optional<std::size_t> after, const std::string &indent) {
        const bool crlf = text.find("\r\n") != std::string::npos;
        std::size_t insertAt;
        if (after) {
            insertAt = *after + 1;
        } else if (!lines.back().empty()) {
            if (crlf)
                lines.back() += '\r';
            insertAt = lines.size();
            lines.push_back({}); // the text did not end with a newline
        } else {
            insertAt = lines.size() - 1; // before the "" after the last newline
        }
        std::vector<std::string> added;
        for (std::size_t k = from; k < path.size(); ++k) {
            std::string entry = indent + std::string(2 * (k - from), ' ') + scalarText(path[k]) + ':';
            if (k + 1 == path.size())
                entry += ' ' + scalarText(value);
            added.push_back(crlf ? entry + '\r' : entry);
        }
        lines.insert(lines.begin() + std::ptrdiff_t(insertAt), added.begin(), added.end());
        return joinLines(lines);
    };

    YAML::Node node = root;
    for (std::size_t depth = 0; depth < path.size(); ++depth) {
        const auto entry = node.IsMap() ? findEntry(node, path[depth]) : std::nullopt;
        const bool last = depth + 1 == path.size();
        if (!entry) {
            // Missing: add it, with the keys under it, after the mapping's
            // last entry at the indentation of its first.
            if (depth == 0)
                return addKeys(depth, std::nullopt, {});
            const auto end = lastLine(node);
            if (!end || node.size() == 0 || node.begin()->first.Mark().is_null())
                return std::nullopt;
            if (std::size_t(*end) >= lines.size())
                return std::nullopt;
            return addKeys(depth, std::size_t(*end), std::string(std::size_t(node.begin()->first.Mark().column), ' '));
        }
        const auto &[key, child] = *entry;
        if (child.IsNull()) {
            // "key:" or "key: ~": the value goes after the colon, or the keys
            // under it on the lines after.
            if (key.Mark().is_null() || std::size_t(key.Mark().line) >= lines.size())
                return std::nullopt;
            std::string &line = lines[std::size_t(key.Mark().line)];
            const auto empty = emptyValue(line, std::size_t(key.Mark().column));
            if (!empty)
                return std::nullopt;
            const auto [begin, end] = *empty;
            if (last) {
                line.replace(begin, end - begin, ' ' + scalarText(value));
                return joinLines(lines);
            }
            line.erase(begin, end - begin);
            return addKeys(depth + 1, std::size_t(key.Mark().line), std::string(std::size_t(key.Mark().column) + 2, ' '));
        }
        if (last) {
            // Replace the scalar where it stands.
            if (!child.IsScalar() || child.Mark().is_null() || std::size_t(child.Mark().line) >= lines.size())
                return std::nullopt;
            std::string &line = lines[std::size_t(child.Mark().line)];
            const auto begin = std::size_t(child.Mark().column);
            const auto end = scalarEnd(line, begin);
            if (!end)
                return std::nullopt;
            line.replace(begin, *end - begin, scalarText(value));
            return joinLines(lines);
        }
        if (!child.IsMap())
            return std::nullopt;
        node.reset(child);
    }
    return std::nullopt;
}

} // namespace cabinet::yamledit
