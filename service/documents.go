package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zhiban/config"
	"zhiban/fault"
	"zhiban/paper"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// DocKind names a kind of official document.
type DocKind string

// The case documents of the Regulations on Petition Work, the 交办单 of a
// hand-over and the desk's two registration forms.
const (
	DocAccept       DocKind = "accept"       // 受理告知书 (art. 23)
	DocReject       DocKind = "reject"       // 不予受理告知书 (art. 23)
	DocOpinion      DocKind = "opinion"      // 信访处理意见书 (art. 32)
	DocExtension    DocKind = "extension"    // 延期办理告知书 (art. 34)
	DocReview       DocKind = "review"       // 复查意见书 (art. 35)
	DocRecheck      DocKind = "recheck"      // 复核意见书 (art. 36)
	DocHandover     DocKind = "handover"     // 交办单, of a hand-over
	DocRegistration DocKind = "registration" // 群众来访登记表, of a desk registration
	DocSession      DocKind = "session"      // 领导接访登记表, of a 开门接访 session
)

// docKind is what a kind of document is called, its code in the 文号, and
// how its subject (a case, hand-over, registration or session) lays it out.
type docKind struct {
	title, code string
	// A case letter: supports refuses a case it cannot speak of, body writes it.
	supports func(k visits.Case) error
	body     func(k visits.Case, cal roster.Calendar) paper.Doc
	// Any other document: lay builds the document of subject id; fresh: it
	// is being issued now, so a subject whose state the document cannot
	// speak of is refused.
	lay func(ctx context.Context, r docEnv, id int64, fresh bool) (laid, error)
	// reveals: the document shows sealed personal data in full, so every
	// read of it is audited as a reveal.
	reveals bool
}

// laid is a document's layout and the case it belongs to (0: none).
type laid struct {
	doc   paper.Doc
	case_ int64
}

// docEnv is what laying out a document reads.
type docEnv struct {
	st    *store.Store
	cal   roster.Calendar
	today roster.Date
	cfg   config.Config
}

// CaseDocKinds are the documents a case can have, in the order a case meets them.
var CaseDocKinds = []DocKind{DocAccept, DocReject, DocExtension, DocOpinion, DocReview, DocRecheck}

