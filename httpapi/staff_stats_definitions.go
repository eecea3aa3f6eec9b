package httpapi

import (
	"html"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/docs"
)

// statsDefinitions is docs/statistics.md as HTML, rendered once: the page
// and the file are one text.
var statsDefinitions = markdownHTML(docs.Statistics)

type statsDefinitionsPage struct {
	staffLayout
	Body template.HTML
}

// showStatsDefinitions serves 统计口径说明 (docs/statistics.md) to staff.
func (s *Server) showStatsDefinitions(c echo.Context) error {
	return s.renderStaff(c, http.StatusOK, "staff/stats_definitions.html", "stats", "统计口径说明", &statsDefinitionsPage{Body: statsDefinitions})
}

// markdownHTML renders the subset of Markdown the docs use: # headings,
// paragraphs (lines joined without a space, as Chinese is written), "- "
// lists, | tables | with a |---| line under the head, **bold** and `code`.
// Every character of the text is escaped; nothing else is let through.
func markdownHTML(src string) template.HTML {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inlineMarkdown(strings.Join(para, "")) + "</p>\n")
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
			flush()
			level := len(line) - len(strings.TrimLeft(line, "#"))
			level = min(level, 4) // "# " is the page's title
			tag := "h" + string(rune('0'+level))
			b.WriteString("<" + tag + ">" + inlineMarkdown(strings.TrimSpace(strings.TrimLeft(line, "#"))) + "</" + tag + ">\n")
		case strings.HasPrefix(line, "- "):
			flush()
			b.WriteString("<ul>\n")
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "- "); i++ {
				b.WriteString("<li>" + inlineMarkdown(strings.TrimPrefix(strings.TrimSpace(lines[i]), "- ")) + "</li>\n")
			}
			i--
			b.WriteString("</ul>\n")
		case strings.HasPrefix(line, "|"):
			flush()
			var rows [][]string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				rows = append(rows, tableCells(strings.TrimSpace(lines[i])))
			}
			i--
			b.WriteString(`<div class="table-wrap"><table>` + "\n")
			for r, cells := range rows {
				if r == 1 && isRule(cells) {
					continue
				}
				if r == 0 {
					b.WriteString("<thead>")
				}
				b.WriteString("<tr>")
				for j, c := range cells {
					switch {
					case r == 0:
						b.WriteString(`<th scope="col">` + inlineMarkdown(c) + "</th>")
					case j == 0:
						b.WriteString(`<th scope="row">` + inlineMarkdown(c) + "</th>")
					default:
						b.WriteString("<td>" + inlineMarkdown(c) + "</td>")
					}
				}
				b.WriteString("</tr>")
				if r == 0 {
					b.WriteString("</thead><tbody>")
				}
				b.WriteString("\n")
			}
			b.WriteString("</tbody></table></div>\n")
		default:
			para = append(para, line)
		}
	}
	flush()
	return template.HTML(b.String())
}

func tableCells(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// isRule reports whether a table row is the |---|---| line under the head.
func isRule(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, "-: ") != "" {
			return false
		}
	}
	return true
}

// inlineMarkdown escapes s and turns **bold** and `code` into tags.
func inlineMarkdown(s string) string {
	var b strings.Builder
	bold := false
	for s != "" {
		switch {
		case strings.HasPrefix(s, "`"):
			if end := strings.Index(s[1:], "`"); end >= 0 {
				b.WriteString("<code>" + html.EscapeString(s[1:1+end]) + "</code>")
				s = s[end+2:]
				continue
			}
			b.WriteString("`")
			s = s[1:]
		case strings.HasPrefix(s, "**"):
			if bold {
				b.WriteString("</strong>")
			} else {
				b.WriteString("<strong>")
			}
			bold = !bold
			s = s[2:]
		default:
			n := strings.IndexAny(s, "`*")
			if n < 0 {
				n = len(s)
			} else if n == 0 {
				n = 1
			}
			b.WriteString(html.EscapeString(s[:n]))
			s = s[n:]
		}
	}
	if bold {
		b.WriteString("</strong>")
	}
	return b.String()
}
