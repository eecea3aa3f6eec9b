// Package docs embeds the documentation staff read inside zhiban, so the
// page and the file are one text: statistics.md (统计口径说明) is served at
// /staff/stats/definitions.
package docs

import _ "embed"

// Statistics is docs/statistics.md: how each statistic is computed and which dates count.
//
//go:embed statistics.md
var Statistics string