var docKinds = map[DocKind]docKind{
	DocAccept: {title: "受理告知书", code: "受", supports: needDate(func(k visits.Case) roster.Date { return k.Accepted },
		"案件尚未受理，不能出具受理告知书"), body: acceptBody},
	DocReject: {title: "不予受理告知书", code: "不受", supports: func(k visits.Case) error {
		if k.State != visits.StateRejected {
			return stateRefusal("案件未作不予受理决定，不能出具不予受理告知书")
		}
		return nil
	}, body: rejectBody},
	DocOpinion: {title: "信访处理意见书", code: "意", supports: needDate(func(k visits.Case) roster.Date { return k.Replied },
		"案件尚未出具处理意见（办理中“出具处理意见”一步），不能出具信访处理意见书"), body: opinionBody},
	DocExtension: {title: "延期办理告知书", code: "延", supports: func(k visits.Case) error {
		if k.ExtensionDays == 0 {
			return stateRefusal("案件没有延长办理期限，不能出具延期办理告知书")
		}
		return nil
	}, body: extensionBody},
	DocReview: {title: "复查意见书", code: "复查", supports: needDate(func(k visits.Case) roster.Date { return k.Reviewed },
		"案件尚未出具复查意见，不能出具复查意见书"), body: reviewBody},
	DocRecheck: {title: "复核意见书", code: "复核", supports: needDate(func(k visits.Case) roster.Date { return k.Rechecked },
		"案件尚未出具复核意见，不能出具复核意见书"), body: recheckBody},
	DocHandover:     {title: "交办单", code: "交", lay: layHandover},
	DocRegistration: {title: "群众来访登记表", code: "登", lay: layRegistration, reveals: true},
	DocSession:      {title: "领导接访登记表", code: "接", lay: laySession},
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

// layout builds the document of subject id; fresh: it is being issued now.
func (dk docKind) layout(ctx context.Context, r docEnv, id int64, fresh bool) (laid, error) {
	if dk.body == nil {
		return dk.lay(ctx, r, id, fresh)
	}
	k, err := r.st.Case(ctx, id)
	if err != nil {
		return laid{}, err
	}
	if fresh {
		if err := dk.supportsCase(k); err != nil {
			return laid{}, err
		}
	}
	d := dk.body(k, r.cal)
	d.Notes = append(d.Notes, "案件编号："+k.Code)
	return laid{doc: d, case_: k.ID}, nil
}

// supportsCase refuses a case letter the case cannot have now.
func (dk docKind) supportsCase(k visits.Case) error {
	if k.IsDispute() {
		return stateRefusal("矛盾纠纷不是信访事项，不出具信访文书")
	}
	return dk.supports(k)
}

// IssuedDocument is an issued document: its record (kind, 文号, date), its
// layout, and the case it belongs to (0 for a session's form).
type IssuedDocument struct {
	store.Document
	Title string    `json:"title"`
	Case  int64     `json:"case,omitempty"`
	Doc   paper.Doc `json:"doc"`
}

// IssueDocument gives subject id (a case, hand-over, registration or
// session, as kind says) its document of kind: the first time it takes the
// kind's next 文号 of the year of today (the county's date of c.Now) and
// audits it; again, it returns the same document. A document the subject's
// state cannot speak of is refused.
func (s *Service) IssueDocument(ctx context.Context, c Call, kind DocKind, id int64) (IssuedDocument, error) {
	dk, err := docKindOf(kind)
	if err != nil {
		return IssuedDocument{}, err
	}
	var out IssuedDocument
	err = s.run(ctx, c, func(ctx context.Context, e Env) error {
		doc, err := e.Tx.Document(ctx, string(kind), id)
		fresh := errors.Is(err, store.ErrNotFound)
		if err != nil && !fresh {
			return err
		}
		l, err := dk.layout(ctx, docEnv{st: e.Tx, cal: e.Cal, today: e.Today, cfg: s.cfg}, id, fresh)
		if err != nil {
			return err
		}
		if fresh {
			prefix, err := s.docPrefix(ctx, e.Tx)
			if err != nil {
				return err
			}
			if doc, _, err = e.Tx.IssueDocument(ctx, string(kind), id, e.Today, e.Actor, func(year, seq int) string {
				return fmt.Sprintf("%s%s〔%d〕%d号", prefix, dk.code, year, seq)
			}); err != nil {
				return err
			}
		}
		if l.doc, err = withEvaluationCode(ctx, e.Tx, e.Today, e.Actor, kind, id, l.doc, true); err != nil {
			return err
		}
		if dk.reveals {
			if err := auditReveal(ctx, e.Tx, e.Actor, kind, id); err != nil {
				return err
			}
		}
		out, err = s.finish(ctx, e.Tx, dk, doc, l)
		return err
	})
	return out, err
}

// evaluatedBy is the 满意度评价 stage a letter invites the petitioner to
// evaluate: the 受理告知书 and 不予受理告知书 the 受理 stage, the 信访处理意见书
// the 办理 stage.
var evaluatedBy = map[DocKind]visits.EvalStage{DocAccept: visits.StageAccept, DocReject: visits.StageAccept,
	DocOpinion: visits.StageHandle}

// withEvaluationCode adds the stage's 评价码 to a 受理告知书, 不予受理告知书 or
// 信访处理意见书: made when the letter is issued (issue), only shown when read.
func withEvaluationCode(ctx context.Context, st *store.Store, today roster.Date, actor string, kind DocKind, caseID int64,
	d paper.Doc, issue bool) (paper.Doc, error) {
	stage, ok := evaluatedBy[kind]
	if !ok {
		return d, nil
	}
	code, found, err := evaluationCodeIn(ctx, st, today, actor, caseID, stage, issue)
	if fe := fault.Classify(err); fe != nil && fe.Kind != fault.Internal {
		return d, nil // the stage is not due (a reopened case): the letter prints without a code
	}
	if err != nil || !found {
		return d, err
	}
	// One short line: the opinion letter's page is nearly full.
	d.Notes = append(d.Notes, fmt.Sprintf("满意度评价码 %s（/evaluate，%s前）", code.Code, paper.ChineseDate(code.Valid)))
	return d, nil
}

// auditReveal records that a document showing sealed data in full was read.
func auditReveal(ctx context.Context, tx *store.Store, actor string, kind DocKind, id int64) error {
	return tx.Audit(ctx, actor, "reveal", "document", fmt.Sprintf("%s/%d", kind, id), "", "visitor.id_number,visitor.phone")
}

// ReadDocument returns subject id's issued document of kind as it prints on
// the county's date of c.Now; one not issued yet is not found. Reading a
// document that shows sealed data in full is audited.
func (s *Service) ReadDocument(ctx context.Context, c Call, kind DocKind, id int64) (IssuedDocument, error) {
	dk, err := docKindOf(kind)
	if err != nil {
		return IssuedDocument{}, err
	}
	read := func(st *store.Store) (IssuedDocument, error) {
		doc, err := st.Document(ctx, string(kind), id)
		if errors.Is(err, store.ErrNotFound) {
			return IssuedDocument{}, fault.Missing("kind", "尚未出具"+dk.title+"，请先出具")
		} else if err != nil {
			return IssuedDocument{}, err
		}
		today := s.Today(c.Now)
		cal, err := CaseCalendar(ctx, st, today)
		if err != nil {
			return IssuedDocument{}, err
		}
		l, err := dk.layout(ctx, docEnv{st: st, cal: cal, today: today, cfg: s.cfg}, id, false)
		if err != nil {
			return IssuedDocument{}, err
		}
		if l.doc, err = withEvaluationCode(ctx, st, today, c.Actor, kind, id, l.doc, false); err != nil {
			return IssuedDocument{}, err
		}
		return s.finish(ctx, st, dk, doc, l)
	}
	if !dk.reveals {
		// A plain read: no write transaction, so PostgreSQL's caches keep their version.
		return read(s.st)
	}
	var out IssuedDocument
	err = s.st.WithTx(ctx, func(tx *store.Store) error {
		if out, err = read(tx); err != nil {
			return err
		}
		return auditReveal(ctx, tx, c.Actor, kind, id)
	})
	return out, err
}

// CaseDocument is a document the case page offers: issued (with its 文号)
// or issuable now. Subject is the case, or the hand-over of a 交办单.
type CaseDocument struct {
	Kind    DocKind `json:"kind"`
	Subject int64   `json:"subject"`
	Title   string  `json:"title"`
	Number  string  `json:"number,omitempty"`
}

// CaseDocuments lists case k's issued documents and those its state
// supports now, then a 交办单 for each of its hand-overs.
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
			out = append(out, CaseDocument{Kind: kd, Subject: k.ID, Title: dk.title, Number: n})
		}
	}
	hs, err := s.st.Handovers(ctx, store.HandoverFilter{Case: k.ID})
	if err != nil {
		return nil, err
	}
	us, err := handoverUnits(ctx, s.st)
	if err != nil {
		return nil, err
	}
	for i := len(hs) - 1; i >= 0; i-- { // oldest first
		h := hs[i]
		d := CaseDocument{Kind: DocHandover, Subject: h.ID, Title: "交办单（" + us.name(h.Unit) + "）"}
		doc, err := s.st.Document(ctx, string(DocHandover), h.ID)
		switch {
		case err == nil:
			d.Number = doc.Number
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		case handoverRefusal(h) != nil:
			continue
		}
		out = append(out, d)
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

// DocumentIssuer is the organ that signs the office's documents and reports.
func (s *Service) DocumentIssuer(ctx context.Context) (string, error) { return s.docIssuer(ctx, s.st) }

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

// finish heads and signs a laid-out document: title, 文号, issuer, the seal
// and, unless the layout dated it, the date it was issued.
func (s *Service) finish(ctx context.Context, st *store.Store, dk docKind, doc store.Document, l laid) (IssuedDocument, error) {
	issuer, err := s.docIssuer(ctx, st)
	if err != nil {
		return IssuedDocument{}, err
	}
	p := l.doc
	p.Title, p.Number, p.Issuer, p.Seal = dk.title, doc.Number, issuer, true
	if p.Date == 0 {
		p.Date = doc.IssuedOn
	}
	return IssuedDocument{Document: doc, Title: dk.title, Case: l.case_, Doc: p}, nil
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

// opinionBody is short enough to leave a line for the 办理 stage's 评价码
// under the case number (withEvaluationCode) on the one sheet: the matter and
// the findings share a paragraph, and the review sentence takes two lines.
func opinionBody(k visits.Case, _ roster.Calendar) paper.Doc {
	return paper.Doc{Addressee: addressee(k), Body: []string{
		matter(k) + "，经调查核实：" + orFillIn(brief(noteOf(k, visits.DutyInvestigate), briefNote)),
		"处理意见：" + orFillIn(brief(noteOf(k, visits.DutyHandle), briefNote)),
		fmt.Sprintf("如不服本处理意见，可自收到本意见书之日起%d日内请求本机关的上一级机关复查（《信访工作条例》第三十五条）。", visits.ReviewDays),
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
