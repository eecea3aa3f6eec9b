package paper

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"zhiban/roster"
)

const hostile = `</w:t><w:t>注入<script>alert(1)</script>&amp;"'`

func sample() Doc {
	return Doc{
		Title: "受理告知书", Number: "临信受〔2027〕12号", Addressee: "张三" + hostile,
		Fields: []Field{{Label: "案件编号", Value: "2027-0042"}, {Label: "事项", Value: hostile}},
		Table:  &Table{Caption: "来访登记", Head: []string{"时间", "姓名"}, Rows: [][]string{{"09:00", "李四" + hostile}}},
		Body:   []string{"你（你们）于2027年1月3日反映的事项，本机关已依法受理。", hostile},
		Issuer: "临江县群众工作部", Date: roster.NewDate(2027, 1, 5), Seal: true,
		Notes: []string{"如对处理意见不服，可于30日内请求复查。"},
	}
}

func TestChineseDate(t *testing.T) {
	for d, want := range map[roster.Date]string{
		roster.NewDate(2027, 1, 5): "2027年1月5日", roster.NewDate(2026, 12, 31): "2026年12月31日", 0: "",
	} {
		if got := ChineseDate(d); got != want {
			t.Errorf("ChineseDate(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestHTMLLaysOutAndEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, sample(), Page{Stylesheet: "/static/paper.css", Links: []Link{{"下载 Word", "/x.docx"}}}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`<link rel="stylesheet" href="/static/paper.css">`, `<h1 class="title">受理告知书</h1>`,
		"临信受〔2027〕12号", "张三", "：</p>", "2027-0042", "李四", "临江县群众工作部", "2027年1月5日", "（盖章）",
		"&lt;/w:t&gt;&lt;w:t&gt;注入&lt;script&gt;", `href="/x.docx"`, "如对处理意见不服"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>", "style=", "<style"} {
		if strings.Contains(html, bad) {
			t.Errorf("page holds %q (the CSP forbids inline script and style)", bad)
		}
	}
	if !bytes.Contains(Stylesheet, []byte("size: A4")) || !bytes.Contains(Stylesheet, []byte("37mm")) {
		t.Error("stylesheet lacks the A4 page and its margins")
	}
}

// docxParts opens the zip and checks every part is well-formed XML.
func docxParts(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r)
		r.Close()
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			if _, err := dec.Token(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s is not well-formed: %v", f.Name, err)
			}
		}
		parts[f.Name] = string(body)
	}
	return parts
}

// docxText is the text of every w:t in order, as Word reads it.
func docxText(t *testing.T, doc string) string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	var b strings.Builder
	in := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in = tok.Name.Local == "t"
		case xml.EndElement:
			if tok.Name.Local == "p" {
				b.WriteString("\n")
			}
			in = false
		case xml.CharData:
			if in {
				b.Write(tok)
			}
		}
	}
}

func TestDOCXOpensWithTextAndPage(t *testing.T) {
	b, err := DOCX(sample())
	if err != nil {
		t.Fatal(err)
	}
	parts := docxParts(t, b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"} {
		if _, ok := parts[name]; !ok {
			t.Errorf("docx lacks %s", name)
		}
	}
	doc := parts["word/document.xml"]
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="2098"`, `w:left="1587"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if !strings.Contains(parts["word/styles.xml"], `w:eastAsia="仿宋_GB2312"`) {
		t.Error("styles lack the East-Asian body font")
	}
	text := docxText(t, doc)
	for _, want := range []string{"受理告知书", "临信受〔2027〕12号", "张三" + hostile + "：", "2027-0042", "李四" + hostile,
		"本机关已依法受理", "临江县群众工作部", "2027年1月5日", "（盖章）", "如对处理意见不服"} {
		if !strings.Contains(text, want) {
			t.Errorf("document text lacks %q:\n%s", want, text)
		}
	}
	// The hostile text stays one text node: no run was closed by it.
	if !strings.Contains(doc, "&lt;/w:t&gt;&lt;w:t&gt;") || strings.Contains(doc, "<script>") {
		t.Error("hostile text escaped its w:t")
	}
	again, _ := DOCX(sample())
	if !bytes.Equal(b, again) {
		t.Error("the same document gave different bytes")
	}
}

// TestDOCXReadByPythonDocx opens the file with python-docx, as another
// reader of WordprocessingML. .ci/run sets ZHIBAN_PYTHON_DOCX to a Python
// that has it; then a missing module fails the test.
func TestDOCXReadByPythonDocx(t *testing.T) {
	py := os.Getenv("ZHIBAN_PYTHON_DOCX")
	if py == "" {
		t.Skip("ZHIBAN_PYTHON_DOCX is not set (.ci/run sets it)")
	}
	b, err := DOCX(sample())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "doc.docx")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", `
import sys, docx
d = docx.Document(sys.argv[1])
s = d.sections[0]
print("page", s.page_width.mm.__round__(), s.page_height.mm.__round__(), s.top_margin.mm.__round__(), s.left_margin.mm.__round__())
for p in d.paragraphs: print(p.text)
for t in d.tables:
    for r in t.rows: print("|".join(c.text for c in r.cells))
`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("python-docx: %v\n%s", err, out)
	}
	for _, want := range []string{"page 210 297 37 28", "受理告知书", "临信受〔2027〕12号", "事项|" + hostile, "09:00|李四" + hostile,
		"临江县群众工作部", "2027年1月5日"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("python-docx read no %q:\n%s", want, out)
		}
	}
}
