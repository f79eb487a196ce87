// Package defaulttheme embeds Nashra's default theme: html/template files
// under templates/ and static assets under static/. A site overrides any of
// them file by file from DATA/theme/ (same relative paths).
package defaulttheme

import "embed"

// FS holds templates/ and static/.
//
//go:embed templates static
var FS embed.FS
