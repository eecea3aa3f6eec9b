package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/paper"
	"zhiban/service"
)

// Official documents (公文): issued from the case page or the API, which
// allocates the 文号, then printed from the browser or downloaded as .docx.
// They carry petitioners' names, so every route needs an editor.

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// documentPath is where document kind of subject prints; ext ".docx" downloads it.
func documentPath(kind service.DocKind, subject int64, ext string) string {
	return fmt.Sprintf("/staff/documents/%s/%d%s", kind, subject, ext)
}

// documentSubject reads the path's kind and subject ("12" or "12.docx").
func documentSubject(c echo.Context) (kind service.DocKind, subject int64, docx bool, err error) {
	kind = service.DocKind(c.Param("kind"))
	s := c.Param("subject")
	s, docx = strings.CutSuffix(s, ".docx")
	subject, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil || subject <= 0 {
		return kind, 0, docx, fault.InvalidField("subject", "编号应为正整数")
	}
	if kind.Title() == "" {
		return kind, 0, docx, fault.Missing("kind", "文书种类无效")
	}
	return kind, subject, docx, nil
}

// postCaseDocument issues one of the case's documents (or the 交办单 of one
// of its hand-overs, subject) and opens it for printing; a refusal
// re-renders the case page with the message.
func (s *Server) postCaseDocument(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	kind := service.DocKind(strings.TrimSpace(c.FormValue("kind")))
	subject := id
	if v := strings.TrimSpace(c.FormValue("subject")); v != "" {
		if subject, err = strconv.ParseInt(v, 10, 64); err != nil || subject <= 0 {
			return fault.InvalidField("subject", "编号应为正整数")
		}
	}
	// The subject must be this case, or one of its hand-overs.
	if kind == service.DocHandover {
		h, herr := s.svc.Handover(c.Request().Context(), s.call(c), subject)
		if err = herr; err == nil && h.Case != id {
			err = fault.Missing("subject", "该交办不属于此案件")
		}
	} else if subject != id {
		err = fault.Missing("subject", "该文书不属于此案件")
	}
	if err == nil {
		_, err = s.svc.IssueDocument(c.Request().Context(), s.call(c), kind, subject)
	}
	if err != nil {
		return refusedForm(c, err, "document", s.renderCasePage)
	}
	return c.Redirect(http.StatusSeeOther, documentPath(kind, subject, ""))
}

// postDocument issues the document of kind of any subject (the desk's
// registration forms) and opens it for printing.
func (s *Server) postDocument(c echo.Context) error {
	kind := service.DocKind(strings.TrimSpace(c.FormValue("kind")))
	subject, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("subject")), 10, 64)
	if err != nil || subject <= 0 {
		return fault.InvalidField("subject", "编号应为正整数")
	}
	if _, err := s.svc.IssueDocument(c.Request().Context(), s.call(c), kind, subject); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, documentPath(kind, subject, ""))
}

// readDocument reads the issued document the path names; docx: the .docx is asked for.
func (s *Server) readDocument(c echo.Context) (d service.IssuedDocument, docx bool, err error) {
	kind, subject, docx, err := documentSubject(c)
	if err != nil {
		return d, docx, err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	d, err = s.svc.ReadDocument(c.Request().Context(), s.call(c), kind, subject)
	return d, docx, err
}

// showDocument prints an issued document on A4, or sends it as .docx.
func (s *Server) showDocument(c echo.Context) error {
	d, docx, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if docx {
		return sendDocx(c, d)
	}
	kind, subject := service.DocKind(d.Kind), d.Subject
	var b bytes.Buffer
	back := paper.Link{Label: "‹ 返回接访台", Href: "/staff/desk?date=" + d.Doc.Date.String()}
	if d.Case != 0 {
		back = paper.Link{Label: "‹ 返回案件", Href: fmt.Sprintf("/staff/cases/%d", d.Case)}
	}
	links := []paper.Link{back, {Label: "下载 Word 文件（.docx，可在 WPS 或 Word 中编辑）", Href: documentPath(kind, subject, ".docx")}}
	if err := paper.HTML(&b, d.Doc, paper.Page{Stylesheet: "/static/paper.css", Links: links}); err != nil {
		return fmt.Errorf("httpapi: document %s/%d: %w", kind, subject, err)
	}
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}

// sendDocx answers with d as a .docx named in Chinese (RFC 5987 filename*),
// with an ASCII name for clients that read only filename.
func sendDocx(c echo.Context, d service.IssuedDocument) error {
	b, err := paper.DOCX(d.Doc)
	if err != nil {
		return err
	}
	ascii := fmt.Sprintf("%s-%d-%d.docx", d.Kind, d.Year, d.Seq)
	name := fmt.Sprintf("%s-%s.docx", d.Title, d.Number)
	c.Response().Header().Set("Content-Disposition",
		fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name)))
	return c.Blob(http.StatusOK, docxType, b)
}

// documentAnswer is the API's view of an issued document: its record, its
// layout and where it prints and downloads.
type documentAnswer struct {
	Document service.IssuedDocument `json:"document"`
	HTML     string                 `json:"html"`
	DOCX     string                 `json:"docx"`
}

func answerDocument(d service.IssuedDocument) documentAnswer {
	kind := service.DocKind(d.Kind)
	return documentAnswer{Document: d, HTML: documentPath(kind, d.Subject, ""), DOCX: documentPath(kind, d.Subject, ".docx")}
}

// issueDocumentJSON issues {"kind", "subject"} and answers with the document;
// issuing again answers with the same 文号.
func (s *Server) issueDocumentJSON(c echo.Context) error {
	var in struct {
		Kind    service.DocKind `json:"kind"`
		Subject int64           `json:"subject"`
	}
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	if in.Subject <= 0 {
		return fault.InvalidField("subject", "编号应为正整数")
	}
	d, err := s.svc.IssueDocument(c.Request().Context(), s.call(c), in.Kind, in.Subject)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, answerDocument(d))
}

// showDocumentJSON answers with an issued document, or its .docx.
func (s *Server) showDocumentJSON(c echo.Context) error {
	d, docx, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if docx {
		return sendDocx(c, d)
	}
	return c.JSON(http.StatusOK, answerDocument(d))
}
