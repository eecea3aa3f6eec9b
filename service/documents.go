package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zhiban/fault"
	"zhiban/paper"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// DocKind names a kind of official document.
type DocKind string

// The case documents of the Regulations on Petition Work.
const (
	DocAccept    DocKind = "accept"    // 受理告知书 (art. 23)
	DocReject    DocKind = "reject"    // 不予受理告知书 (art. 23)
	DocOpinion   DocKind = "opinion"   // 信访处理意见书 (art. 32)
	DocExtension DocKind = "extension" // 延期办理告知书 (art. 34)
	DocReview    DocKind = "review"    // 复查意见书 (art. 35)
	DocRecheck   DocKind = "recheck"   // 复核意见书 (art. 36)
)

// docKind is what a kind of document is called, its code in the 文号, and
// how a case (or later a registration or session) makes one.
type docKind struct {
	title, code string
	// supports refuses a case whose state the document cannot speak of.
	supports func(k visits.Case) error
	// body fills in the addressee, paragraphs and notes.
	body func(k visits.Case, cal roster.Calendar) paper.Doc
}

// CaseDocKinds are the documents a case can have, in the order a case meets them.
var CaseDocKinds = []DocKind{DocAccept, DocReject, DocExtension, DocOpinion, DocReview, DocRecheck}

var docKinds = map[DocKind]docKind{
	DocAccept: {"受理告知书", "受", needDate(func(k visits.Case) roster.Date { return k.Accepted }, "案件尚未受理，不能出具受理告知书"), acceptBody},
	DocReject: {"不予受理告知书", "不受", func(k visits.Case) error {
		if k.State != visits.StateRejected {
			return stateRefusal("案件未作不予受理决定，不能出具不予受理告知书")
		}
		return nil
	}, rejectBody},
	DocOpinion: {"信访处理意见书", "意", needDate(func(k visits.Case) roster.Date { return k.Replied },
		"案件尚未出具处理意见（办理中“出具处理意见”一步），不能出具信访处理意见书"), opinionBody},
	DocExtension: {"延期办理告知书", "延", func(k visits.Case) error {
		if k.ExtensionDays == 0 {
			return stateRefusal("案件没有延长办理期限，不能出具延期办理告知书")
		}
		return nil
	}, extensionBody},
	DocReview: {"复查意见书", "复查", needDate(func(k visits.Case) roster.Date { return k.Reviewed },
		"案件尚未出具复查意见，不能出具复查意见书"), reviewBody},
	DocRecheck: {"复核意见书", "复核", needDate(func(k visits.Case) roster.Date { return k.Rechecked },
		"案件尚未出具复核意见，不能出具复核意见书"), recheckBody},
}

// Title is the document's name, e.g. 受理告知书; "" for an unknown kind.
func (k DocKind) Title() string { return docKinds[k].title }

func stateRefusal(msg string) error {
	return &fault.Error{Kind: fault.Conflict, Code: "refused", Field: "state", Msg: msg}
}

func needDate(date func(visits.Case) roster.Date, msg string) func(visits.Case) error {
	return func(k visits.Case) error {
		if date(k) == 0 {
			return stateRefusal(msg)
		}
		return nil
	}
}

func docKindOf(kind DocKind) (docKind, error) {
	dk, ok := docKinds[kind]
	if !ok {
		return dk, fault.InvalidField("kind", "文书种类无效")
	}
	return dk, nil
}

// supportsCase refuses a document the case cannot have now.
func (dk docKind) supportsCase(k visits.Case) error {
	if k.IsDispute() {
		return stateRefusal("矛盾纠纷不是信访事项，不出具信访文书")
	}
	return dk.supports(k)
}

// IssuedDocument is an issued document: its record (kind, 文号, date) and its layout.
type IssuedDocument struct {
	store.Document
	Title string    `json:"title"`
	Doc   paper.Doc `json:"doc"`
}

// FileName is the document's download name, e.g. 受理告知书-2027-0042.docx.
func (d IssuedDocument) FileName(code, ext string) string {
	return d.Title + "-" + code + ext
}

// IssueDocument gives case id its document of kind: the first time it
// takes the kind's next 文号 of the year of today (the county's date of
// c.Now) and audits it; again, it returns the same document. A document
// the case's state cannot speak of is refused.
func (s *Service) IssueDocument(ctx context.Context, c Call, kind DocKind, id int64) (IssuedDocument, error) {
	dk, err := docKindOf(kind)
	if err != nil {
		return IssuedDocument{}, err
	}
	var out IssuedDocument
	err = s.run(ctx, c, func(ctx context.Context, e Env) error {
		k, err := e.Tx.Case(ctx, id)
		if err != nil {
			return err
		}
		if existing, err := e.Tx.Document(ctx, string(kind), id); err == nil {
			out, err = s.layCase(ctx, e.Tx, dk, existing, k, e.Cal)
			return err
		}
		if err := dk.supportsCase(k); err != nil {
			return err
		}
		prefix, err := s.docPrefix(ctx, e.Tx)
		if err != nil {
			return err
		}
		doc, _, err := e.Tx.IssueDocument(ctx, string(kind), id, e.Today, e.Actor, func(year, seq int) string {
			return fmt.Sprintf("%s%s〔%d〕%d号", prefix, dk.code, year, seq)
		})
		if err != nil {
			return err
		}
		out, err = s.layCase(ctx, e.Tx, dk, doc, k, e.Cal)
		return err
	})
	return out, err
}

