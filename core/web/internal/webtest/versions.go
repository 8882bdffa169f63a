package webtest

import "vorgang/core/internal/testkit"

// SmallVersion is a small version of the definitions, one process and its
// form, for the pages that list and compare recorded versions.
const SmallVersion = testkit.SmallDesk
