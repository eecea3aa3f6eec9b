package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhiban/clean"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// 满意度评价 (issue 14, item 3): staff record the petitioner's answer at 受理
// and 办理; the petitioner may instead answer online with a 评价码 printed on
// the 受理告知书 or 信访处理意见书 (docs/evaluation.md).

const (
	// CodeValidDays is how long a printed 评价码 is valid, from the day it was made.
	CodeValidDays = 90
	// codeAlphabet has no 0/O or 1/I, which people misread; 32 symbols, 5 bits each.
	codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	// codeLen symbols give 60 bits: guessing one live code among thousands
	// at the throttled rate takes far longer than the code lives.
	codeLen = 12
	// An address may try maxCodeFailures wrong codes; then it waits
	// CodeLockout after the last wrong one. Mobile networks share addresses,
	// so the limit leaves room for typos of many people.
	maxCodeFailures = 20
	CodeLockout     = time.Hour
	codeMemory      = 24 * time.Hour
)

// EvaluationInput is staff's record of the petitioner's answer. Version 0
// records a new one; the stored evaluation's version corrects it (staff's
// own records only: a petitioner's online answer is theirs).
type EvaluationInput struct {
	Stage   visits.EvalStage    `json:"stage"`
	Answer  visits.Satisfaction `json:"answer"`
	On      roster.Date         `json:"on"` // the day the petitioner answered; defaults to today
	Version int                 `json:"version,omitempty"`
}

// EvaluationResult is a recorded evaluation, the message for staff and, for
// 不满意 at 办理, the petitioner's 复查 window (art. 35).
type EvaluationResult struct {
	Evaluation visits.Evaluation    `json:"evaluation"`
	Message    string               `json:"message"`
	Review     *visits.ReviewWindow `json:"review,omitempty"`
}

// RecordEvaluation records (or, with the stored version, corrects) the
// petitioner's answer at a stage that is due, in one audited transaction.
func (s *Service) RecordEvaluation(ctx context.Context, c Call, caseID int64, in EvaluationInput) (EvaluationResult, error) {
	var out EvaluationResult
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		if !in.Stage.Valid() {
			return fault.InvalidField("stage", "评价阶段无效，应为“受理”或“办理”")
		}
		if !in.Answer.Valid() {
			return fault.InvalidField("answer", "评价结果无效，应为满意、基本满意或不满意")
		}
		if in.Version < 0 {
			return fault.InvalidField("version", "版本号无效")
		}
		in.On = orToday(in.On, e.Today)
		if in.On > e.Today {
			return fault.Invalidf("on", "评价日期不能晚于今天（%s）", e.Today)
		}
		k, err := e.Tx.Case(ctx, caseID)
		if err != nil {
			return err
		}
		due, err := stageDue(k, in.Stage)
		if err != nil {
			return err
		}
		if in.On < due {
			return fault.Invalidf("on", "评价日期不能早于%s日期 %s", stageAct(k, in.Stage), due)
		}
		ev := visits.Evaluation{Case: k.ID, Stage: in.Stage, Answer: in.Answer, Source: visits.SourceStaff, AnsweredOn: in.On, RecordedBy: e.Actor}
		cur, err := e.Tx.Evaluation(ctx, k.ID, in.Stage)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if in.Version != 0 {
				return fault.Conflicts(fmt.Sprintf("案件 %s 尚无%s评价，无需更正，请直接录入", k.Code, in.Stage.Label()), nil)
			}
			ev, err = e.Tx.CreateEvaluation(ctx, ev, e.Actor)
		case err != nil:
			return err
		case cur.Source == visits.SourceCode:
			return &fault.Error{Kind: fault.Conflict, Code: "already_evaluated",
				Msg:   fmt.Sprintf("案件 %s 的%s评价已由信访人通过评价码自行提交（%s），工作人员不能更改", k.Code, in.Stage.Label(), cur.AnsweredOn),
				Items: []visits.Evaluation{cur}}
		case in.Version == 0:
			return &fault.Error{Kind: fault.Conflict, Code: "already_evaluated",
				Msg: fmt.Sprintf("案件 %s 已有%s评价（%s，%s 录入）。每个阶段只评价一次；录入有误的，请在案件页“更正”",
					k.Code, in.Stage.Label(), cur.AnsweredOn, cur.RecordedBy),
				Items: []visits.Evaluation{cur}}
		case in.Version != cur.Version:
			return fault.Conflicts(fmt.Sprintf("%s评价已被他人修改：当前为第 %d 版。请核对最新内容后重新提交。", in.Stage.Label(), cur.Version),
				[]StaleItem{{ID: cur.ID, Version: cur.Version}})
		default:
			ev, err = e.Tx.SaveEvaluation(ctx, ev, cur.Version, e.Actor)
		}
		if err != nil {
			return err
		}
		out, err = afterEvaluation(ctx, e, k, ev)
		return err
	})
	return out, err
}

