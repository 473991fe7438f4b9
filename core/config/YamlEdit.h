#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cabinet::yamledit {

// Sets the scalar at `path` (mapping keys, outermost first) to `value` by
// editing the text of a YAML document in place, so its comments, blank
// lines, key order and quoting elsewhere stay as the operator wrote them.
// An existing scalar is replaced where it stands (a comment after it on the
// line stays), an empty or null value gets the value after its colon, and a
// missing key is added after the last entry of the deepest mapping that
// exists, at that mapping's indentation (under an empty section: after it).
//
// Returns nothing when the document is not one this edits safely (flow
// style, block scalars, anchors, multi-line values, unparsable text): the
// caller then rewrites the document from its tree. The caller must also
// check the result by parsing it, since a form this does not foresee could
// still be edited wrongly.
std::optional<std::string> setScalar(const std::string &text, const std::vector<std::string> &path,
                                     const std::string &value);

} // namespace cabinet::yamledit
