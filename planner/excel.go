package planner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"zhiban/clean"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/xlsx"
)

// maxImportErrors is how many row errors a preview lists; the rest are counted.
const maxImportErrors = 100

// ImportRow is one previewed row: what it will do, or why it cannot.
type ImportRow struct {
	Row    int
	Text   string
	Action string // 新增 / 更新 / 无变化 / 已登记
	Note   string
}

// ImportPlan is a checked upload, ready to apply when Errors is empty.
type ImportPlan struct {
	Kind     string // leaders | absences
	Rows     []ImportRow
	Errors   []xlsx.RowError
	Leaders  []Leader
	Absences []roster.Absence
}

// CheckImport parses a "leaders" or "absences" sheet and checks every row against the database.
func CheckImport(ctx context.Context, st *store.Store, kind string, data []byte, today roster.Date) (*ImportPlan, error) {
	p := &ImportPlan{Kind: kind}
	people, err := st.People(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]roster.Person{}
	byName := map[string][]string{}
	for _, x := range people {
		byID[x.ID] = x
		// The sheet's 人员 cell is folded to half-width (it may be an id); fold names alike.
		n := clean.Narrow(x.Name)
		byName[n] = append(byName[n], x.ID)
	}
	switch kind {
	case "leaders":
		pools, err := st.Pools(ctx)
		if err != nil {
			return nil, err
		}
		member := map[string]map[string]bool{}
		for _, pl := range pools {
			member[pl.ID] = map[string]bool{}
			for _, m := range pl.Members {
				member[pl.ID][m] = true
			}
		}
		ls, errs := xlsx.ParseLeaders(bytes.NewReader(data))
		p.Errors = errs
		for _, l := range ls {
			row := ImportRow{Row: l.Row, Text: fmt.Sprintf("%s %s %s", l.Person.ID, l.Person.Name, l.Person.Title)}
			old, exists := byID[l.Person.ID]
			if l.KeepEmail {
				l.Person.Email = old.Email
			}
			switch {
			case !exists:
				row.Action = "新增"
			case old.Name != l.Person.Name || old.Title != l.Person.Title || old.Rank != l.Person.Rank || old.Portfolio != l.Person.Portfolio ||
				old.Phone != l.Person.Phone || old.Email != l.Person.Email || old.Active != l.Person.Active || old.Links != l.Person.Links:
				row.Action = "更新"
			default:
				row.Action = "无变化"
			}
			ok := true
			for _, pl := range l.Pools {
				if member[pl] == nil {
					p.Errors = append(p.Errors, xlsx.RowError{Row: l.Row, Msg: "值班池“" + pl + "”不存在"})
					ok = false
				} else if !member[pl][l.Person.ID] {
					row.Note += "加入值班池 " + pl + "；"
					if row.Action == "无变化" {
						row.Action = "更新"
					}
				}
			}
			if ok {
				p.Rows = append(p.Rows, row)
				p.Leaders = append(p.Leaders, Leader{Person: l.Person, Pools: l.Pools})
			}
		}
	case "absences":
		existing, err := st.Absences(ctx, 0, 0)
		if err != nil {
			return nil, err
		}
		have := map[roster.Absence]bool{}
		for _, a := range existing {
			a.ID, a.Reason = 0, ""
			have[a] = true
		}
		as, errs := xlsx.ParseAbsences(bytes.NewReader(data))
		p.Errors = errs
		for _, a := range as {
			id := a.Person
			if _, ok := byID[id]; !ok {
				switch ids := byName[a.Person]; len(ids) {
				case 0:
					p.Errors = append(p.Errors, xlsx.RowError{Row: a.Row, Msg: "找不到人员“" + a.Person + "”"})
					continue
				case 1:
					id = ids[0]
				default:
					p.Errors = append(p.Errors, xlsx.RowError{Row: a.Row, Msg: "姓名“" + a.Person + "”对应多人，请填写编号"})
					continue
				}
			}
			ab := roster.Absence{Person: id, Kind: a.Kind, From: a.From, To: a.To, Reason: a.Reason}
			key := ab
			key.Reason = ""
			row := ImportRow{Row: a.Row, Text: fmt.Sprintf("%s %s %s 至 %s", byID[id].Name, AbsenceKindLabel(a.Kind), a.From, a.To), Action: "新增"}
			if have[key] {
				row.Action = "已登记"
			} else {
				have[key] = true
				p.Absences = append(p.Absences, ab)
				broken, err := st.Assignments(ctx, a.From, a.To)
				if err != nil {
					return nil, err
				}
				auto, manual := 0, 0
				for _, x := range broken {
					switch {
					case x.Person != id || x.Date < today:
					case x.Source == roster.Manual || x.Pinned:
						manual++
					default:
						auto++
					}
				}
				var notes []string
				if auto > 0 {
					notes = append(notes, fmt.Sprintf("此期间有 %d 个值班，导入时自动重新安排", auto))
				}
				if manual > 0 {
					notes = append(notes, fmt.Sprintf("%d 个手动安排或固定的值班需手动调整", manual))
				}
				row.Note = strings.Join(notes, "；")
			}
			p.Rows = append(p.Rows, row)
		}
	default:
		return nil, fault.InvalidField("kind", "导入类型无效")
	}
	// Parse errors and lookup errors arrive separately; staff read them by row.
	sort.SliceStable(p.Errors, func(i, j int) bool { return p.Errors[i].Row < p.Errors[j].Row })
	if n := len(p.Errors) - maxImportErrors; n > 0 {
		p.Errors = append(p.Errors[:maxImportErrors:maxImportErrors], xlsx.RowError{Msg: fmt.Sprintf("另有 %d 处错误未列出，请先改正以上错误", n)})
	}
	return p, nil
}

// PreviewImport runs ImportPeople in a rolled-back transaction, so its counts are the apply's.
func PreviewImport(ctx context.Context, st *store.Store, p *ImportPlan, today, to roster.Date, actor string) (int, Change, error) {
	var n int
	var fix Change
	err := st.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if n, fix, err = ImportPeople(ctx, tx, p.Leaders, p.Absences, today, to, actor); err != nil {
			return err
		}
		return errPreviewOnly
	})
	if errors.Is(err, errPreviewOnly) {
		err = nil
	}
	return n, fix, err
}