// stageDue is the day stage became due for k, or the refusal saying why it is not due.
func stageDue(k visits.Case, stage visits.EvalStage) (roster.Date, error) {
	if k.IsDispute() {
		return 0, &fault.Error{Kind: fault.Conflict, Code: "refused", Field: "stage", Msg: "矛盾纠纷不是信访事项，不进行满意度评价"}
	}
	due, ok := visits.EvaluationDue(k, stage)
	if ok {
		return due, nil
	}
	msg := fmt.Sprintf("案件 %s 尚未出具处理意见，办理评价在送达处理意见后进行", k.Code)
	if stage == visits.StageAccept {
		msg = fmt.Sprintf("案件 %s 尚未受理或不予受理，受理评价在告知后进行", k.Code)
	}
	return 0, &fault.Error{Kind: fault.Conflict, Code: "refused", Field: "stage", Msg: msg}
}

// stageAct names the act that opened the stage.
func stageAct(k visits.Case, stage visits.EvalStage) string {
	switch {
	case stage == visits.StageHandle:
		return "出具处理意见"
	case k.Accepted == 0:
		return "不予受理"
	}
	return "受理"
}

// afterEvaluation says what was recorded; a 不满意 at 办理 reminds staff of
// the petitioner's 复查 right and keeps it on the flags, as a return visit does.
func afterEvaluation(ctx context.Context, e Env, k visits.Case, ev visits.Evaluation) (EvaluationResult, error) {
	out := EvaluationResult{Evaluation: ev,
		Message: fmt.Sprintf("已记录案件 %s 的%s评价：%s", k.Code, ev.Stage.Label(), ev.Answer)}
	if ev.Stage != visits.StageHandle || ev.Answer != visits.Dissatisfied {
		return out, nil
	}
	w := k.AfterDissatisfied(false, ev.AnsweredOn, e.Today, e.Cal) // false: only reads the window
	out.Review = &w
	if w.Due == 0 {
		if w.Reason != "" {
			out.Message += "。" + w.Reason
		}
		return out, nil
	}
	if w.Requested {
		out.Message += fmt.Sprintf("。案件已在复查中（复查期限 %s）", w.Due)
		return out, nil
	}
	remind := fmt.Sprintf("信访人可于 %s 前申请复查（信访工作条例第三十五条），请告知其复查权利", w.Due)
	out.Message += "。" + remind
	msg := fmt.Sprintf("案件 %s 办理评价不满意（%s），%s", k.Code, ev.AnsweredOn, remind)
	_, err := e.Tx.Flag(ctx, store.Flag{Kind: "dissatisfied", Entity: "case", EntityID: fmt.Sprint(k.ID),
		Level: "evaluation:" + ev.AnsweredOn.String(), On: e.Today, Message: msg, Leader: k.Leader})
	return out, err
}

// StageEvaluation is one stage of a case on the case page and the API.
type StageEvaluation struct {
	Stage      visits.EvalStage   `json:"stage"`
	Label      string             `json:"label"`
	Due        bool               `json:"due"`
	DueOn      roster.Date        `json:"due_on,omitempty"`
	Why        string             `json:"why,omitempty"` // why it is not due
	Evaluation *visits.Evaluation `json:"evaluation,omitempty"`
	CanRecord  bool               `json:"can_record"`  // due and not yet evaluated
	CanCorrect bool               `json:"can_correct"` // staff's own record
	CodeMade   bool               `json:"code_made"`   // a 评价码 was printed
	CodeValid  roster.Date        `json:"code_valid,omitempty"`
}

// CaseEvaluations is a case's evaluations by stage, with the answers staff may choose.
type CaseEvaluations struct {
	Stages  []StageEvaluation     `json:"stages"`
	Answers []visits.Satisfaction `json:"answers"`
}

