package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// CaseInput is a case to register (信访事项登记); RegisterCase checks every value.
type CaseInput struct {
	Code            string            `json:"code"` // empty: the received year's next code
	Title           string            `json:"title"`
	Category        visits.Category   `json:"category"`
	Township        string            `json:"township"`
	Received        roster.Date       `json:"received"`
	Channel         visits.Channel    `json:"channel"`
	Petitioner      visits.Petitioner `json:"petitioner"`
	Content         string            `json:"content"`
	GroupSize       int               `json:"group_size"` // 0 means one person
	Representatives int               `json:"representatives"`
	Leader          string            `json:"leader"`
	Unit            string            `json:"unit"`
	Key             bool              `json:"key"`
}

// RegisterCase stores a new case after the domain rules, known township and leader, and a free code.
func (s *Service) RegisterCase(ctx context.Context, c Call, in CaseInput) (CaseView, error) {
	var out CaseView
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		created, err := registerCase(ctx, e, in)
		out = ViewCase(created, e.Today, e.Cal)
		return err
	})
	return out, err
}

// registerCase is RegisterCase inside e's transaction (the desk registers
// cases too).
func registerCase(ctx context.Context, e Env, in CaseInput) (visits.Case, error) {
	if err := in.clean(e.Today); err != nil {
		return visits.Case{}, err
	}
	tx := e.Tx
	if in.Code == "" {
		if in.Received == 0 {
			return visits.Case{}, fault.InvalidField("received", "请填写收到日期")
		}
		code, err := tx.NextCaseCode(ctx, in.Received.Year())
		if err != nil {
			return visits.Case{}, err
		}
		in.Code = code
	}
	k := visits.Case{Code: in.Code, Title: in.Title, Category: in.Category, Township: in.Township, Received: in.Received,
		Channel: in.Channel, Petitioner: in.Petitioner, Content: in.Content, GroupSize: in.GroupSize,
		Representatives: in.Representatives, Leader: in.Leader, Unit: in.Unit, Key: in.Key, State: visits.StateReceived}
	if k.GroupSize == 0 {
		k.GroupSize = 1
	}
	if err := k.Validate(e.Today); err != nil {
		return k, err
	}
	if err := CheckTownship(ctx, tx, k.Township); err != nil {
		return k, err
	}
	if err := checkLeader(ctx, tx, k.Leader); err != nil {
		return k, err
	}
	if existing, err := tx.CaseByCode(ctx, k.Code); err == nil {
		return k, &fault.Error{Kind: fault.Conflict, Code: "conflict", Msg: "案件编号 " + k.Code + " 已存在", Items: []any{existing.Public()}}
	} else if !errors.Is(err, store.ErrNotFound) {
		return k, err
	}
	return tx.CreateCase(ctx, k, e.Actor)
}

// CheckTownship refuses an id that is not a township of the county.
func CheckTownship(ctx context.Context, st *store.Store, id string) error {
	_, names, err := townships(ctx, st)
	if err != nil {
		return err
	}
	if _, ok := names[id]; !ok {
		return fault.InvalidField("township", "乡镇不存在")
	}
	return nil
}

// checkLeader refuses a leader id nobody has; "" (no leader yet) passes.
func checkLeader(ctx context.Context, st *store.Store, id string) error {
	if id == "" {
		return nil
	}
	if _, err := st.Person(ctx, id); errors.Is(err, store.ErrNotFound) {
		return fault.InvalidField("leader", "领导不存在")
	} else if err != nil {
		return err
	}
	return nil
}

// CaseAct is a change of a registered case; On defaults to today.
type CaseAct struct {
	Version int               `json:"version"`
	On      roster.Date       `json:"on"`
	Action  visits.Transition `json:"action"`
	Duty    visits.Duty       `json:"duty"`
	Note    string            `json:"note"`
	// Reason also says why SetCaseLeader changes the leader.
	Days   int    `json:"days"`
	Reason string `json:"reason"`
	Leader string `json:"leader"`
}

// CaseChange is a saved case with its clocks, and the return visit a reply scheduled (nil if none).
type CaseChange struct {
	Case        CaseView      `json:"case"`
	ReturnVisit *visits.Visit `json:"return_visit,omitempty"`
}

