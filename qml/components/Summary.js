.pragma library

// One line for a JSON object, for a table cell: "key: value · key: value".
// Strings go without quotes, empty ones as "—"; nested values stay JSON.
function line(json) {
    let object
    try {
        object = JSON.parse(json)
    } catch (error) {
        return json
    }
    if (object === null || typeof object !== "object")
        return String(object)
    return Object.keys(object).map(key => {
        const value = object[key]
        const shown = typeof value === "string" ? (value.length ? value : "—")
                                                : JSON.stringify(value)
        return key + ": " + shown
    }).join("  ·  ")
}