// ReadCaseEvaluations returns case id's two stages: due or not, the
// evaluation if any, and whether a 评价码 was made (never the code).
func (s *Service) ReadCaseEvaluations(ctx context.Context, c Call, id int64) (CaseEvaluations, error) {
	out := CaseEvaluations{Answers: []visits.Satisfaction{visits.Satisfied, visits.FairlySatisfed, visits.Dissatisfied}}
	k, err := s.st.Case(ctx, id)
	if err != nil {
		return out, err
	}
	for _, st := range visits.EvalStages {
		se := StageEvaluation{Stage: st, Label: st.Label()}
		due, err := stageDue(k, st)
		if err != nil {
			se.Why = fault.Classify(err).Msg
		} else {
			se.Due, se.DueOn = true, due
		}
		ev, err := s.st.Evaluation(ctx, id, st)
		switch {
		case err == nil:
			se.Evaluation = &ev
			se.CanCorrect = ev.Source == visits.SourceStaff
		case !errors.Is(err, store.ErrNotFound):
			return out, err
		}
		se.CanRecord = se.Due && se.Evaluation == nil
		if code, err := s.st.EvaluationCodeOf(ctx, id, st); err == nil {
			se.CodeMade, se.CodeValid = true, code.Expires
		} else if !errors.Is(err, store.ErrNotFound) {
			return out, err
		}
		out.Stages = append(out.Stages, se)
	}
	return out, nil
}

// EvaluationRow is one evaluation with what the statistics group by: the
// case's code, township, leader, unit, category and channel, and the day
// the stage became due. No personal data.
type EvaluationRow struct {
	visits.Evaluation
	CaseCode string          `json:"case_code"`
	Township string          `json:"township"`
	Leader   string          `json:"leader,omitempty"`
	Unit     string          `json:"unit,omitempty"`
	Category visits.Category `json:"category"`
	Channel  visits.Channel  `json:"channel"`
	DueOn    roster.Date     `json:"due_on"`
}

// Evaluations lists the evaluations answered from from to to (inclusive;
// zero is open-ended), by answer date. 参评率 divides these by the cases whose
// stage fell due (visits.EvaluationDue), 满意率 counts 满意 and 基本满意 among them.
func (s *Service) Evaluations(ctx context.Context, from, to roster.Date) ([]EvaluationRow, error) {
	if from != 0 && to != 0 && to < from {
		return nil, fault.InvalidField("to", "结束日期不能早于开始日期")
	}
	es, err := s.st.Evaluations(ctx, store.EvaluationFilter{From: from, To: to})
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, e := range es {
		if !seen[e.Case] {
			seen[e.Case] = true
			ids = append(ids, e.Case)
		}
	}
	cases := map[int64]visits.Case{}
	for start := 0; start < len(ids); start += 500 {
		ks, err := s.st.Cases(ctx, store.CaseFilter{IDs: ids[start:min(start+500, len(ids))]})
		if err != nil {
			return nil, err
		}
		for _, k := range ks {
			cases[k.ID] = k
		}
	}
	out := make([]EvaluationRow, 0, len(es))
	for _, e := range es {
		k := cases[e.Case]
		due, _ := visits.EvaluationDue(k, e.Stage)
		out = append(out, EvaluationRow{Evaluation: e, CaseCode: k.Code, Township: k.Township, Leader: k.Leader, Unit: k.Unit,
			Category: k.Category, Channel: k.Channel, DueOn: due})
	}
	return out, nil
}

// EvaluationCode returns the 评价码 of case caseID at stage, made on first
// call (valid CodeValidDays) and the same on every later call, so a reprinted
// 告知书 or 意见书 shows the code already given; an expired code is replaced.
// The stage must be due. The code is printed as XXXX-XXXX-XXXX.
func (s *Service) EvaluationCode(ctx context.Context, c Call, caseID int64, stage visits.EvalStage) (string, error) {
	p, err := s.IssueEvaluationCode(ctx, c, caseID, stage)
	return p.Code, err
}

// PrintedCode is a 评价码 as a document prints it.
type PrintedCode struct {
	Code    string      `json:"code"`  // XXXX-XXXX-XXXX
	Valid   roster.Date `json:"valid"` // through this day
	Stage   string      `json:"stage"` // 受理 or 办理
	Path    string      `json:"path"`  // the public page, after the site's address
	Message string      `json:"message"`
}

