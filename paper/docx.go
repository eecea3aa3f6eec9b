package paper

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// A4 and the GB/T 9704 margins in twentieths of a point (1 mm = 56.7).
const (
	pageW, pageH = 11906, 16838
	marginTop    = 2098 // 37 mm
	marginBottom = 1984 // 35 mm
	marginLeft   = 1587 // 28 mm
	marginRight  = 1474 // 26 mm
	textWidth    = pageW - marginLeft - marginRight
)

// Fonts as Chinese offices name them; WPS and Word substitute what is installed.
const (
	fontBody  = "仿宋_GB2312"
	fontTitle = "方正小标宋简体"
	fontLatin = "Times New Roman"
)

// DOCX writes d as a WordprocessingML document. It is hand-written (a zip of
// four XML parts): no maintained, licence-free Go library is served here,
// and the layout needs only paragraphs, one table and the page setup.
func DOCX(d Doc) ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	// A fixed time, so the same document gives the same bytes.
	stamp := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/styles.xml", styles},
		{"word/document.xml", document(d)},
	} {
		w, err := z.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return nil, fmt.Errorf("paper: docx %s: %w", part.name, err)
		}
		if _, err := w.Write([]byte(part.body)); err != nil {
			return nil, fmt.Errorf("paper: docx %s: %w", part.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("paper: docx: %w", err)
	}
	return buf.Bytes(), nil
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const contentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`</Types>`

const rootRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

const documentRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// The body is 三号仿宋 (16 pt = sz 32) on an exact 28.9 pt line (578).
var styles = xmlHeader + `<w:styles ` + wNS + `>` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` + fonts(fontBody) + `<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="578" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:jc w:val="center"/><w:spacing w:after="280" w:line="240" w:lineRule="auto"/></w:pPr>` +
	`<w:rPr>` + fonts(fontTitle) + `<w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>` +
	`<w:tblPr><w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`</w:styles>`

func fonts(eastAsia string) string {
	return `<w:rFonts w:ascii="` + fontLatin + `" w:hAnsi="` + fontLatin + `" w:eastAsia="` + eastAsia + `" w:cs="` + fontLatin + `"/>`
}

// esc escapes text for an XML text node or attribute.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// run is one run of text; a size of 0 keeps the style's.
func run(text string, size int) string {
	var rpr string
	if size > 0 {
		rpr = fmt.Sprintf(`<w:rPr><w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr>`, size, size)
	}
	return `<w:r>` + rpr + `<w:t xml:space="preserve">` + esc(text) + `</w:t></w:r>`
}

// para is a paragraph with properties ppr (inner XML) and runs.
func para(ppr string, runs ...string) string {
	if ppr != "" {
		ppr = `<w:pPr>` + ppr + `</w:pPr>`
	}
	return `<w:p>` + ppr + strings.Join(runs, "") + `</w:p>`
}

// Table text is 小四 (12 pt) on a single line spacing.
const cellPPr = `<w:spacing w:line="300" w:lineRule="auto"/><w:jc w:val="left"/>`

func cell(text string, width, size int, ppr string) string {
	return fmt.Sprintf(`<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, width) + para(cellPPr+ppr, run(text, size)) + `</w:tc>`
}

func table(widths []int, rows [][]string, size int, headRows int) string {
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + fmt.Sprint(textWidth) + `" w:type="dxa"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	for i, r := range rows {
		b.WriteString(`<w:tr>`)
		if i < headRows {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for j, text := range r {
			ppr := ""
			if i < headRows {
				ppr = `<w:jc w:val="center"/>`
			}
			b.WriteString(cell(text, widths[j%len(widths)], size, ppr))
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	// Word needs a paragraph between a table and what follows it.
	b.WriteString(para(`<w:spacing w:line="240" w:lineRule="auto"/>`))
	return b.String()
}

func document(d Doc) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:document ` + wNS + `><w:body>`)
	b.WriteString(para(`<w:pStyle w:val="Title"/>`, run(d.Title, 0)))
	if d.Number != "" {
		b.WriteString(para(`<w:jc w:val="center"/><w:spacing w:after="280"/>`, run(d.Number, 0)))
	}
	if d.Addressee != "" {
		b.WriteString(para(`<w:jc w:val="left"/>`, run(d.Addressee+"：", 0)))
	}
	if len(d.Fields) > 0 {
		rows := make([][]string, len(d.Fields))
		for i, f := range d.Fields {
			rows[i] = []string{f.Label, f.Value}
		}
		label := textWidth * 24 / 100
		b.WriteString(table([]int{label, textWidth - label}, rows, 24, 0))
	}
	rows := func() {
		t := d.Table
		if t == nil {
			return
		}
		if t.Caption != "" {
			b.WriteString(para(`<w:jc w:val="left"/>`, run(t.Caption, 24)))
		}
		n := max(len(t.Head), 1)
		widths := make([]int, n)
		for i := range widths {
			widths[i] = textWidth / n
		}
		b.WriteString(table(widths, append([][]string{t.Head}, t.Rows...), 21, 1))
	}
	if !d.TableLast {
		rows()
	}
	for _, p := range d.Body {
		// 首行缩进两字: 640 twips at 16 pt.
		b.WriteString(para(`<w:ind w:firstLineChars="200" w:firstLine="640"/>`, run(p, 0)))
	}
	if d.TableLast {
		rows()
	}
	// The signature: an empty line, the issuer and the date right-aligned
	// with four characters' space (GB/T 9704 7.3.5), the seal over both.
	b.WriteString(para(""))
	right := `<w:jc w:val="right"/><w:ind w:right="1280"/>`
	if d.Seal {
		b.WriteString(para(right+`<w:spacing w:line="300" w:lineRule="auto"/>`, run("（盖章）", 24)))
	}
	b.WriteString(para(right, run(d.Issuer, 0)))
	b.WriteString(para(right, run(ChineseDate(d.Date), 0)))
	for _, n := range d.Notes {
		b.WriteString(para(`<w:spacing w:before="280" w:line="400" w:lineRule="auto"/>`, run(n, 28)))
	}
	fmt.Fprintf(&b, `<w:sectPr><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`,
		pageW, pageH, marginTop, marginRight, marginBottom, marginLeft)
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}