// ReadDocument returns case id's issued document of kind as it prints on
// today; one not issued yet is not found.
func (s *Service) ReadDocument(ctx context.Context, today roster.Date, kind DocKind, id int64) (IssuedDocument, error) {
	dk, err := docKindOf(kind)
	if err != nil {
		return IssuedDocument{}, err
	}
	doc, err := s.st.Document(ctx, string(kind), id)
	if errors.Is(err, store.ErrNotFound) {
		return IssuedDocument{}, fault.Missing("kind", "该案件尚未出具"+dk.title+"，请先在案件页出具")
	} else if err != nil {
		return IssuedDocument{}, err
	}
	k, err := s.st.Case(ctx, id)
	if err != nil {
		return IssuedDocument{}, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return IssuedDocument{}, err
	}
	return s.layCase(ctx, s.st, dk, doc, k, cal)
}

// CaseDocument is a document the case page offers: issued (with its 文号)
// or issuable now.
type CaseDocument struct {
	Kind   DocKind `json:"kind"`
	Title  string  `json:"title"`
	Number string  `json:"number,omitempty"`
}

// CaseDocuments lists case k's issued documents and those its state supports now.
func (s *Service) CaseDocuments(ctx context.Context, k visits.Case) ([]CaseDocument, error) {
	kinds := make([]string, len(CaseDocKinds))
	for i, kd := range CaseDocKinds {
		kinds[i] = string(kd)
	}
	issued, err := s.st.DocumentsOf(ctx, k.ID, kinds)
	if err != nil {
		return nil, err
	}
	numbers := map[DocKind]string{}
	for _, d := range issued {
		numbers[DocKind(d.Kind)] = d.Number
	}
	out := []CaseDocument{}
	for _, kd := range CaseDocKinds {
		dk := docKinds[kd]
		if n, ok := numbers[kd]; ok || dk.supportsCase(k) == nil {
			out = append(out, CaseDocument{Kind: kd, Title: dk.title, Number: n})
		}
	}
	return out, nil
}

// docPrefix is documents.prefix, or the county's first character + 信.
func (s *Service) docPrefix(ctx context.Context, st *store.Store) (string, error) {
	if p := s.cfg.Documents.Prefix; p != "" {
		return p, nil
	}
	county, err := st.Setting(ctx, "county")
	if err != nil {
		return "", err
	}
	first := []rune(county + "县")[0]
	return string(first) + "信", nil
}

// docIssuer is documents.issuer, publish.organizer, or the county's 群众工作部.
func (s *Service) docIssuer(ctx context.Context, st *store.Store) (string, error) {
	for _, v := range []string{s.cfg.Documents.Issuer, s.cfg.Publish.Organizer} {
		if v != "" {
			return v, nil
		}
	}
	county, err := st.Setting(ctx, "county")
	return county + "群众工作部", err
}

// layCase lays out case k's document doc.
func (s *Service) layCase(ctx context.Context, st *store.Store, dk docKind, doc store.Document, k visits.Case, cal roster.Calendar) (IssuedDocument, error) {
	issuer, err := s.docIssuer(ctx, st)
	if err != nil {
		return IssuedDocument{}, err
	}
	p := dk.body(k, cal)
	p.Title, p.Number, p.Issuer, p.Date, p.Seal = dk.title, doc.Number, issuer, doc.IssuedOn, true
	p.Notes = append(p.Notes, "案件编号："+k.Code)
	return IssuedDocument{Document: doc, Title: dk.title, Doc: p}, nil
}

// The letters' wording: short official Chinese, the case's own dates and the
// statutory periods. Case text stays out (it can run to pages); the title
// names the matter.

func addressee(k visits.Case) string {
	if k.GroupSize > 1 {
		return fmt.Sprintf("%s等%d人", k.Petitioner.Name, k.GroupSize)
	}
	return k.Petitioner.Name
}

// brief cuts s to n characters, saying where the rest is: a letter must
// stay on one sheet, and the case file keeps the whole text.
func brief(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "……（详见案卷）"
	}
	return s
}

// Lengths that keep the longest letter on one A4 sheet (22 lines of 28 characters).
const (
	briefTitle = 40
	briefNote  = 60
)

