package argos

// DataField names a field of a submission's data object (the DataField…
// constants). It is an alias of string until the typed DataField of the
// v1.0 names replaces it; the two are spelt the same in every call.
type DataField = string
