package visits

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"zhiban/roster"
)

// A Registration is one 批次 received at the desk of a 开门接访 session:
// who came (private), what about, who received them and what came of it.

// DeskState is where a registration stands in the desk's queue.
type DeskState string

const (
	DeskWaiting   DeskState = "waiting"   // 等候
	DeskReceiving DeskState = "receiving" // 接待中
	DeskDone      DeskState = "done"      // 已办结
)

var deskStateLabels = map[DeskState]string{DeskWaiting: "等候", DeskReceiving: "接待中", DeskDone: "已接待"}

// Label is the Chinese name of the state.
func (s DeskState) Label() string { return deskStateLabels[s] }

// DeskOutcome is what came of a registration on the spot.
type DeskOutcome string

const (
	OutcomeSolved      DeskOutcome = "solved"      // 当场解决
	OutcomeHanded      DeskOutcome = "handed"      // 交办
	OutcomeTransferred DeskOutcome = "transferred" // 转送
	OutcomeRejected    DeskOutcome = "rejected"    // 不予受理
	OutcomeInProgress  DeskOutcome = "in_progress" // 已在办理中
)

// DeskOutcomes lists the outcomes in the desk's order.
var DeskOutcomes = []DeskOutcome{OutcomeSolved, OutcomeHanded, OutcomeTransferred, OutcomeRejected, OutcomeInProgress}

var outcomeLabels = map[DeskOutcome]string{
	OutcomeSolved: "当场解决", OutcomeHanded: "交办", OutcomeTransferred: "转送",
	OutcomeRejected: "不予受理", OutcomeInProgress: "已在办理中",
}

// Label is the Chinese name of the outcome.
func (o DeskOutcome) Label() string { return outcomeLabels[o] }

// Valid reports whether o is a known outcome.
func (o DeskOutcome) Valid() bool { _, ok := outcomeLabels[o]; return ok }

// NeedsCase reports whether the outcome is tracked as a case: a matter handed
// over, transferred or refused gets the statutory notices; one already in
// hand is the case it is in.
func (o DeskOutcome) NeedsCase() bool { return o != OutcomeSolved }

// Visitor is private: never on a public page, feed, log line or error.
type Visitor struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Address  string `json:"address,omitempty"`
}

// Registration is one visit (批次) registered at the desk.
type Registration struct {
	ID      int64       `json:"id"`
	Session int64       `json:"session"` // the 开门接访 visit
	Date    roster.Date `json:"date"`
	Number  int         `json:"number"` // queue number within the session
	Visitor Visitor     `json:"visitor"`
	// Township is where the matter arose.
	Township        string   `json:"township"`
	GroupSize       int      `json:"group_size"`
	Representatives []string `json:"representatives,omitempty"` // names (private), art. 20
	Matter          string   `json:"matter"`                    // private text
	Category        Category `json:"category"`
	SkippedLevel    bool     `json:"skipped_level"` // 越级 (art. 19 ¶3, art. 20 ¶1)
	// ReceivedBy is the leader who received them: the session's 值班 or 跟班领导.
	ReceivedBy  string      `json:"received_by,omitempty"`
	State       DeskState   `json:"state"`
	Outcome     DeskOutcome `json:"outcome,omitempty"`
	OutcomeNote string      `json:"outcome_note,omitempty"` // how it was solved, where it went, why refused
	Case        int64       `json:"case,omitempty"`
	Repeat      bool        `json:"repeat"` // 重复信访: the matter was raised before
	Arrived     time.Time   `json:"arrived"`
	Started     time.Time   `json:"started,omitzero"`
	Finished    time.Time   `json:"finished,omitzero"`
	CreatedBy   string      `json:"created_by"`
	Version     int         `json:"version"`
}

// Validate checks a new registration's fields; messages name the field, never the value.
func (r *Registration) Validate() error {
	if strings.TrimSpace(r.Visitor.Name) == "" {
		return refuse("visitor.name", "请填写来访人姓名")
	}
	if id := r.Visitor.IDNumber; id != "" {
		if err := CheckIDNumber(id); err != nil {
			return err
		}
	}
	if p := r.Visitor.Phone; p != "" && !validPhone(p) {
		return refuse("visitor.phone", "电话号码格式无效")
	}
	if r.Township == "" {
		return refuse("township", "请选择乡镇")
	}
	if err := CheckCount("group_size", r.GroupSize, 1, MaxGroupSize); err != nil {
		return err
	}
	reps := len(r.Representatives)
	if reps > MaxRepresentatives {
		return refuse("representatives", "集体访推选的代表不得超过%d人（《信访工作条例》第二十条）", MaxRepresentatives)
	}
	if r.GroupSize > MaxRepresentatives && reps == 0 {
		return refuse("representatives", "%d人以上共同来访的，应推选1至%d名代表（《信访工作条例》第二十条）", MaxRepresentatives+1, MaxRepresentatives)
	}
	if reps > r.GroupSize {
		return refuse("representatives", "代表人数不能多于来访人数")
	}
	for _, n := range r.Representatives {
		if strings.TrimSpace(n) == "" {
			return refuse("representatives", "代表姓名不能为空")
		}
	}
	if strings.TrimSpace(r.Matter) == "" {
		return refuse("matter", "请填写反映事项")
	}
	if !r.Category.Valid() {
		return refuse("category", "类别无效，应为：%s", joinCats())
	}
	return nil
}