// IssueEvaluationCode is EvaluationCode with the expiry and the sentence a
// document prints.
func (s *Service) IssueEvaluationCode(ctx context.Context, c Call, caseID int64, stage visits.EvalStage) (PrintedCode, error) {
	var out PrintedCode
	if !stage.Valid() {
		return out, fault.InvalidField("stage", "评价阶段无效，应为“受理”或“办理”")
	}
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		var err error
		out, _, err = evaluationCodeIn(ctx, e.Tx, e.Today, e.Actor, caseID, stage, true)
		return err
	})
	return out, err
}

// evaluationCodeIn is IssueEvaluationCode inside tx. With issue false it only
// reads: found is false when the stage has no valid code yet.
func evaluationCodeIn(ctx context.Context, tx *store.Store, today roster.Date, actor string, caseID int64,
	stage visits.EvalStage, issue bool) (out PrintedCode, found bool, err error) {
	k, err := tx.Case(ctx, caseID)
	if err != nil {
		return out, false, err
	}
	if _, err := stageDue(k, stage); err != nil {
		return out, false, err
	}
	code, err := tx.EvaluationCodeOf(ctx, caseID, stage)
	switch {
	case err == nil && code.Expires >= today:
	case !issue && (err == nil || errors.Is(err, store.ErrNotFound)):
		return out, false, nil
	case err == nil || errors.Is(err, store.ErrNotFound):
		plain, err := newCode()
		if err != nil {
			return out, false, err
		}
		code = store.EvaluationCode{Case: caseID, Stage: stage, Hash: codeHash(plain), Code: plain, Made: today,
			Expires: today.AddDays(CodeValidDays)}
		if err := tx.PutEvaluationCode(ctx, code, actor); err != nil {
			return out, false, err
		}
	default:
		return out, false, err
	}
	out = PrintedCode{Code: formatCode(code.Code), Valid: code.Expires, Stage: stage.Label(), Path: "/evaluate"}
	out.Message = fmt.Sprintf("请对本次%s工作进行满意度评价：访问本机关网站 /evaluate 页面，输入评价码 %s（%s 前有效）。",
		out.Stage, out.Code, out.Valid)
	return out, true, nil
}

func newCode() (string, error) {
	b := make([]byte, codeLen)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("service: evaluation code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31] // 256 is a multiple of 32: uniform
	}
	return string(b), nil
}

func formatCode(c string) string {
	if len(c) != codeLen {
		return c
	}
	return c[:4] + "-" + c[4:8] + "-" + c[8:]
}

func codeHash(c string) string {
	h := sha256.Sum256([]byte(c))
	return hex.EncodeToString(h[:])
}

// normaliseCode folds what people type (full-width, lower case, spaces and
// dashes) into the stored form, or refuses without quoting the input.
func normaliseCode(v string) (string, error) {
	v, err := fault.Text("code", v, clean.Code)
	if err != nil {
		return "", err
	}
	v = strings.ToUpper(clean.Narrow(v))
	v = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '—' || r == '－' || r == '\u3000' {
			return -1
		}
		return r
	}, v)
	if v == "" {
		return "", fault.InvalidField("code", "请填写评价码")
	}
	if len(v) != codeLen || strings.Trim(v, codeAlphabet) != "" {
		return "", fault.InvalidField("code", "评价码应为 12 位，由数字 2–9 和字母组成（不含 0、1、I、O），请对照告知书或意见书重新输入")
	}
	return v, nil
}

// CodeAnswer is the petitioner's answer on the public page. Trap is the
// honeypot field people never see: a form that fills it is a robot's.
type CodeAnswer struct {
	Code   string
	Answer visits.Satisfaction
	Trap   string
}

// CodeAnswered is what the public page may say after an answer: the stage
// and the organ, nothing about the case.
type CodeAnswered struct {
	Stage  string
	Organ  string
	Answer visits.Satisfaction
}

// ErrCodeLocked refuses an address with too many wrong codes; the code was
// not checked. The error is a *CodeLocked saying when to try again.
var ErrCodeLocked = errors.New("service: too many wrong evaluation codes")