// TransitionCase applies a state change; serving the reply also schedules the return visit.
func (s *Service) TransitionCase(ctx context.Context, c Call, id int64, in CaseAct) (CaseChange, error) {
	return s.changeCase(ctx, c, id, in, "transition", func(ctx context.Context, e Env, k *visits.Case, in CaseAct) (*visits.Visit, error) {
		if in.Action == "" {
			return nil, fault.InvalidField("action", "请选择操作")
		}
		if err := k.Apply(in.Action, in.On, e.Today, e.Cal); err != nil {
			return nil, err
		}
		if in.Action != visits.ActReply {
			return nil, nil
		}
		return ScheduleReturnVisit(ctx, e, *k)
	})
}

// AddMilestone records one of the leader's five duties as done.
func (s *Service) AddMilestone(ctx context.Context, c Call, id int64, in CaseAct) (CaseChange, error) {
	return s.changeCase(ctx, c, id, in, "milestone", func(_ context.Context, e Env, k *visits.Case, in CaseAct) (*visits.Visit, error) {
		return nil, k.Milestone(in.Duty, in.On, e.Today, strings.TrimSpace(in.Note))
	})
}

// ExtendCase lengthens the handling period once (art. 34).
func (s *Service) ExtendCase(ctx context.Context, c Call, id int64, in CaseAct) (CaseChange, error) {
	return s.changeCase(ctx, c, id, in, "extend", func(_ context.Context, e Env, k *visits.Case, in CaseAct) (*visits.Visit, error) {
		return nil, k.Extend(in.Days, strings.TrimSpace(in.Reason), in.On, e.Cal)
	})
}

// SetCaseLeader hands the case to another 包案领导, with the reason.
func (s *Service) SetCaseLeader(ctx context.Context, c Call, id int64, in CaseAct) (CaseChange, error) {
	return s.changeCase(ctx, c, id, in, "assign", func(ctx context.Context, e Env, k *visits.Case, in CaseAct) (*visits.Visit, error) {
		if in.Leader == "" {
			return nil, fault.InvalidField("leader", "请选择领导")
		}
		if err := checkLeader(ctx, e.Tx, in.Leader); err != nil {
			return nil, err
		}
		k.Leader, k.LeaderReason = in.Leader, strings.TrimSpace(in.Reason)
		return nil, nil
	})
}

// StaleItem is what a stale-version conflict lists: the thing as stored now.
type StaleItem struct {
	ID      int64       `json:"id,omitempty"`
	Code    string      `json:"code,omitempty"`
	Version int         `json:"version"`
	State   string      `json:"state"`
	Date    roster.Date `json:"date,omitempty"`
}

func checkVersion(v int) error {
	if v <= 0 {
		return fault.InvalidField("version", "缺少读取时的版本号，请刷新后重试")
	}
	return nil
}

// changeCase checks the caller's version, applies fn and saves in one transaction.
func (s *Service) changeCase(ctx context.Context, c Call, id int64, in CaseAct, action string,
	fn func(ctx context.Context, e Env, k *visits.Case, in CaseAct) (*visits.Visit, error)) (CaseChange, error) {
	var out CaseChange
	if err := checkVersion(in.Version); err != nil {
		return out, err
	}
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		if err := in.clean(e.Today); err != nil {
			return err
		}
		k, err := e.Tx.Case(ctx, id)
		if err != nil {
			return err
		}
		if k.Version != in.Version {
			return fault.Conflicts(fmt.Sprintf("案件 %s 已被他人修改：当前为第 %d 版，状态“%s”，负责领导 %s。请核对最新内容后重新提交。",
				k.Code, k.Version, k.State.Label(), k.Leader),
				[]StaleItem{{Code: k.Code, Version: k.Version, State: string(k.State)}})
		}
		if in.On == 0 {
			in.On = e.Today
		}
		rv, err := fn(ctx, e, &k, in)
		if err != nil {
			return err
		}
		saved, err := e.Tx.SaveCase(ctx, k, in.Version, action, e.Actor)
		if err != nil {
			return err
		}
		out = CaseChange{Case: ViewCase(saved, e.Today, e.Cal), ReturnVisit: rv}
		return nil
	})
	return out, err
}