// Start moves a waiting registration to being received by leader.
func (r *Registration) Start(leader string, at time.Time) error {
	if r.State != DeskWaiting {
		return refuse("state", "只有“等候”的来访可以开始接待，当前为“%s”", r.State.Label())
	}
	r.State, r.ReceivedBy, r.Started = DeskReceiving, leader, at
	return nil
}

// Finish records the outcome; note is required where the outcome needs a
// reason (不予受理), a destination (转送) or what was done (当场解决).
func (r *Registration) Finish(o DeskOutcome, note string, at time.Time) error {
	if r.State == DeskDone {
		return refuse("state", "该来访已接待完毕")
	}
	if !o.Valid() {
		return refuse("outcome", "处理结果无效，应为 %s", joinLabels(len(DeskOutcomes), func(i int) string { return DeskOutcomes[i].Label() }))
	}
	note = strings.TrimSpace(note)
	switch o {
	case OutcomeRejected:
		if note == "" {
			return refuse("outcome_note", "不予受理须说明理由")
		}
	case OutcomeTransferred:
		if note == "" {
			return refuse("outcome_note", "转送须写明转送的机关或单位")
		}
	case OutcomeSolved:
		if note == "" {
			return refuse("outcome_note", "当场解决须简要写明解决情况")
		}
	case OutcomeInProgress:
		if r.Case == 0 {
			return refuse("case", "“已在办理中”须关联正在办理的案件")
		}
	}
	if r.Started.IsZero() {
		r.Started = at
	}
	r.State, r.Outcome, r.OutcomeNote, r.Finished = DeskDone, o, note, at
	return nil
}

// CaseTitle is the title a case created from the registration gets: the
// matter's first line, cut to a title's length.
func (r *Registration) CaseTitle() string {
	line, _, _ := strings.Cut(strings.TrimSpace(r.Matter), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > 40 {
		line = string([]rune(line)[:40]) + "…"
	}
	return line
}

// CheckIDNumber accepts a resident ID number of 18 characters with a valid
// check digit (GB 11643), or an old 15-digit one.
func CheckIDNumber(id string) error {
	switch {
	case len(id) == 15 && digits(id):
		return nil
	case len(id) == 18 && digits(id[:17]) && (digits(id[17:]) || id[17] == 'X'):
		if id[17] != idCheckDigit(id[:17]) {
			return refuse("visitor.id_number", "身份证号码校验位不符，请核对")
		}
		return nil
	}
	return refuse("visitor.id_number", "身份证号码应为18位（末位可为X）或15位数字")
}

func idCheckDigit(first17 string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

// NormalizeIDNumber folds full-width digits and a lower-case x, and drops spaces.
func NormalizeIDNumber(id string) string {
	return strings.ToUpper(strings.Join(strings.Fields(id), ""))
}

// SimilarMatter is the threshold of Similarity above which two matters of
// the same township and category are shown as a possible repeat.
const SimilarMatter = 0.3

// Similarity compares two matters by their character pairs (Dice's
// coefficient over letters and digits): 1 for the same text, 0 for nothing
// shared. Chinese has no spaces to split words on, and pairs of characters
// catch the same place and party named in different sentences.
func Similarity(a, b string) float64 { return NewMatter(a).Similarity(b) }

// Matter is a text prepared for comparing with many others.
type Matter struct {
	pairs map[[2]rune]int
	total int
}

// NewMatter prepares text for Similarity.
func NewMatter(text string) Matter {
	m := Matter{pairs: pairs(text)}
	for _, n := range m.pairs {
		m.total += n
	}
	return m
}

// Similarity is Similarity(m's text, text).
func (m Matter) Similarity(text string) float64 {
	other := pairs(text)
	if m.total == 0 || len(other) == 0 {
		return 0
	}
	shared, total := 0, m.total
	for p, n := range other {
		shared += min(n, m.pairs[p])
		total += n
	}
	return 2 * float64(shared) / float64(total)
}

func pairs(s string) map[[2]rune]int {
	var rs []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, unicode.ToLower(r))
		}
	}
	out := map[[2]rune]int{}
	for i := 0; i+1 < len(rs); i++ {
		out[[2]rune{rs[i], rs[i+1]}]++
	}
	return out
}