// CodeLocked is ErrCodeLocked with the instant the next attempt is allowed.
type CodeLocked struct{ Until time.Time }

func (e *CodeLocked) Error() string {
	return ErrCodeLocked.Error() + " until " + e.Until.UTC().Format(time.RFC3339)
}
func (e *CodeLocked) Is(target error) bool { return target == ErrCodeLocked }

func codeWait(n int) time.Duration {
	if n < maxCodeFailures {
		return 0
	}
	return CodeLockout
}

// AnswerByCode records the petitioner's own answer for the code's case and
// stage: one answer per code (and per stage: an answer staff recorded
// first counts), until the code expires. Each attempt from ip is counted in
// the database before the code is looked up (so replicas share the count);
// a real code gives the attempt back, a wrong one keeps it.
func (s *Service) AnswerByCode(ctx context.Context, now time.Time, ip string, in CodeAnswer) (CodeAnswered, error) {
	var out CodeAnswered
	if in.Trap != "" {
		return out, fault.InvalidField("", "提交未成功，请刷新页面后重新填写")
	}
	code, err := normaliseCode(in.Code)
	if err != nil {
		return out, err
	}
	if !in.Answer.Valid() {
		return out, fault.InvalidField("answer", "请选择满意、基本满意或不满意")
	}
	if err := s.st.PruneLoginFailures(ctx, now.Add(-codeMemory)); err != nil {
		return out, err
	}
	key := "evaluate:" + ip
	until, ok, err := s.st.ReserveLoginAttempt(ctx, key, codeWait, CodeLockout, now)
	if err != nil {
		return out, err
	}
	if !ok {
		return out, &CodeLocked{Until: until}
	}
	wrong := fault.InvalidField("code", "评价码不正确，请对照告知书或意见书重新输入")
	if _, err := s.st.EvaluationCodeByHash(ctx, codeHash(code)); errors.Is(err, store.ErrNotFound) {
		return out, wrong // the attempt stays counted
	} else if err != nil {
		return out, err
	}
	// A real code gives the attempt back, whatever the answer's fate.
	if err := s.st.ReleaseLoginAttempt(ctx, key); err != nil {
		return out, err
	}
	err = s.run(ctx, Call{Actor: "评价码", Now: now}, func(ctx context.Context, e Env) error {
		row, err := e.Tx.EvaluationCodeByHash(ctx, codeHash(code))
		if errors.Is(err, store.ErrNotFound) { // replaced since
			return wrong
		} else if err != nil {
			return err
		}
		if out.Organ, err = s.organ(ctx, e.Tx); err != nil {
			return err
		}
		out.Stage, out.Answer = row.Stage.Label(), in.Answer
		if _, err := e.Tx.Evaluation(ctx, row.Case, row.Stage); err == nil {
			return &fault.Error{Kind: fault.Conflict, Code: "already_evaluated", Msg: "此评价码对应的评价已经提交过，无需重复评价。感谢您的参与！"}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if row.Expires < e.Today {
			return &fault.Error{Kind: fault.Conflict, Code: "expired",
				Msg: fmt.Sprintf("此评价码已于 %s 过期，无法在线评价。如需评价，请联系%s。", row.Expires, out.Organ)}
		}
		k, err := e.Tx.Case(ctx, row.Case)
		if err != nil {
			return err
		}
		if _, err := stageDue(k, row.Stage); err != nil {
			return fault.Conflicts("此评价码暂不能使用，请联系"+out.Organ+"。", nil)
		}
		ev, err := e.Tx.CreateEvaluation(ctx, visits.Evaluation{Case: k.ID, Stage: row.Stage, Answer: in.Answer,
			Source: visits.SourceCode, AnsweredOn: e.Today, RecordedBy: e.Actor}, e.Actor)
		if err != nil {
			return err
		}
		_, err = afterEvaluation(ctx, e, k, ev)
		return err
	})
	return out, err
}

// EvaluateOrgan is the organ's name the public evaluation page shows.
func (s *Service) EvaluateOrgan(ctx context.Context) (string, error) { return s.organ(ctx, s.st) }

// organ is the organ the 告知书 and 意见书 are issued by (docIssuer), so the
// public page names the one printed above the code.
func (s *Service) organ(ctx context.Context, st *store.Store) (string, error) {
	return s.docIssuer(ctx, st)
}
