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

} // namespace

std::optional<std::string> setScalar(const std::string &text, const std::vector<std::string> &path,
                                     const std::string &value)
{
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
    YAML::Node node = root;
    for (std::size_t depth = 0; depth < path.size(); ++depth) {
        // Looked up through a const node: yaml-cpp's non-const [] adds the
        // key. (`node` is a mapping, or an empty document at the top.)
        const YAML::Node &lookup = node;
        const YAML::Node child = node.IsMap() ? lookup[path[depth]] : YAML::Node(YAML::NodeType::Undefined);
        const bool last = depth + 1 == path.size();
        if (child.IsDefined() && last) {
            // Replace the scalar where it stands.
            if (!child.IsScalar() || child.Mark().is_null())
                return std::nullopt;
            const auto line = std::size_t(child.Mark().line);
            const auto begin = std::size_t(child.Mark().column);
            if (line >= lines.size())
                return std::nullopt;
            const auto end = scalarEnd(lines[line], begin);
            if (!end)
                return std::nullopt;
            lines[line].replace(begin, *end - begin, scalarText(value));
            return joinLines(lines);
        }
        if (child.IsDefined()) {
            if (!child.IsMap())
                return std::nullopt; // an empty section ("log:") or not a mapping
            node.reset(child);
            continue;
        }

        // The key is missing from `node`: add it and the keys under it.
        std::string indent;
        std::size_t insertAt = lines.size();
        if (depth > 0) {
            const auto end = lastLine(node);
            if (!end || node.size() == 0 || node.begin()->first.Mark().is_null())
                return std::nullopt;
            indent.assign(std::size_t(node.begin()->first.Mark().column), ' ');
            insertAt = std::size_t(*end) + 1;
        } else if (!lines.back().empty()) {
            lines.push_back({}); // the text did not end with a newline
        } else {
            insertAt = lines.size() - 1; // before the "" after the last newline
        }
        if (insertAt > lines.size())
            return std::nullopt;
        const bool crlf = insertAt > 0 && !lines[insertAt - 1].empty() && lines[insertAt - 1].back() == '\r';
        std::vector<std::string> added;
        for (std::size_t k = depth; k < path.size(); ++k) {
            std::string entry = indent + std::string(2 * (k - depth), ' ') + path[k] + ':';
            if (k + 1 == path.size())
                entry += ' ' + scalarText(value);
            added.push_back(crlf ? entry + '\r' : entry);
        }
        lines.insert(lines.begin() + std::ptrdiff_t(insertAt), added.begin(), added.end());
        return joinLines(lines);
    }
    return std::nullopt;
}

} // namespace cabinet::yamledit
