package visits

import "zhiban/roster"

// EvalStage is a point at which the petitioner is asked how satisfied they
// are (满意度评价). The 信访工作条例 has the petitioner's 评价 follow the
// office's two answers: the 受理告知 (accepted or refused, art. 23) and the
// 处理意见 (art. 33); the county's 参评率 and 满意率 count both.
type EvalStage string

const (
	StageAccept EvalStage = "accept" // 受理: after the 受理告知书 or 不予受理告知书
	StageHandle EvalStage = "handle" // 办理: after the 信访处理意见书 was served
)

// EvalStages lists the stages in the order a case reaches them.
var EvalStages = []EvalStage{StageAccept, StageHandle}

// Label is the Chinese name of the stage.
func (s EvalStage) Label() string {
	switch s {
	case StageAccept:
		return "受理"
	case StageHandle:
		return "办理"
	}
	return ""
}

// Valid reports whether s is a known stage.
func (s EvalStage) Valid() bool { return s.Label() != "" }

// EvalSource tells who gave the answer to the system.
type EvalSource string

const (
	SourceStaff EvalSource = "staff" // staff, from the petitioner's answer by phone or in person
	SourceCode  EvalSource = "code"  // the petitioner, online with the printed 评价码
)

// Label is the Chinese name of the source.
func (s EvalSource) Label() string {
	switch s {
	case SourceStaff:
		return "工作人员录入"
	case SourceCode:
		return "评价码自评"
	}
	return ""
}

// Evaluation is the petitioner's answer at one stage of one case: at most
// one per case and stage.
type Evaluation struct {
	ID         int64        `json:"id"`
	Case       int64        `json:"case"`
	Stage      EvalStage    `json:"stage"`
	Answer     Satisfaction `json:"answer"`
	Source     EvalSource   `json:"source"`
	AnsweredOn roster.Date  `json:"answered_on"`
	RecordedBy string       `json:"recorded_by"`
	Version    int          `json:"version"`
}

// EvaluationDue is the day stage became due for case c: the 受理 stage once
// the case was accepted (or refused: the petitioner is told either way), the
// 办理 stage once the handling opinion was served. A dispute a sweep found is
// not a petition and is never evaluated.
func EvaluationDue(c Case, stage EvalStage) (roster.Date, bool) {
	if c.IsDispute() {
		return 0, false
	}
	switch stage {
	case StageAccept:
		if c.Accepted != 0 {
			return c.Accepted, true
		}
		if c.State == StateRejected && c.Closed != 0 {
			return c.Closed, true
		}
	case StageHandle:
		if c.Replied != 0 {
			return c.Replied, true
		}
	}
	return 0, false
}
