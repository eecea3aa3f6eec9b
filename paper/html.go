package paper

import (
	_ "embed"
	"html/template"
	"io"
)

// Stylesheet is the A4 layout the HTML page links to: the server serves it
// as a static file, since the staff pages' CSP allows no inline style.
//
//go:embed paper.css
var Stylesheet []byte

//go:embed paper.html
var pageHTML string

var pageTemplate = template.Must(template.New("paper").Funcs(template.FuncMap{"cnDate": ChineseDate}).Parse(pageHTML))

// HTML writes d as a standalone page that prints on one A4 sheet.
func HTML(w io.Writer, d Doc, p Page) error {
	return pageTemplate.Execute(w, struct {
		Doc
		Page Page
	}{d, p})
}