// matter is "你（你们）于2027年1月3日来访反映的“……”事项".
func matter(k visits.Case) string {
	how := map[visits.Channel]string{"来信": "来信", "来访": "来访", "电话": "通过电话", "网上": "通过网上信访"}[k.Channel]
	return fmt.Sprintf("你（你们）于%s%s反映的“%s”事项", paper.ChineseDate(k.Received), how, brief(k.Title, briefTitle))
}

func dueOf(k visits.Case, cal roster.Calendar, kind visits.DeadlineKind) roster.Date {
	for _, d := range k.Deadlines(cal) {
		if d.Kind == kind {
			return d.Due
		}
	}
	return 0
}

// noteOf is the note recorded with duty d, or "".
func noteOf(k visits.Case, d visits.Duty) string {
	for _, m := range k.Milestones {
		if m.Duty == d {
			return strings.TrimSpace(m.Note)
		}
	}
	return ""
}

// fillIn is a line left for the officer to write on, in Word or by hand.
const fillIn = "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿"

func orFillIn(s string) string {
	if s == "" {
		return fillIn
	}
	return s
}

func acceptBody(k visits.Case, cal roster.Calendar) paper.Doc {
	return paper.Doc{Addressee: addressee(k), Body: []string{
		matter(k) + "，本机关已于" + paper.ChineseDate(k.Accepted) + "依法受理。",
		fmt.Sprintf("根据《信访工作条例》第三十四条规定，本机关将自受理之日起%d日内（%s前）办结，并书面答复你（你们）。情况复杂需要延长办理期限的，将另行告知延期理由。",
			visits.HandlingDays, paper.ChineseDate(dueOf(k, cal, visits.DeadlineHandling))),
		"特此告知。",
	}}
}

func rejectBody(k visits.Case, _ roster.Calendar) paper.Doc {
	return paper.Doc{Addressee: addressee(k), Body: []string{
		matter(k) + "，本机关已收悉。",
		"经审查，该事项不符合《信访工作条例》规定的受理条件。根据《信访工作条例》第二十三条规定，本机关决定不予受理。",
		"对依法应当通过诉讼、仲裁、行政复议等法定途径解决的事项，请依照有关法律、行政法规规定的程序向有关机关提出。",
		"特此告知。",
	}}
}

func extensionBody(k visits.Case, cal roster.Calendar) paper.Doc {
	return paper.Doc{Addressee: addressee(k), Body: []string{
		matter(k) + "，本机关已于" + paper.ChineseDate(k.Accepted) + "依法受理。",
		fmt.Sprintf("因%s，经本机关负责人批准，根据《信访工作条例》第三十四条规定，办理期限延长%d日，至%s。",
			strings.TrimRight(brief(k.ExtensionReason, briefNote), "。；，"), k.ExtensionDays, paper.ChineseDate(dueOf(k, cal, visits.DeadlineHandling))),
		"特此告知。",
	}}
}

func opinionBody(k visits.Case, _ roster.Calendar) paper.Doc {
	return paper.Doc{Addressee: addressee(k), Body: []string{
		matter(k) + "，本机关已于" + paper.ChineseDate(k.Accepted) + "依法受理。",
		"经调查核实：" + orFillIn(brief(noteOf(k, visits.DutyInvestigate), briefNote)),
		"处理意见：" + orFillIn(brief(noteOf(k, visits.DutyHandle), briefNote)),
		fmt.Sprintf("如对本处理意见不服，可以自收到本意见书之日起%d日内，请求本机关的上一级机关复查（《信访工作条例》第三十五条）。", visits.ReviewDays),
	}}
}

func reviewBody(k visits.Case, _ roster.Calendar) paper.Doc {
	return paper.Doc{Addressee: addressee(k), Body: []string{
		fmt.Sprintf("你（你们）对%s作出的信访处理意见（案件编号%s）不服，于%s提出复查请求。本机关依法进行了复查。",
			paper.ChineseDate(k.Replied), k.Code, paper.ChineseDate(k.ReviewAsked)),
		"复查意见：" + fillIn,
		fmt.Sprintf("如对本复查意见不服，可以自收到本意见书之日起%d日内，向复查机关的上一级机关请求复核（《信访工作条例》第三十六条）。", visits.RecheckDays),
	}}
}

func recheckBody(k visits.Case, _ roster.Calendar) paper.Doc {
	return paper.Doc{Addressee: addressee(k), Body: []string{
		fmt.Sprintf("你（你们）对%s作出的复查意见（案件编号%s）不服，于%s提出复核请求。本机关依法进行了复核。",
			paper.ChineseDate(k.Reviewed), k.Code, paper.ChineseDate(k.RecheckAsked)),
		"复核意见：" + fillIn,
		"本复核意见为最终意见。信访人对复核意见不服，仍以同一事实和理由提出投诉请求的，不再受理（《信访工作条例》第三十六条）。",
	}}
}
