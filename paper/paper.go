// Package paper lays out an official document (公文) on A4 after GB/T
// 9704-2012: an HTML page to print from the browser and a .docx file to edit
// in WPS or Word. It decides layout only; what a document says comes from
// its caller.
package paper

import (
	"fmt"

	"zhiban/roster"
)

// Doc is one official document.
type Doc struct {
	Title     string  `json:"title"`               // 受理告知书
	Number    string  `json:"number,omitempty"`    // 文号, e.g. 临信受〔2027〕12号; or a form's 编号
	Addressee string  `json:"addressee,omitempty"` // 主送: the person or unit written to, without the colon
	Fields    []Field `json:"fields,omitempty"`    // a form's labelled cells
	Table     *Table  `json:"table,omitempty"`     // a form's rows
	// TableLast prints Table after Body, as a report's 附表 (a form's comes first).
	TableLast bool        `json:"table_last,omitempty"`
	Body      []string    `json:"body,omitempty"`  // paragraphs, each indented two characters
	Issuer    string      `json:"issuer"`          // 发文机关署名
	Date      roster.Date `json:"date"`            // 成文日期
	Seal      bool        `json:"seal"`            // leave the 印章 area
	Notes     []string    `json:"notes,omitempty"` // 附注 below the date, e.g. how to ask for review
}

// Field is one labelled row of a form.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Table is a form's list: a header and rows of as many cells.
type Table struct {
	Caption string     `json:"caption,omitempty"`
	Head    []string   `json:"head"`
	Rows    [][]string `json:"rows"`
}

// ChineseDate writes d as GB/T 9704-2012 asks for the 成文日期: Arabic
// numerals, year, month and day in full, no leading zeros (2027年1月5日).
func ChineseDate(d roster.Date) string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

// Link is a screen-only link above the printed sheet (download, back).
type Link struct {
	Label, Href string
}

// Page is how the HTML page links outside itself.
type Page struct {
	Stylesheet string // URL of Stylesheet as served
	Links      []Link
}
