package knowledge

// FileID is the attachment id an article file uploaded at a time gets,
// for tests that lay out what a crash leaves in the storage.
var FileID = fileID
