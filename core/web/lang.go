package web

import "vorgang/core/web/internal/webkit"

// lang names webkit.Lang for the pages that still live in this package.
type lang = webkit.Lang
